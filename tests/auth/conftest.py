"""Sign-in tests: the embedded registry (where accounts live) on SQLite and PostgreSQL, built with the
sign-in settings a test needs, and helpers that sign in through HTTP."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from services.registry.domain import commands
from services.registry.service_layer import handlers
from shared.clock import FixedClock
from socreg.app import Platform, build_platform, create_app
from tests.fixtures.accounts import password_of
from tests.fixtures.platform import TEST_SECRET, make_settings

ACCOUNTS = (("registrar1", "registrar"), ("inspector1", "inspector"), ("approver1", "approver"), ("admin1", "admin"))
MakePlatform = Callable[..., Platform]


@pytest.fixture
def make_platform(tmp_path: Any, database_url: str, clock: FixedClock) -> Iterator[MakePlatform]:
    """make_platform(**settings): the registry with ACCOUNTS (passwords: password_of)."""
    made: list[Platform] = []

    def make(*, services: tuple[str, ...] = ("registry",), **settings: Any) -> Platform:
        platform = build_platform(make_settings(tmp_path, database_url, **settings), clock=clock, services=services)
        if not made:
            for username, role in ACCOUNTS:
                handlers.add_user(commands.AddUser(username, password_of(username), role), platform.registry.uow())
        made.append(platform)
        return platform

    yield make
    for platform in made:
        platform.close()


@contextmanager
def served(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform, run_workers=False), raise_server_exceptions=False) as client:
        yield client


def sign_in(client: TestClient, username: str, password: str | None = None, **form: str) -> Response:
    return client.post("/auth/token", data={"username": username, "password": password or password_of(username),
                                            **form})


def bearer(answer: Response) -> dict[str, str]:
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def cli_env(platform: Platform, **extra: str) -> dict[str, str]:
    """The environment a `socreg` command needs to reach the test's registry."""
    s = platform.settings
    return {"SOCREG_SECRET_KEY": TEST_SECRET, "SOCREG_DATA_DIR": str(s.data_dir),
            "SOCREG_REGISTRY_DATABASE_URL": s.database_url("registry"), "SOCREG_BUS_SQLITE_PATH": s.bus_path(),
            **extra}
