"""Helpers of the annual-report and rating tests (issue 3): organizations registered in the past
(migrated in through the registry's own bulk handler), org accounts, full report bodies, the
outbox, and problem-details assertions."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from services.registry.adapters.orm import (annual_report_overdue, annual_report_transitions, annual_reports,
                                            investigations, ratings)
from services.registry.domain import commands
from services.registry.entrypoints.demo import registration_command
from services.registry.service_layer import handlers
from shared.auth import Principal, issue_token
from shared.clock import SystemClock
from shared.events.outbox import outbox_table
from socreg.app import Platform
from tests.fixtures.accounts import password_of
from tests.fixtures.platform import TEST_SECRET
from tests.registry.factories import registration_body

PROBLEM_BASE = "https://socreg.example/problems/"
ORGS = "/registry/organizations"
Headers = dict[str, str]


def organizations(platform: Platform, *specs: dict[str, Any], start: int = 1) -> list[str]:
    """Register organizations with a past registration date (as a migrated register would), each
    spec overriding tests.registry.factories.registration_body; returns their USCCs."""
    cmds = []
    for n, spec in enumerate(specs, start=start):
        body = registration_body(n, **{k: v for k, v in spec.items() if k != "registered_on"})
        cmd = registration_command(body)
        if "registered_on" in spec:
            cmd = commands.RegisterOrganization(**{**cmd.__dict__, "registered_on": date.fromisoformat(spec["registered_on"])})
        cmds.append(cmd)
    return handlers.import_register(cmds, platform.registry.uow(), platform.registry.policy)


def group(**extra: Any) -> dict[str, Any]:
    return {"established_on": "2018-03-01", **extra}


def service(**extra: Any) -> dict[str, Any]:
    return {"type": "social_service", "category": "community_service", "members": None, "registered_funds": 100000,
            "established_on": "2018-03-01", **extra}


def foundation(kind: str = "non_public", **extra: Any) -> dict[str, Any]:
    return {"type": "foundation", "category": "charity", "members": None, "foundation_kind": kind,
            "registered_funds": 4_000_000 if kind == "public" else 2_000_000, "established_on": "2018-03-01", **extra}


def org_token(uscc: str, username: str | None = None) -> Headers:
    """A bearer token of the organization's own account (signed with the test key, as /auth/token does)."""
    token = issue_token(Principal(username or f"org-{uscc[-6:]}", "org", uscc), secret=TEST_SECRET,
                        clock=SystemClock(), ttl_minutes=60)
    return {"Authorization": f"Bearer {token}"}


def org_account(platform: Platform, client: TestClient, uscc: str, username: str) -> Headers:
    """A real org account, signed in through POST /auth/token."""
    handlers.add_user(commands.AddUser(username, password_of(username), "org", uscc), platform.registry.uow())
    answer = client.post("/auth/token", data={"username": username, "password": password_of(username)})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def y(value: float | int) -> str:
    return f"{Decimal(str(value)):.2f}"


def report_body(*, income: dict[str, float] | None = None, business: float = 600_000, charitable: float | None = None,
                management: float = 150_000, fundraising: float = 0, other_expense: float = 10_000,
                staff_and_office: float | None = None, restricted: float = 200_000, unrestricted: float = 800_000,
                audit: bool = False, previous_years: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A complete report whose sums add up (民间非营利组织会计制度)."""
    sources = {"donations": 300_000, "government_grants": 200_000, "services": 250_000, "membership_dues": 50_000,
               "investment": 0, "other": 0, **(income or {})}
    expenses: dict[str, Any] = {"business_activities": y(business), "management": y(management),
                                "fundraising": y(fundraising), "other": y(other_expense),
                                "total": y(business + management + fundraising + other_expense)}
    if charitable is not None:
        expenses["charitable_activities"] = y(charitable)
    if staff_and_office is not None:
        expenses["staff_and_office"] = y(staff_and_office)
    body: dict[str, Any] = {
        "registration": {"confirmed": True},
        "finances": {"income": {**{k: y(v) for k, v in sources.items()}, "total": y(sum(sources.values()))},
                     "expenses": expenses,
                     "net_assets": {"restricted": y(restricted), "unrestricted": y(unrestricted),
                                    "total": y(restricted + unrestricted)},
                     "previous_years": previous_years or []},
        "activities": [{"name": "年度会员大会", "description": "召开会员大会一次，审议年度工作报告", "beneficiaries": 120,
                        "spending": "20000.00"},
                       {"name": "行业培训", "description": "举办专业培训12期", "beneficiaries": 800, "spending": "180000.00",
                        "charitable": True}],
        "staff": {"full_time": 6, "part_time": 2, "volunteers": 40, "volunteer_hours": 1200},
        "party": {"established": True, "form": "branch", "members": 5},
        "major_events": {"changes": [], "penalties": [], "litigation": []},
    }
    if audit:
        body["audit"] = {"firm": "厦门某某会计师事务所（演示）", "report_number": "厦审字〔2026〕第001号",
                         "opinion": "unqualified", "issued_on": "2026-03-10"}
    return body


def problem(answer: Any, status: int, slug: str, *, rule: str | None = None,
            fields: set[str] | None = None) -> dict[str, Any]:
    """An RFC 9457 problem: status, type and content type; `rule` is part of the named rule, `fields`
    are all among errors[].field."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.headers
    body = answer.json()
    assert body["status"] == status and body["type"] == PROBLEM_BASE + slug, body
    assert body["title"] and body["detail"]
    if rule is not None:
        assert rule in (body.get("rule") or ""), body
    if fields is not None:
        assert fields <= {e["field"] for e in body.get("errors", [])}, body
    return body


def events(platform: Platform, type_: str | None = None) -> list[dict[str, Any]]:
    """The registry's outbox, oldest first: each event's envelope (type, subject, data)."""
    return events_of(platform.registry, type_)


def events_of(container: Any, type_: str | None = None) -> list[dict[str, Any]]:
    with container.db.read_session() as session:
        rows = session.execute(select(outbox_table.c.payload).order_by(outbox_table.c.seq)).scalars().all()
    found = [json.loads(r) for r in rows]
    return [e for e in found if type_ is None or e["type"] == type_]


def snapshot(platform: Platform) -> dict[str, Any]:
    """Every table a refused filing, review or award must leave alone (row counts and report states)."""
    with platform.registry.db.read_session() as session:
        counts = {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in (annual_reports, annual_report_transitions, annual_report_overdue, ratings, investigations,
                            outbox_table)}
        states = session.execute(select(annual_reports.c.uscc, annual_reports.c.year, annual_reports.c.state,
                                        annual_reports.c.version, annual_reports.c.content)).all()
        grades = session.execute(select(ratings.c.id, ratings.c.grade, ratings.c.status)).all()
        cases = session.execute(select(investigations.c.id, investigations.c.closed_on)).all()
    return {"counts": counts, "reports": sorted(map(tuple, states), key=str), "ratings": sorted(map(tuple, grades)),
            "investigations": sorted(map(tuple, cases))}


def report_path(uscc: str, year: int, suffix: str = "") -> str:
    return f"{ORGS}/{uscc}/annual-reports/{year}{suffix}"


def registrar_token() -> Headers:
    token = issue_token(Principal("registrar-fuzz", "registrar"), secret=TEST_SECRET, clock=SystemClock(),
                        ttl_minutes=60)
    return {"Authorization": f"Bearer {token}"}
