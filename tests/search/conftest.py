"""Search-service fixtures: the registry platform (tests/fixtures/platform.py) and a search container on
the same bus, over each database (SQLite, PostgreSQL) and each index backend (FTS5, osmem)."""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.registry.demo_data import generate_register
from services.registry.entrypoints.demo import registration_command
from services.registry.service_layer import handlers as registry_handlers
from services.search import bootstrap as search_bootstrap
from services.search.bootstrap import SearchContainer
from services.search.entrypoints.api.app import create_app
from services.search.entrypoints.consumers import build_consumers
from services.search.service_layer import handlers
from tests.fixtures.databases import reset_pg_schema
from tests.fixtures.platform import make_settings
from socreg.app import Platform


@pytest.fixture
def search_db_url(database_url: str, tmp_path: Any, request: pytest.FixtureRequest) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'search.db'}"
    return reset_pg_schema(request.getfixturevalue("pg_database"), f"s_{uuid.uuid4().hex[:10]}")


@pytest.fixture
def search(platform: Platform, tmp_path: Any, database_url: str, search_db_url: str, clock: Any,
           index_backend: dict[str, Any]) -> Iterator[SearchContainer]:
    wired = getattr(platform, "search", None)  # once socreg/app.py wires search into the platform
    if wired is not None:
        wired.close()
    settings = make_settings(tmp_path, database_url, search_database_url=search_db_url, **index_backend)
    container = search_bootstrap.bootstrap(settings, clock=clock, bus=platform.bus)
    container.index.ensure()
    container.consumers = build_consumers(container)
    if wired is not None:
        platform.search = container  # type: ignore[attr-defined]
    yield container
    container.close()


def start_search_workers(platform: Platform, search: SearchContainer) -> None:
    """Start the search workers unless the platform's start_workers() already did."""
    if getattr(platform, "search", None) is not search:
        search.consumers = build_consumers(search)
        search.start_workers()


@pytest.fixture
def search_client(search: SearchContainer) -> Iterator[TestClient]:
    with TestClient(create_app(search, run_workers=False), raise_server_exceptions=False) as c:
        yield c


def catch_up(platform: Platform, search: SearchContainer) -> None:
    """Relay the registry's outbox, consume everything, push it to the index (no threads)."""
    platform.registry.relay.drain()
    while search.consumers[0].run_once(max_records=1000, timeout=0.05):
        pass
    handlers.drain_index(search.uow, search.index, search.clock.today())


def load_demo_subset(platform: Platform, count: int, start: int = 0) -> list[str]:
    bodies = generate_register()[start:start + count]
    return registry_handlers.import_register([registration_command(b) for b in bodies], platform.registry.uow(),
                                             platform.registry.policy)


def wait_for(check: Callable[[], bool], seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.02)
    raise AssertionError(f"not true within {seconds} s")
