"""The standalone service with its workers (create_app(run_workers=True)): the consumer thread fills
the directory from the bus, the relay thread moves the outbox to the bus (inspection.inspections,
keyed by plan id or USCC), the scheduler starts with the daily jobs; all stop with the app."""
from __future__ import annotations

import time
from collections.abc import Callable


from services.inspection.bootstrap import InspectionContainer
from services.inspection.entrypoints.api.app import create_app
from shared.contracts import TOPICS
from tests.fixtures.inspection import org_facts, registry_event, served
from tests.inspection.integration.support import INSPECTOR, add_inspectors


def eventually(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time limit"
        time.sleep(0.05)


def test_the_app_runs_its_consumer_relay_and_scheduler(inspection: InspectionContainer) -> None:
    facts = [org_facts(n) for n in range(1, 4)]
    with served(create_app(inspection), inspection) as client:
        assert client.get("/readyz").json()["checks"] == {"inspection_database": "ok", "bus": "ok"}
        inspection.bus.publish([registry_event("registry.organization.registered", f["uscc"], f) for f in facts])
        eventually(lambda: client.get(f"/inspection/organizations/{facts[2]['uscc']}",
                                      headers=INSPECTOR).status_code == 200)
        add_inspectors(client, 2)
        plan = client.post("/inspection/plans", headers=INSPECTOR, json={
            "year": 2026, "kind": "unscheduled", "title": "专项", "count": 1, "reason": "专项抽查"}).json()
        assert client.post(f"/inspection/plans/{plan['id']}/draws", headers=INSPECTOR).status_code == 201
        consumer = inspection.bus.consumer("test-reader", [TOPICS["inspection"]])
        seen: list[tuple[str | None, str]] = []

        def relayed() -> bool:
            seen.extend((d.key, d.envelope().type) for d in consumer.poll(100, 0.1))
            return len(seen) >= 3

        eventually(relayed)
        consumer.close()
        threads = list(inspection.workers.threads)
        assert seen == [(plan["id"], "inspection.plan.created"), (plan["id"], "inspection.draw.committed"),
                        (plan["id"], "inspection.draw.completed")]
    assert len(threads) == 2 and not any(t.is_alive() for t in threads)  # relay and consumer stopped
