"""Issue 12 part 5: an optional second factor (TOTP, RFC 6238) for staff, required for approver and admin
outside the demo. Enrolment answers the otpauth:// URI once; from then on signing in needs the code (form
field `totp`), and a code works once."""
from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

from typer.testing import CliRunner

from shared import totp
from socreg.cli import app as cli
from tests.auth.conftest import MakePlatform, bearer, cli_env, served, sign_in
from tests.auth.test_login_page import page_sign_in

REQUIRED = {"totp_required_roles": ("approver", "admin")}  # the default outside the test fixtures


def secret_of(uri: str) -> str:
    assert uri.startswith("otpauth://totp/")
    return parse_qs(urlparse(uri).query)["secret"][0]


def test_an_approver_without_a_second_factor_is_told_how_to_enrol(make_platform: MakePlatform) -> None:
    with served(make_platform(**REQUIRED)) as client:
        refused = sign_in(client, "approver1")
        assert refused.status_code == 403 and refused.json()["rule"] == "auth.totp_enrolment_required"
        assert "socreg user totp approver1" in refused.json()["detail"]
        assert sign_in(client, "admin1").status_code == 403
        assert sign_in(client, "approver1", "wrong-password-1234").status_code == 401  # the password comes first
        assert sign_in(client, "registrar1").status_code == 200  # optional for the other roles


def test_the_demo_signs_approvers_in_without_a_second_factor(make_platform: MakePlatform) -> None:
    with served(make_platform(**REQUIRED, demo=True)) as client:
        assert sign_in(client, "approver1").status_code == 200


def test_an_approver_enrolled_by_the_cli_signs_in_with_a_code_once(make_platform: MakePlatform) -> None:
    platform = make_platform(**REQUIRED)
    result = CliRunner().invoke(cli, ["user", "totp", "approver1"], env=cli_env(platform))
    assert result.exit_code == 0, result.output
    secret = secret_of(re.search(r"otpauth://\S+", result.stdout).group(0))  # type: ignore[union-attr]
    with served(platform) as client:
        missing = sign_in(client, "approver1")
        assert missing.status_code == 401 and missing.json()["rule"] == "auth.totp_missing"
        wrong = sign_in(client, "approver1", totp="000000" if totp.code_at(secret, time.time()) != "000000" else "1")
        assert wrong.status_code == 401 and wrong.json()["rule"] == "auth.totp_wrong"
        code = totp.code_at(secret, time.time())
        assert sign_in(client, "approver1", totp=code).json()["role"] == "approver"
        replayed = sign_in(client, "approver1", totp=code)
        assert replayed.status_code == 401 and replayed.json()["rule"] == "auth.totp_wrong"
    again = CliRunner().invoke(cli, ["user", "totp", "approver1"], env=cli_env(platform))
    assert again.exit_code == 1 and "--replace" in again.output


def test_a_registrar_enrols_through_the_api_and_then_needs_the_code(make_platform: MakePlatform) -> None:
    with served(make_platform(**REQUIRED)) as client:
        token = bearer(sign_in(client, "registrar1"))
        enrolled = client.post("/auth/totp", headers=token)
        assert enrolled.status_code == 201, enrolled.text
        secret = secret_of(enrolled.json()["otpauth_uri"])
        assert enrolled.json()["secret"] == secret and "socreg" in enrolled.json()["otpauth_uri"]
        assert client.post("/auth/totp", headers=token).status_code == 409  # shown once: no second enrolment
        assert sign_in(client, "registrar1").json()["rule"] == "auth.totp_missing"
        assert sign_in(client, "registrar1", totp=totp.code_at(secret, time.time())).status_code == 200


def test_the_login_page_takes_the_code(make_platform: MakePlatform) -> None:
    platform = make_platform(**REQUIRED)
    result = CliRunner().invoke(cli, ["user", "totp", "admin1"], env=cli_env(platform))
    secret = secret_of(re.search(r"otpauth://\S+", result.stdout).group(0))  # type: ignore[union-attr]
    with served(platform) as client:
        assert page_sign_in(client, "admin1").status_code == 401
        answer = page_sign_in(client, "admin1", totp=totp.code_at(secret, time.time()))
        assert answer.status_code == 303 and answer.cookies.get("socreg_session")
