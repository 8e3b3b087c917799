"""/readyz and /metrics are not public outside the embedded demo (issue 12, part 6): they name the
dependency that is down and count every route's traffic. /healthz stays public (container probes)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from shared.auth import Principal, issue_token
from shared.clock import SystemClock
from shared.settings import Settings
from socreg.app import ALL_SERVICES, build_platform, create_app
from tests.system.test_gateway import _Unused

SECRET = "operations-test-secret-0123456789abcdefghij"
TOKEN = "operations-token-0123456789abcdefghijklmnop"


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    """serve(**settings) -> a TestClient of the embedded app (registry only) with those settings."""
    platforms = []

    def client(**settings: Any) -> TestClient:
        values = {"secret_key": SECRET, "data_dir": tmp_path / str(len(platforms)), **settings}
        platform = build_platform(Settings(**values), services=("registry",))
        platforms.append(platform)
        return TestClient(create_app(platform, run_workers=False), raise_server_exceptions=False)

    yield client
    for platform in platforms:
        platform.close()


def test_readyz_and_metrics_are_refused_outside_the_demo_when_nothing_opens_them(serve: Any) -> None:
    client = serve()
    for path in ("/readyz", "/metrics"):
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert answer.json()["rule"] == "operations-not-public"
        assert "registry_database" not in answer.text and "socreg_http_requests_total" not in answer.text
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_operations_token_opens_them_and_nothing_else_does(serve: Any) -> None:
    client = serve(operations_token=TOKEN)
    assert client.get("/readyz").status_code == 401
    assert client.get("/readyz").headers["www-authenticate"] == "Bearer"
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN[:-1]}x"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    staff = issue_token(Principal("admin1", "admin"), secret=SECRET, clock=SystemClock(), ttl_minutes=5)
    assert client.get("/metrics", headers={"Authorization": f"Bearer {staff}"}).status_code == 401, \
        "a signed-in account's token is not the operations token"
    ready = client.get("/readyz", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ready.status_code == 200 and ready.json()["checks"] == {"registry_database": "ok", "bus": "ok"}
    metrics = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert metrics.status_code == 200 and "socreg_http_requests_total" in metrics.text


def test_the_embedded_demo_keeps_them_open(serve: Any) -> None:
    client = serve(demo=True, secret_key=Settings(demo=True).secret_key)
    assert client.get("/readyz").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_operations_public_opens_them_on_a_closed_network(serve: Any) -> None:
    client = serve(operations_public=True)
    assert client.get("/readyz").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_every_standalone_service_closes_them(tmp_path: Path) -> None:
    """`socreg serve SERVICE` (distributed mode) builds its own app: each one applies the rule."""
    from socreg.cli import _service_app

    for service in ALL_SERVICES:
        app = _service_app(service, _Unused(Settings(secret_key=SECRET, data_dir=tmp_path)))
        client = TestClient(app, raise_server_exceptions=False)
        for path in ("/readyz", "/metrics"):
            assert client.get(path).status_code == 403, (service, path)
        assert client.get("/healthz").status_code == 200, service


def test_a_short_operations_token_is_refused_at_start_up() -> None:
    with pytest.raises(ValidationError, match="operations_token"):
        Settings(secret_key=SECRET, operations_token="too-short")
