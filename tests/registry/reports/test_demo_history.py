"""The demo register's history (issue 3 "Demo"): annual reports 2020-2025 with a realistic share late,
returned or missing, and ratings with about 19% of city-level organizations holding a valid 3A+ grade
at the end of 2020, 25% at the end of 2025 (R9.9, the city plan); loaded through the registry's own
bulk handlers, so every award passes the rating rules and every filing the report rules."""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from services.registry.adapters.orm import annual_report_overdue, annual_reports, ratings
from services.registry.demo_data import generate_register
from services.registry.demo_history import DemoOrg, generate
from services.registry.domain.annual_report import ReportPolicy
from services.registry.entrypoints.demo import load_history, registration_command
from services.registry.service_layer import handlers
from shared.clock import CHINA
from socreg.app import Platform

TODAY = date(2026, 11, 28)


def _orgs(bodies: list[dict]) -> list[DemoOrg]:  # type: ignore[type-arg]
    return [DemoOrg(f"X{n:017d}", b["type"], b["category"], b["level"], b["district"],
                    date.fromisoformat(b["established_on"]), Decimal(str(b["registered_funds"])),
                    bool(b.get("charity")), b.get("foundation_kind")) for n, b in enumerate(bodies)]


def test_city_level_3A_share_19_percent_in_2020_rising_to_25_percent_in_2025__R9_9() -> None:
    orgs = _orgs(generate_register(seed=2020))
    reports, awards = generate(orgs, ReportPolicy(), TODAY)
    city = {o.uscc for o in orgs if o.level == "city"}

    def share(year: int) -> float:
        day = date(year, 12, 31)
        held = {a.uscc for a in awards if a.uscc in city and a.grade in ("3A", "4A", "5A")
                and a.awarded_on <= day < a.awarded_on.replace(year=a.awarded_on.year + 5)}
        return len(held) / len(city)

    assert abs(share(2020) - 0.19) < 0.01 and abs(share(2025) - 0.25) < 0.01
    assert [round(share(y), 3) for y in range(2020, 2026)] == sorted(round(share(y), 3) for y in range(2020, 2026))

    policy, outcomes = ReportPolicy(), Counter()  # type: ignore[var-annotated]
    by_key = {(r.uscc, r.year): r for r in reports}
    for org in orgs:
        for year in range(2020, 2025):
            if not policy.obliged(org.type, org.registered_on, year):
                continue
            r = by_key.get((org.uscc, year))
            if r is None or r.submitted_at is None:
                outcomes[year, "missing"] += 1
            else:
                late = r.submitted_at.astimezone(CHINA).date() > policy.deadline(org.type, year)
                outcomes[year, "late" if late else "on_time"] += 1
                outcomes[year, "returned"] += r.returned_at is not None
            outcomes[year, "owed"] += 1
    for year in range(2020, 2025):
        owed = outcomes[year, "owed"]
        assert 0.03 < outcomes[year, "missing"] / owed < 0.12, (year, outcomes)
        assert 0.03 < outcomes[year, "late"] / owed < 0.12, (year, outcomes)
        assert 0.02 < outcomes[year, "returned"] / owed < 0.10, (year, outcomes)
    assert outcomes[2024, "missing"] / outcomes[2024, "owed"] < outcomes[2020, "missing"] / outcomes[2020, "owed"]


def test_the_history_loads_through_the_registry_rules(platform: Platform) -> None:
    """A slice of the demo register: every generated report and award is accepted by the import
    handlers (the same rules as through HTTP); the first overdue sweep finds the missing and late ones."""
    bodies = [b for b in generate_register(seed=2020) if b["level"] == "city"][:250]
    usccs = handlers.import_register([registration_command(b) for b in bodies], platform.registry.uow(),
                                     platform.registry.policy)
    counts = load_history(platform.registry, bodies, usccs)
    with platform.registry.db.read_session() as session:
        stored = session.execute(select(func.count()).select_from(annual_reports)).scalar_one()
        states = dict(session.execute(select(annual_reports.c.state, func.count()).group_by(annual_reports.c.state)).all())
        rated = session.execute(select(func.count()).select_from(ratings)).scalar_one()
        overdue = session.execute(select(func.count()).select_from(annual_report_overdue)).scalar_one()
    assert stored == counts["annual_reports"] and rated == counts["ratings"] > 20
    assert {"accepted", "returned", "draft"} <= set(states) and states["accepted"] > 0.8 * stored
    assert overdue == counts["overdue_reports"] > 0
