"""Sign in and out in the browser: the same check as POST /auth/token, the token kept in an
HttpOnly cookie; after signing in, each role lands on its own start page.

The login form carries a CSRF token before any session exists (signed double submit): GET /auth/login
sets a random nonce in an HttpOnly cookie and puts HMAC(secret key, nonce) in the form; POST accepts
only the pair, so another site cannot sign a visitor into an account of its choosing. Signing out is
POST /auth/logout (api/auth_routes.py: the same path serves the API's bearer sign-out)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import partial
from typing import Annotated

from anyio import to_thread
from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from services.registry.entrypoints.accounts import SignInThrottled, sign_in, sign_out
from services.registry.entrypoints.api.deps import Container
from services.registry.entrypoints.signin_load import in_signin_thread
from services.registry.entrypoints.web.pages import pages
from shared.errors import Forbidden, Unauthorized
from shared.webui import check_csrf, clear_session, page_principal, page_router, safe_next, set_session

router = page_router()

START_PAGE = {"org": "/registry/web/my", "registrar": "/registry/web/queue", "inspector": "/inspection/web/queue",
              "approver": "/inspection/web/sanctions", "auditor": "/search/web/dashboard", "admin": "/search/web/dashboard"}
LOGIN_COOKIE = "socreg_login"


def _login_csrf(request: Request, nonce: str) -> str:
    key = str(request.app.state.secret_key).encode()
    return hmac.new(key, b"login-csrf:" + nonce.encode(), hashlib.sha256).hexdigest()[:40]


def _form(request: Request, *, status: int = 200, next_: str = "", username: str = "", message: str = "",
          retry_after: int | None = None) -> Response:
    """The login page with a fresh pre-session CSRF pair (cookie nonce, form token)."""
    nonce = secrets.token_urlsafe(24)
    response = pages.render(request, "login.html", title=pages.t(request, "login.title"), status=status,
                            next=safe_next(next_, ""), username=username, message=message,
                            login_csrf=_login_csrf(request, nonce))
    response.set_cookie(LOGIN_COOKIE, nonce, max_age=2 * 3600, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/auth/login")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


@router.get("/auth/login")
def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002 - the query name
    return _form(request, next_=next or "")


@router.post("/auth/login")
async def login(request: Request, c: Container, username: Annotated[str, Form(max_length=200)],
          password: Annotated[str, Form(max_length=1000)], next: Annotated[str, Form()] = "",  # noqa: A002
          totp: Annotated[str, Form(max_length=20)] = "", csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if not nonce or not hmac.compare_digest(csrf, _login_csrf(request, nonce)):
        return _form(request, status=403, next_=next, username=username, message=pages.t(request, "login.expired"))
    address = request.client.host if request.client else None
    try:
        done = await in_signin_thread(request.app.state, partial(
            sign_in, c, username, password, address=address, code=totp or None))
    except SignInThrottled as exc:
        return _form(request, status=429, next_=next, username=username, retry_after=exc.retry_after,
                     message=pages.t(request, "login.throttled", seconds=exc.retry_after))
    except (Unauthorized, Forbidden) as exc:
        key = {"auth.totp_missing": "login.totp_missing", "auth.totp_wrong": "login.totp_wrong",
               "auth.totp_enrolment_required": "login.totp_enrol"}.get(exc.rule or "", "login.failed")
        return _form(request, status=exc.status, next_=next, username=username,
                     message=pages.t(request, key, username=username))
    response = RedirectResponse(safe_next(next, START_PAGE[done.principal.role]), status_code=303)
    response.delete_cookie(LOGIN_COOKIE, path="/auth/login")
    set_session(response, done.token, secure=request.url.scheme == "https",
                max_age=c.settings.token_ttl_minutes * 60)
    return response


async def logout_page(request: Request, c: Container) -> Response:
    """The sign-out form of every page (field csrf, the session cookie): the session ends everywhere."""
    request.state.html_page = True  # errors here are pages
    form = await request.form()
    check_csrf(request, str(form.get("csrf") or ""))
    if (principal := await to_thread.run_sync(page_principal, request)) is not None:
        await to_thread.run_sync(sign_out, c, principal)
    response = RedirectResponse("/", status_code=303)
    clear_session(response)
    return response
