"""The combined app with the annual-report and rating routes (until socreg/app.py includes them)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.registry.entrypoints.api.report_routes import report_router
from socreg.app import Platform, create_app
from tests.fixtures.accounts import ProvisioningClient
from tests.fixtures.platform import TEST_SECRET


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    app = create_app(platform, run_workers=False)
    if not any(getattr(r, "path", "").endswith("/annual-reports") for r in app.routes):
        app.include_router(report_router)
    with ProvisioningClient(app, accounts_url=platform.settings.accounts_url(), secret=TEST_SECRET,
                            raise_server_exceptions=False) as c:  # tokens the tests sign (support.org_token)
        yield c
