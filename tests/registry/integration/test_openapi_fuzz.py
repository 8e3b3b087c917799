"""A property-based run over the registry's OpenAPI schema (schemathesis): no input, however
hostile, gets a 5xx; every 4xx is a problem-details answer; a rejected request changes nothing."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from services.registry.adapters.orm import organizations
from shared.auth import Principal, issue_token
from shared.clock import SystemClock
from shared.events.outbox import outbox_table
from socreg.app import create_app
from tests.fixtures.accounts import provision
from tests.fixtures.platform import TEST_SECRET

EXAMPLES_PER_OPERATION = 30


def _auth(platform) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A registrar's token with its session (every request checks it; POST /auth/logout may end it, so
    each operation gets its own)."""
    token = issue_token(Principal("registrar1", "registrar"), secret=TEST_SECRET, clock=SystemClock(),
                        ttl_minutes=600)
    provision(platform.registry.db.write_engine, token, TEST_SECRET)
    return {"Authorization": f"Bearer {token}"}


def _counts(platform) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with platform.registry.db.read_engine.connect() as conn:
        orgs = conn.execute(select(func.count()).select_from(organizations)).scalar_one()
        events = conn.execute(select(func.count()).select_from(outbox_table)).scalar_one()
    return orgs, events


def _check(case, platform, headers) -> None:  # type: ignore[no-untyped-def]
    before = _counts(platform)
    response = case.call(headers=headers)
    where = f"{case.method} {case.formatted_path}"
    assert response.status_code < 500, f"{where}: {response.text[:500]}"
    if response.status_code >= 400:
        content_type = response.headers["content-type"]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/problem+json"), where
        body = response.json()
        assert body["status"] == response.status_code and body["title"] and "detail" in body
        assert _counts(platform) == before, f"{where} was refused but changed the register"


def test_no_input_gets_a_server_error(platform) -> None:  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(platform, run_workers=False))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        headers = _auth(platform)
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        def run(case) -> None:  # type: ignore[no-untyped-def]
            _check(case, platform, headers)

        run()
