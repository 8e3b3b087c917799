"""Two submissions of the same report at once (issue 3 "Concurrency"), on SQLite and PostgreSQL:
one wins (200), the other gets 409; the report is whole (its content, one submission, one
'submitted' transition, one event) - never half-written."""
from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from services.registry.adapters.orm import annual_report_transitions, annual_reports
from socreg.app import Platform
from tests.registry.reports.support import events, group, org_token, organizations, report_body, report_path

PAIRS = 6


def _race(client: TestClient, calls: list[tuple[str, dict[str, Any] | None, dict[str, str]]]) -> list[Any]:
    barrier, answers = threading.Barrier(len(calls)), [None] * len(calls)

    def go(i: int) -> None:
        path, body, headers = calls[i]
        barrier.wait()
        answers[i] = client.post(path, json=body, headers=headers)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers


def _check_whole(platform: Platform, usccs: list[str], bodies: dict[str, dict[str, Any]]) -> None:
    with platform.registry.db.read_session() as session:
        rows = {r.uscc: r for r in session.execute(select(annual_reports).where(annual_reports.c.year == 2025))}
        steps = session.execute(select(annual_report_transitions.c.uscc, annual_report_transitions.c.action)
                                .where(annual_report_transitions.c.action == "submitted")).all()
    for uscc in usccs:
        row = rows[uscc]
        assert (row.state, row.submissions, row.first_submitted_on is not None) == ("submitted", 1, True)
        assert row.content["staff"] == bodies[uscc]["staff"] and row.content["finances"]["income"]["total"] == \
            bodies[uscc]["finances"]["income"]["total"]
    assert sorted(u for u, _ in steps) == sorted(usccs)
    assert sorted(e["subject"] for e in events(platform, "registry.annual_report.submitted")) == sorted(usccs)


def test_two_submissions_of_a_saved_draft_one_wins_the_other_409(client: TestClient, platform: Platform) -> None:
    usccs = organizations(platform, *(group() for _ in range(PAIRS)))
    bodies = {u: report_body(business=600_000 + n) for n, u in enumerate(usccs)}
    for uscc in usccs:
        assert client.put(report_path(uscc, 2025), json=bodies[uscc], headers=org_token(uscc)).status_code == 201
    for uscc in usccs:
        answers = _race(client, [(report_path(uscc, 2025, "/submit"), None, org_token(uscc))] * 2)
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        loser = next(a for a in answers if a.status_code == 409)
        assert loser.headers["content-type"].startswith("application/problem+json") and loser.json()["rule"]
    _check_whole(platform, usccs, bodies)


def test_two_first_submissions_with_bodies_one_wins_the_other_409(client: TestClient, platform: Platform) -> None:
    """No draft yet: both requests would create the report; one does, the other is 409 and leaves no trace."""
    usccs = organizations(platform, *(group() for _ in range(PAIRS)))
    bodies = {u: report_body(business=700_000 + n) for n, u in enumerate(usccs)}
    for uscc in usccs:
        other = report_body(business=1)  # the loser's body must not appear anywhere
        answers = _race(client, [(report_path(uscc, 2025, "/submit"), bodies[uscc], org_token(uscc)),
                                 (report_path(uscc, 2025, "/submit"), other, org_token(uscc))])
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        winner = next(a for a in answers if a.status_code == 200)
        if winner.json()["content"]["finances"]["expenses"]["business_activities"] == "1.00":
            bodies[uscc] = other
    _check_whole(platform, usccs, bodies)
