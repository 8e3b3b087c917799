"""A property-based run over the inspection service's OpenAPI schema (schemathesis): no input, however
hostile, gets a 5xx; every 4xx is problem details; a refused request changes nothing."""
from __future__ import annotations

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from services.inspection.bootstrap import InspectionContainer
from services.inspection.entrypoints.api.app import create_app
from tests.fixtures.inspection import bearer, org_facts, register
from tests.inspection.integration.support import add_inspectors, draw, make_plan, snapshot

EXAMPLES_PER_OPERATION = 5


def _check(case, container: InspectionContainer, headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(container)
    response = case.call(headers=headers)
    where = f"{case.method} {case.formatted_path}"
    assert response.status_code < 500, f"{where}: {response.text[:500]}"
    if response.status_code >= 400:
        content_type = response.headers["content-type"]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/problem+json"), where
        body = response.json()
        assert body["status"] == response.status_code and body["title"] and "detail" in body
        assert snapshot(container) == before, f"{where} was refused but changed something"


def test_no_input_gets_a_server_error(inspection: InspectionContainer, inspection_client: TestClient) -> None:
    register(inspection, [org_facts(n) for n in range(1, 6)])
    add_inspectors(inspection_client, 2)
    draw(inspection_client, make_plan(inspection_client, kind="unscheduled", title="x", count=2)["id"])
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(inspection, run_workers=False))
    headers = bearer("inspector")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        def run(case) -> None:  # type: ignore[no-untyped-def]
            _check(case, inspection, headers)

        run()
