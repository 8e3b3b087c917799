"""The login page (issue 12 parts 5 and 6): a pre-session CSRF token (signed double submit: a nonce in an
HttpOnly cookie, its HMAC in the form), a field for the one-time code, and signing out of a page ends the
session everywhere, not only the cookie."""
from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

from tests.auth.conftest import MakePlatform, served
from tests.fixtures.accounts import password_of


def login_form(client: TestClient) -> str:
    page = client.get("/auth/login")
    assert page.status_code == 200 and "socreg_login" in page.cookies
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert found, "the login form carries no CSRF token"
    return found.group(1)


def page_sign_in(client: TestClient, username: str, password: str | None = None, **form: str) -> Response:
    csrf = login_form(client)
    return client.post("/auth/login", data={"username": username, "password": password or password_of(username),
                                            "csrf": csrf, **form}, follow_redirects=False)


def test_the_login_form_without_its_csrf_token_signs_no_one_in(make_platform: MakePlatform) -> None:
    with served(make_platform()) as client:
        data = {"username": "registrar1", "password": password_of("registrar1")}
        for extra in ({}, {"csrf": "0" * 40}):  # no token; a made-up token
            answer = client.post("/auth/login", data={**data, **extra}, follow_redirects=False)
            assert answer.status_code == 403 and "socreg_session" not in answer.cookies
        stolen = login_form(client)  # another site's visitor has no nonce cookie for a token it fetched
        client.cookies.clear()
        answer = client.post("/auth/login", data={**data, "csrf": stolen}, follow_redirects=False)
        assert answer.status_code == 403 and "socreg_session" not in answer.cookies
        answer = page_sign_in(client, "registrar1")
        assert answer.status_code == 303 and answer.cookies.get("socreg_session")


def test_the_login_page_has_a_field_for_the_one_time_code(make_platform: MakePlatform) -> None:
    with served(make_platform()) as client:
        page = client.get("/auth/login").text
        assert 'name="totp"' in page and 'autocomplete="one-time-code"' in page


def test_signing_out_of_a_page_ends_the_session_not_only_the_cookie(make_platform: MakePlatform) -> None:
    with served(make_platform()) as client:
        signed_in = page_sign_in(client, "registrar1")
        token = signed_in.cookies["socreg_session"]
        assert client.get("/registry/web/queue", follow_redirects=False).status_code == 200
        page = client.get("/registry/web/queue").text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
        out = client.post("/auth/logout", data={"csrf": csrf}, follow_redirects=False)
        assert out.status_code == 303
        client.cookies.set("socreg_session", token)  # the old cookie, kept by someone
        assert client.get("/registry/web/queue", follow_redirects=False).status_code == 303  # to the login page
        assert client.get("/registry/organizations", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_the_page_sign_out_needs_its_csrf_token(make_platform: MakePlatform) -> None:
    with served(make_platform()) as client:
        token = page_sign_in(client, "registrar1").cookies["socreg_session"]
        assert client.post("/auth/logout", data={"csrf": "forged"}, follow_redirects=False).status_code == 403
        assert client.get("/registry/organizations", headers={"Authorization": f"Bearer {token}"}).status_code == 200
