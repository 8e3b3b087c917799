"""The two services through the bus only (no shared database), SQLite and PostgreSQL: a registration
and a change in the registry reach the inspection directory through registry.organizations; a
revocation request from inspection reaches the registry's queue through inspection.inspections
(issue 12: nothing is revoked by it); a registrar proposes the revocation, another person, the approver,
approves it, and registry.organization.revoked closes the organization in the directory, so it is never
drawn again."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from services.inspection import bootstrap as inspection_bootstrap
from services.inspection.entrypoints.api.app import create_app
from services.inspection.entrypoints.consumers import build_consumers as inspection_consumers
from services.registry import bootstrap as registry_bootstrap
from services.registry.adapters.orm import revocation_requests
from services.registry.domain import commands as registry_commands
from services.registry.entrypoints.consumers import build_consumers as registry_consumers
from services.registry.entrypoints.demo import registration_command
from services.registry.service_layer import handlers as registry_handlers
from services.registry.service_layer import sanctions as registry_sanctions
from shared.clock import FixedClock
from shared.events.bus import build_bus
from tests.fixtures.databases import reset_pg_schema
from tests.fixtures.inspection import INSPECTION_TODAY, inspection_settings, served
from tests.inspection.integration.support import INSPECTOR
from tests.registry.factories import registration_body


@pytest.fixture
def services(request: pytest.FixtureRequest, tmp_path: Any, database_url: str) -> Iterator[tuple[Any, Any]]:
    registry_url = (f"sqlite:///{tmp_path / 'registry-own.db'}" if database_url.startswith("sqlite") else
                    reset_pg_schema(request.getfixturevalue("pg_database"), f"r_{uuid.uuid4().hex[:10]}"))
    settings = inspection_settings(tmp_path, database_url, registry_database_url=registry_url)
    bus, clock = build_bus(settings), FixedClock(INSPECTION_TODAY)
    registry = registry_bootstrap.bootstrap(settings, clock=clock, bus=bus)
    inspection = inspection_bootstrap.bootstrap(settings, clock=clock, bus=bus)
    yield registry, inspection
    registry.close()
    inspection.close()
    bus.close()


def flow(source: Any, runners: list[Any]) -> None:
    """The relay of one service, then the consumers of the other: what the workers do continuously."""
    source.relay.drain()
    for runner in runners:
        while runner.run_once(timeout=0.05):
            pass
        runner.close()


def test_the_services_meet_only_on_the_bus(services: tuple[Any, Any]) -> None:
    registry, inspection = services
    body = registration_body(7, established_on="2019-05-01")
    org = registry_handlers.register_organization(registration_command(body, by="registrar1"), registry.uow(),
                                                  registry.policy)
    registry_handlers.change_registration(registry_commands.ChangeRegistration(
        org.uscc, {"domicile": "厦门市集美区新地址8号"}, "registrar1"), registry.uow(), registry.policy)
    flow(registry, inspection_consumers(inspection))
    with served(create_app(inspection, run_workers=False), inspection) as client:
        entry = client.get(f"/inspection/organizations/{org.uscc}", headers=INSPECTOR).json()
        assert (entry["name"], entry["domicile"], entry["status"]) == (body["name"], "厦门市集美区新地址8号", "active")
        request = client.post("/inspection/penalties", headers=INSPECTOR, json={
            "uscc": org.uscc, "kind": "revocation", "legal_basis": "《社会团体登记管理条例》第三十条",
            "effective_on": INSPECTION_TODAY.isoformat(), "facts": "拒不接受监督检查，情节严重"})
        assert request.status_code == 202, request.text
        flow(inspection, registry_consumers(registry))
        with registry.db.read_engine.connect() as conn:
            queued = conn.execute(select(revocation_requests.c.id, revocation_requests.c.state).where(
                revocation_requests.c.uscc == org.uscc)).all()
        assert [tuple(r) for r in queued] == [(request.json()["request_id"], "open")]
        with registry.uow() as uow:
            assert uow.organizations.get(org.uscc).status == "active"  # a request revokes nothing
        proposal = registry_sanctions.propose_revocation(registry_commands.Revoke(
            org.uscc, "《社会团体登记管理条例》第三十条", "registrar1", "厦民撤字〔2026〕1号"), "registrar",
            registry.uow(), request.json()["request_id"])
        registry_sanctions.approve(proposal.id, "approver1", "approver", None, registry.uow())
        with registry.uow() as uow:
            assert uow.organizations.get(org.uscc).status == "revoked"
            assert uow.revocation_requests.get(request.json()["request_id"])["state"] == "revoked"
        flow(registry, inspection_consumers(inspection))  # registry.organization.revoked comes back
        closed = client.get(f"/inspection/organizations/{org.uscc}", headers=INSPECTOR).json()
        assert (closed["status"], closed["ended_on"]) == ("revoked", INSPECTION_TODAY.isoformat())
