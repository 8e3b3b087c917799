"""A filing season end to end (issue 3 "Proof"): thousands of organizations file their annual reports
through real HTTP (uvicorn on a loopback port, many connections at once), some first with a report
that does not add up (422, then corrected), a registrar returns and accepts some; the deadline passes
on the injectable clock; the sweep runs twice and twice at once - and each organization that did not
file gets its registry.annual_report.overdue exactly once, no one else does.

2,000 organizations on SQLite, 300 on PostgreSQL (the same assertions)."""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx
import pytest
import uvicorn

from services.registry import bootstrap
from services.registry.bootstrap import RegistryContainer
from services.registry.entrypoints.api.app import create_app
from services.registry.entrypoints.demo import registration_command
from services.registry.service_layer import handlers, reports
from shared.auth import Principal, issue_token
from shared.clock import FixedClock, SystemClock
from tests.fixtures.accounts import provision
from tests.fixtures.platform import TEST_SECRET, make_settings
from tests.fixtures.servers import free_port
from tests.registry.factories import registration_body
from tests.registry.reports.support import events_of, report_body

SIZES = {"sqlite": 2000, "postgresql": 300}
FILING_DAY = date(2026, 5, 20)


@pytest.fixture
def season(tmp_path: Path, database_url: str) -> Iterator[tuple[RegistryContainer, FixedClock, str, list[str]]]:
    clock = FixedClock(FILING_DAY)
    settings = make_settings(tmp_path, database_url, annual_report_first_year=2025)
    container = bootstrap.bootstrap(settings, clock=clock)
    size = SIZES["sqlite" if database_url.startswith("sqlite") else "postgresql"]
    cmds = []
    for n in range(1, size + 1):
        body = registration_body(n, established_on="2023-03-01")
        if n % 3 == 0:
            body.update(type="social_service", category="community_service", members=None, registered_funds=100000)
        cmds.append(registration_command(body))
    usccs = [u for start in range(0, size, 1000)
             for u in handlers.import_register(cmds[start:start + 1000], container.uow(), container.policy)]
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(container, run_workers=False), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield container, clock, f"http://127.0.0.1:{port}", usccs
    server.should_exit = True
    thread.join(30)


def _token(container: RegistryContainer, principal: Principal) -> dict[str, str]:
    """A token the test signs, with its account and session (every request checks them)."""
    token = issue_token(principal, secret=TEST_SECRET, clock=SystemClock(), ttl_minutes=60)
    provision(container.db.write_engine, token, TEST_SECRET)
    return {"Authorization": f"Bearer {token}"}


def _file(http: httpx.Client, container: RegistryContainer, n: int, uscc: str) -> list[int]:
    """One organization's season: n % 10 == 0 never files; n % 7 == 0 first submits a report whose
    income does not add up (422), then the corrected one; the others save a draft, then submit it."""
    org = _token(container, Principal(f"org-{n}", "org", uscc))
    path = f"/registry/organizations/{uscc}/annual-reports/2025"
    if n % 10 == 0:
        return []
    body = report_body(business=500_000 + n)
    statuses = []
    if n % 7 == 0:
        wrong = report_body()
        wrong["finances"]["income"]["total"] = "1.00"
        statuses.append(http.post(path + "/submit", json=wrong, headers=org).status_code)
        statuses.append(http.post(path + "/submit", json=body, headers=org).status_code)
    else:
        statuses.append(http.put(path, json=body, headers=org).status_code)
        statuses.append(http.post(path + "/submit", headers=org).status_code)
    return statuses


def test_a_filing_season_through_http_then_each_missing_report_is_overdue_once__R4_5(
        season: tuple[RegistryContainer, FixedClock, str, list[str]]) -> None:
    container, clock, base, usccs = season
    started = time.monotonic()
    with httpx.Client(base_url=base, timeout=60, limits=httpx.Limits(max_connections=32)) as http, \
            ThreadPoolExecutor(16) as pool:
        statuses = [s for result in pool.map(lambda pair: _file(http, container, *pair), enumerate(usccs, start=1))
                    for s in result]
        registrar = _token(container, Principal("registrar-e2e", "registrar"))
        reviews = list(pool.map(lambda n: http.post(
            f"/registry/organizations/{usccs[n - 1]}/annual-reports/2025/review", headers=registrar,
            json={"decision": "return", "reasons": ["活动情况过于简略"]} if n % 11 == 0 else {"decision": "accept"}
        ).status_code, [n for n in range(1, len(usccs) + 1) if n % 10 and n % 4 == 0]))
    filing_seconds = time.monotonic() - started
    never = {u for n, u in enumerate(usccs, start=1) if n % 10 == 0}
    filers = len(usccs) - len(never)
    corrected = sum(1 for n in range(1, len(usccs) + 1) if n % 10 and n % 7 == 0)
    assert Counter(statuses) == {200: filers, 201: filers - corrected, 422: corrected}, Counter(statuses)
    assert set(reviews) == {200}
    assert len(events_of(container, "registry.annual_report.submitted")) == len(usccs) - len(never)
    assert events_of(container, "registry.annual_report.overdue") == []

    clock.set(date(2026, 5, 31))  # the deadline day: nothing is overdue yet
    assert reports.sweep_overdue(container.uow, container.report_policy) == 0
    clock.set(date(2026, 6, 1))
    counts: list[int] = []
    threads = [threading.Thread(target=lambda: counts.append(reports.sweep_overdue(container.uow,
                                                                                   container.report_policy)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    counts.append(reports.sweep_overdue(container.uow, container.report_policy))
    assert sum(counts) == len(never), counts
    overdue = [e["subject"] for e in events_of(container, "registry.annual_report.overdue")]
    assert len(overdue) == len(set(overdue)) and set(overdue) == never
    assert filing_seconds < 120, f"the season took {filing_seconds:.0f} s"

