"""Sign in and out in the browser: the same check as POST /auth/token, the token kept in an
HttpOnly cookie; after signing in, each role lands on its own start page."""
from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from services.registry.entrypoints.accounts import sign_in
from services.registry.entrypoints.api.deps import Container
from services.registry.entrypoints.web.pages import pages
from shared.errors import Unauthorized
from shared.webui import check_csrf, clear_session, page_router, safe_next, set_session

router = page_router()

START_PAGE = {"org": "/registry/web/my", "registrar": "/registry/web/queue", "inspector": "/inspection/web/queue",
              "admin": "/search/web/dashboard"}


@router.get("/auth/login")
def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002 - the query name
    return pages.render(request, "login.html", title=pages.t(request, "login.title"),
                        next=safe_next(next, ""), failed=False, username="")


@router.post("/auth/login")
def login(request: Request, c: Container, username: Annotated[str, Form(max_length=200)],
          password: Annotated[str, Form(max_length=1000)], next: Annotated[str, Form()] = "") -> Response:  # noqa: A002
    try:
        token, principal = sign_in(c, username, password)
    except Unauthorized:
        return pages.render(request, "login.html", title=pages.t(request, "login.title"), status=401,
                            next=safe_next(next, ""), failed=True, username=username)
    response = RedirectResponse(safe_next(next, START_PAGE[principal.role]), status_code=303)
    set_session(response, token, secure=request.url.scheme == "https", max_age=c.settings.token_ttl_minutes * 60)
    return response


@router.post("/auth/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    response = RedirectResponse("/", status_code=303)
    clear_session(response)
    return response
