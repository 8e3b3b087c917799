"""Operations endpoints, and what the registry does with the events it consumes."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from services.registry.entrypoints.consumers import build_consumers
from shared.events.envelope import new_envelope
from shared.events.outbox import outbox_table
from tests.fixtures.platform import approved
from tests.registry.factories import registration_body


def _register(client, registrar, n: int = 1) -> str:  # type: ignore[no-untyped-def]
    answer = client.post("/registry/organizations", json=registration_body(n), headers=registrar)
    assert answer.status_code == 201, answer.text
    return answer.json()["uscc"]


def _penalty(uscc: str, kind: str, penalty_id: str = "P-1") -> object:
    return new_envelope("inspection.penalty.imposed", source="/socreg/inspection", subject=uscc,
                        data={"uscc": uscc, "penalty_id": penalty_id, "kind": kind,
                              "legal_basis": "《社会团体登记管理条例》第三十条", "effective_on": "2026-05-20"},
                        time=datetime.now(timezone.utc))


def _consume(platform) -> None:  # type: ignore[no-untyped-def]
    [runner] = build_consumers(platform.registry)
    while runner.run_once(timeout=0.3):
        pass


def test_health_readiness_and_metrics(client, registrar) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"registry_database": "ok", "bus": "ok"}
    _register(client, registrar)
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    assert 'socreg_http_requests_total{method="POST",route="/registry/organizations",status="201"} 1.0' in metrics.text


def test_readiness_reports_a_dead_bus(client, platform) -> None:  # type: ignore[no-untyped-def]
    platform.bus.close()  # the log's connection is gone: the bus no longer answers
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["checks"]["bus"] == "down"


def test_bypass_a_revocation_penalty_event_never_revokes__issue12(client, registrar, platform) -> None:  # type: ignore[no-untyped-def]
    """Issue 12: an inspector's penalty of kind revocation once revoked the registration at once. A penalty
    event is now only remembered; revocation is the registry's two-person decision."""
    uscc = _register(client, registrar)
    platform.bus.publish([_penalty(uscc, "revocation")])
    _consume(platform)
    assert client.get(f"/registry/organizations/{uscc}", headers=registrar).json()["status"] == "active"
    with platform.registry.db.read_engine.connect() as conn:
        types = conn.execute(select(outbox_table.c.type).where(outbox_table.c.aggregateid == uscc)).scalars().all()
    assert "registry.organization.revoked" not in types


def _request(uscc: str, request_id: str = "RR-1") -> object:
    return new_envelope("inspection.revocation.requested", source="/socreg/inspection", subject=uscc,
                        data={"uscc": uscc, "request_id": request_id, "legal_basis": "《社会团体登记管理条例》第三十条",
                              "facts": "拒不接受监督检查，情节严重", "found_on": "2026-05-20",
                              "requested_on": "2026-05-21"}, time=datetime.now(timezone.utc))


def test_a_revocation_request_is_queued_once_then_proposed_and_approved_by_two_people__R2_4(  # type: ignore[no-untyped-def]
        client, registrar, approver, platform) -> None:
    uscc = _register(client, registrar)
    event = _request(uscc)
    platform.bus.publish([event, event])
    _consume(platform)
    queue = client.get("/registry/revocation-requests", headers=registrar).json()
    assert [(r["id"], r["uscc"], r["state"]) for r in queue["items"]] == [("RR-1", uscc, "open")]
    assert client.get(f"/registry/organizations/{uscc}", headers=registrar).json()["status"] == "active"
    body = {"legal_basis": "《社会团体登记管理条例》第三十条", "decision_number": "厦民撤字〔2026〕1号", "request_id": "RR-1"}
    proposed = client.post(f"/registry/organizations/{uscc}/revocation", headers=registrar, json=body)
    assert proposed.status_code == 202 and proposed.json()["links"] == {"request_id": "RR-1"}, proposed.text
    again = client.post(f"/registry/organizations/{uscc}/revocation", headers=registrar, json=body)
    assert again.status_code == 409  # one open proposal per act
    refused = client.post(f"{proposed.headers['Location']}/approval", headers=registrar)
    assert refused.status_code == 403 and "approver" in refused.json()["rule"]
    approved(client, proposed, approver)
    record = client.get(f"/registry/organizations/{uscc}", headers=registrar).json()
    assert (record["status"], record["ended_on"]) == ("revoked", "2026-06-01")
    closed = client.get("/registry/revocation-requests?state=revoked", headers=registrar).json()
    assert [r["id"] for r in closed["items"]] == ["RR-1"]


def test_a_warning_is_remembered_without_closing_the_record(client, registrar, platform) -> None:  # type: ignore[no-untyped-def]
    uscc = _register(client, registrar)
    platform.bus.publish([_penalty(uscc, "warning")])
    _consume(platform)
    assert client.get(f"/registry/organizations/{uscc}", headers=registrar).json()["status"] == "active"
    refused = client.post(f"/registry/organizations/{uscc}/charity-recognition", headers=registrar)
    assert refused.status_code == 409 and "R10.1.2" in refused.json()["rule"]
