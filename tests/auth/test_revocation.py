"""Issue 12 part 5: a token kept working after logout, deactivation or a role change. Now each token names
its session and the account's token version, and every service checks both against the accounts store on
each request: POST /auth/logout, `socreg user deactivate` and `socreg user role` end tokens at once, in the
registry, in the embedded platform's other services, and in a separately deployed service that reads the
accounts database (accounts_database_url)."""
from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from services.inspection import bootstrap as inspection_bootstrap
from services.inspection.entrypoints.api.app import create_app as inspection_app
from shared.auth import Principal, issue_token
from shared.clock import SystemClock
from socreg.cli import app as cli
from tests.auth.conftest import MakePlatform, bearer, cli_env, served, sign_in
from tests.fixtures.platform import TEST_SECRET
from tests.registry.factories import registration_body

ORGS = "/registry/organizations"
LIST = "/inspection/credit-lists/abnormal"


def test_a_token_after_logout__stops_working_at_once(make_platform: MakePlatform) -> None:
    with served(make_platform()) as client:
        token, other = bearer(sign_in(client, "registrar1")), bearer(sign_in(client, "registrar1"))
        assert client.get(ORGS, headers=token).status_code == 200
        assert client.post("/auth/logout", headers=token).status_code == 204
        refused = client.get(ORGS, headers=token)
        assert refused.status_code == 401 and refused.headers["content-type"].startswith("application/problem+json")
        assert client.post("/auth/logout", headers=token).status_code == 401
        assert client.get(ORGS, headers=other).status_code == 200  # the account's other session goes on


def test_logout_without_a_token_is_401(make_platform: MakePlatform) -> None:
    with served(make_platform()) as client:
        assert client.post("/auth/logout").status_code == 401
        assert client.post("/auth/logout", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_a_token_after_deactivation__stops_working_and_the_account_cannot_sign_in(make_platform: MakePlatform) -> None:
    platform = make_platform()
    with served(platform) as client:
        token = bearer(sign_in(client, "registrar1"))
        result = CliRunner().invoke(cli, ["user", "deactivate", "registrar1"], env=cli_env(platform))
        assert result.exit_code == 0, result.output
        assert client.get(ORGS, headers=token).status_code == 401
        assert sign_in(client, "registrar1").status_code == 401


def test_a_token_after_a_role_change__stops_working(make_platform: MakePlatform) -> None:
    platform = make_platform()
    with served(platform) as client:
        token = bearer(sign_in(client, "registrar1"))
        result = CliRunner().invoke(cli, ["user", "role", "registrar1", "inspector"], env=cli_env(platform))
        assert result.exit_code == 0, result.output
        assert client.get(ORGS, headers=token).status_code == 401  # it still says "registrar"
        again = sign_in(client, "registrar1")
        assert again.json()["role"] == "inspector"
        assert client.post(ORGS, json=registration_body(1), headers=bearer(again)).status_code == 403


def test_a_token_signed_with_the_key_but_without_a_session_is_refused(make_platform: MakePlatform) -> None:
    with served(make_platform()) as client:
        forged = issue_token(Principal("registrar1", "registrar"), secret=TEST_SECRET, clock=SystemClock(),
                             ttl_minutes=60)
        assert client.get(ORGS, headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_every_service_of_the_embedded_platform_checks_the_session(make_platform: MakePlatform) -> None:
    with served(make_platform(services=("registry", "inspection", "search"))) as client:
        token = bearer(sign_in(client, "inspector1"))
        assert client.get(LIST, headers=token).status_code == 200
        assert client.post("/auth/logout", headers=token).status_code == 204
        assert client.get(LIST, headers=token).status_code == 401


def test_a_separate_inspection_service_checks_the_accounts_database(make_platform: MakePlatform,
                                                                     tmp_path: Any) -> None:
    """The distributed mode: the inspection API in its own process with its own database reads the
    sessions from accounts_database_url (here: the registry's database, the default)."""
    registry = make_platform()
    settings = registry.settings.model_copy(update={"inspection_database_url": f"sqlite:///{tmp_path}/insp.db",
                                                    "accounts_database_url": registry.settings.database_url("registry")})
    inspection = inspection_bootstrap.bootstrap(settings)
    with served(registry) as client, TestClient(inspection_app(inspection, run_workers=False)) as separate:
        token = bearer(sign_in(client, "inspector1"))
        assert separate.get(LIST, headers=token).status_code == 200
        assert client.post("/auth/logout", headers=token).status_code == 204
        assert separate.get(LIST, headers=token).status_code == 401
