"""Signed-in people in pages: the bearer token of /auth/token kept in an HttpOnly cookie.

Pages read the same token the API reads, so a role means the same thing on both. Forms that
change something carry a CSRF token derived from the session (double submit, HMAC with the
service's secret key) and the cookie is SameSite=Lax, so another site cannot post as the user.
"""
from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from shared.accounts import current_principal
from shared.auth import Principal, read_token
from shared.errors import Forbidden, SocregError

SESSION_COOKIE = "socreg_session"


class LoginRequired(SocregError):
    """A page needs a signed-in user; pages answer it with a redirect to the login page."""
    status = 401
    title = "Sign in required"
    type_slug = "login-required"


def page_principal(request: Request) -> Principal | None:
    """The cookie's principal while its session stands (shared.accounts, as for bearer tokens); read
    once per request."""
    if hasattr(request.state, "page_principal"):
        return request.state.page_principal  # type: ignore[no-any-return]
    principal = None
    if token := request.cookies.get(SESSION_COOKIE):
        try:
            principal = current_principal(request.app.state, read_token(token, secret=request.app.state.secret_key))
        except SocregError:
            principal = None
    request.state.page_principal = principal
    return principal


def require_page_role(request: Request, *roles: str) -> Principal:
    """The signed-in principal if it holds one of `roles` (no super-role: admin holds only its own)."""
    principal = page_principal(request)
    if principal is None:
        raise LoginRequired("sign in to see this page")
    return principal.require(*roles)


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/auth/login?next={quote(target, safe='')}"


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: an open redirect would let a link send a user anywhere after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def csrf_token(request: Request) -> str:
    session = request.cookies.get(SESSION_COOKIE, "anonymous")
    key = str(request.app.state.secret_key).encode()
    return hmac.new(key, b"csrf:" + session.encode(), hashlib.sha256).hexdigest()[:40]


def check_csrf(request: Request, submitted: str | None) -> None:
    if not submitted or not hmac.compare_digest(submitted, csrf_token(request)):
        raise Forbidden("the form expired or came from another site; reload the page and try again")


def set_session(response: Response, token: str, *, secure: bool, max_age: int) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure,
                        path="/")


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
