"""The /auth paths (issue 12 part 5): sign in, sign out, the second factor, unlocking an account."""
from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Form, Path, Request, status
from fastapi.responses import JSONResponse, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from services.registry.entrypoints.accounts import SignInThrottled, sign_in, sign_out
from services.registry.entrypoints.api import schemas
from services.registry.entrypoints.api.deps import Container
from services.registry.entrypoints.signin_load import in_signin_thread
from services.registry.entrypoints.web.auth_pages import logout_page
from services.registry.service_layer import accounts
from shared import totp
from shared.errors import Unauthorized
from shared.web import CurrentPrincipal, MaybePrincipal, problem

auth_router = APIRouter(tags=["auth"])
_PROBLEM = {"content": {"application/problem+json": {}}}


class TotpOut(BaseModel):
    otpauth_uri: str
    secret: str


class UnlockOut(BaseModel):
    username: str
    unlocked: bool


def _throttled(request: Request, exc: SignInThrottled) -> JSONResponse:
    response = problem(429, exc.title, exc.detail, slug=exc.type_slug, instance=request.url.path, rule=exc.rule,
                       retry_after=exc.retry_after)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


@auth_router.post("/auth/token", response_model=schemas.TokenOut, responses={
    401: {**_PROBLEM, "description": "wrong username or password (the same answer for an unknown user); rule "
          "auth.totp_missing or auth.totp_wrong: the one-time code is needed or wrong"},
    403: {**_PROBLEM, "description": "rule auth.totp_enrolment_required: the role needs a second factor and the "
          "account has none; an administrator enrols it with `socreg user totp NAME`"},
    429: {**_PROBLEM, "description": "too many failed attempts for the account or the client address; the "
          "Retry-After header (and retry_after) says when to try again"}})
async def token(request: Request, c: Container, form: Annotated[OAuth2PasswordRequestForm, Depends()],
          totp_code: Annotated[str, Form(alias="totp", max_length=20, description=(
              "the 6-digit one-time code of the account's authenticator app, for accounts with a second "
              "factor (required for approver and admin outside the demo)"))] = "") -> Any:
    """Sign in (OAuth2 password flow): form fields `username`, `password`, and `totp` for accounts with a
    second factor. Answers a bearer token for the account's role, valid until it expires
    (token_ttl_minutes) or its session ends (POST /auth/logout, deactivation, a role change).

    Throttling, per account and per client address, shared by every process: after
    `signin_account_delay_after` (5) failures within `signin_window_minutes` (15) each further failure
    doubles the wait before the next try (from 1 s, at most 60 s); after `signin_account_lock_after` (10)
    the account is locked for `signin_lock_minutes` (15) unless an admin unlocks it
    (POST /auth/accounts/{username}/unlock). A client address has its own, higher thresholds (20, 100).
    A refused try answers 429 with Retry-After and does not count."""
    address = request.client.host if request.client else None
    try:
        done = await in_signin_thread(request.app.state, partial(
            sign_in, c, form.username, form.password, address=address, code=totp_code or None))
    except SignInThrottled as exc:
        return _throttled(request, exc)
    return schemas.TokenOut(access_token=done.token, role=done.principal.role, uscc=done.principal.uscc)


@auth_router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, responses={
    303: {"description": "the page form (no bearer token): back to the start page, the cookie cleared"},
    401: {**_PROBLEM, "description": "no token, or a token whose session has already ended"}})
async def logout(request: Request, c: Container, who: MaybePrincipal) -> Response:
    """Sign out (any signed-in account): the bearer token's session ends, and the token stops working in
    every service at once (204). The same path serves the pages' sign-out form (form field `csrf`, the
    session cookie), which ends the cookie's session and answers 303 to the start page."""
    if who is not None:
        await to_thread.run_sync(sign_out, c, who)
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    if "authorization" in request.headers or "socreg_session" not in request.cookies:
        raise Unauthorized("sign in first: POST /auth/token")
    return await logout_page(request, c)


@auth_router.post("/auth/totp", response_model=TotpOut, status_code=status.HTTP_201_CREATED, responses={
    409: {**_PROBLEM, "description": "rule auth.totp_enrolled: the account has a second factor already"}})
def enrol_totp(c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """Enrol the signed-in account's second factor (any role; staff especially): answers, this once, the
    otpauth:// URI (and its secret) to add to an authenticator app. From then on signing in needs the
    app's 6-digit code in the token form's `totp` field. An enrolled account cannot enrol again here; an
    administrator replaces a lost factor with `socreg user totp NAME --replace`."""
    secret = totp.new_secret()
    accounts.enrol_totp(c.uow(), who.username, secret)
    return {"otpauth_uri": totp.provisioning_uri(secret, who.username, c.settings.totp_issuer), "secret": secret}


@auth_router.post("/auth/accounts/{username}/unlock", response_model=UnlockOut, responses={
    403: {**_PROBLEM, "description": "only an admin unlocks accounts"},
    404: {**_PROBLEM, "description": "no such account"}})
def unlock(username: Annotated[str, Path(min_length=1, max_length=100)], c: Container,
           who: CurrentPrincipal) -> dict[str, Any]:
    """Lift an account's sign-in throttling at once (admin): its delays and its temporary lock.
    `unlocked` says whether there was anything to lift. Also `socreg user unlock NAME`."""
    who.require("admin")
    return {"username": username, "unlocked": accounts.unlock(c.uow(), username)}
