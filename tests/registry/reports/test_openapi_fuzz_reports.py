"""A property-based run (schemathesis) over the annual-report and rating paths, with the tokens that
reach their handlers (the organization's own account for PUT and submit, a registrar for review and
ratings, unlocks and investigations) on a real organization: no input gets a 5xx; every 4xx is a problem; a refused request
changes nothing."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from socreg.app import Platform, create_app
from tests.registry.reports.support import group, org_token, organizations, registrar_token, snapshot

EXAMPLES_PER_OPERATION = 25


def test_no_input_to_reports_or_ratings_gets_a_server_error(platform: Platform) -> None:
    [uscc] = organizations(platform, group())
    app = create_app(platform, run_workers=False)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [r.ok() for r in schema.get_all_operations()]
    ours = [op for op in operations if "/annual-reports" in op.path or op.path.endswith("/ratings")
            or "/investigations" in op.path]
    assert len(ours) == 11, [op.path for op in ours]
    for operation in ours:
        headers = org_token(uscc) if operation.method.upper() == "PUT" or operation.path.endswith("/submit") \
            else registrar_token()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        def run(case) -> None:  # type: ignore[no-untyped-def]
            case.path_parameters = {**(case.path_parameters or {}), "uscc": uscc}
            before = snapshot(platform)
            response = case.call(headers=headers)
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, f"{where}: {response.text[:500]}"
            if response.status_code >= 400:
                content_type = response.headers["content-type"]
                content_type = content_type[0] if isinstance(content_type, list) else content_type
                assert content_type.startswith("application/problem+json"), where
                assert snapshot(platform) == before, f"{where} was refused but changed something"

        run()
