"""Signing in, for the API's token endpoint and the login page alike."""
from __future__ import annotations

from services.registry.bootstrap import RegistryContainer
from shared.auth import Principal, issue_token, verify_password
from shared.clock import SystemClock
from shared.errors import Unauthorized


def sign_in(c: RegistryContainer, username: str, password: str) -> tuple[str, Principal]:
    """A bearer token and its principal for a right username and password; Unauthorized otherwise
    (the same answer for an unknown user and a wrong password)."""
    if not username.isprintable() or len(username) > 100:
        raise Unauthorized("wrong username or password")
    with c.uow() as uow:
        user = uow.users.get(username)
    if user is None or not user.active or not verify_password(user.password_hash, password[:1000]):
        raise Unauthorized("wrong username or password")
    principal = Principal(user.username, user.role, user.uscc)
    token = issue_token(principal, secret=c.settings.secret_key, clock=SystemClock(),  # tokens live in real time
                        ttl_minutes=c.settings.token_ttl_minutes)
    return token, principal
