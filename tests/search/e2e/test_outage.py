"""A search-backend outage: searches answer 503 problem details, registrations go on, no event is
lost, and the index catches up when the backend returns (even though osmem comes back empty)."""
from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from services.search import bootstrap as search_bootstrap
from services.search.adapters.orm import organizations
from services.search.entrypoints.api.app import create_app
from shared.events.outbox import dead_letter_table
from socreg.app import Platform
from tests.fixtures.platform import login, make_settings
from tests.fixtures.search import OsmemServer, index_settings
from tests.search.conftest import wait_for
from tests.search.e2e.test_search_service import group, hits


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_search_backend_outage_loses_nothing_and_catches_up(
        client: TestClient, platform: Platform, tmp_path: Any, database_url: str, clock: Any) -> None:
    server = OsmemServer().start()
    settings = make_settings(tmp_path, database_url, search_database_url=f"sqlite:///{tmp_path / 's.db'}",
                             elasticsearch_timeout_seconds=1.0, **index_settings("elasticsearch", server.url))
    wired = getattr(platform, "search", None)  # once socreg/app.py wires search into the platform
    if wired is not None:
        wired.close()
    search = search_bootstrap.bootstrap(settings, clock=clock, bus=platform.bus)
    if wired is not None:
        platform.search = search  # type: ignore[attr-defined]
    registrar = login(client, "registrar1")
    platform.start_workers()
    try:
        with TestClient(create_app(search, run_workers=wired is None), raise_server_exceptions=False) as search_client:
            before = [client.post("/registry/organizations", json=group(f"厦门市停电前第{i}协会"),
                                  headers=registrar).json()["uscc"] for i in range(3)]
            wait_for(lambda: len(hits(search_client, q="停电前")) == 3, 3.0)

            server.stop()
            down = search_client.get("/search/organizations", params={"q": "停电"})
            assert down.status_code == 503
            assert down.headers["content-type"].startswith("application/problem+json")
            assert down.json()["status"] == 503 and down.json()["title"]
            assert search_client.get("/readyz").status_code == 503
            during = [client.post("/registry/organizations", json=group(f"厦门市停电中第{i}协会"),
                                  headers=registrar) for i in range(2)]
            assert [a.status_code for a in during] == [201, 201]  # registrations go on

            def projected() -> bool:
                with search.db.read_session() as session:
                    return session.execute(select(func.count()).select_from(organizations)).scalar_one() == 5
            wait_for(projected, 3.0)  # the consumer kept going: the read model and statistics are current
            assert search_client.get("/search/stats").json()["total"]["total"] == 5

            server.start()  # same port, empty
            wait_for(lambda: len(hits(search_client, q="停电")) == 5, 10.0)
            assert sorted(hits(search_client, q="停电前")) == sorted(before)
            with search.db.read_session() as session:
                assert session.execute(select(func.count()).select_from(dead_letter_table)).scalar_one() == 0
    finally:
        server.stop()
