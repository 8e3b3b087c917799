"""The demo register's history (issue 3 "Demo"): annual reports 2020-2025 with a realistic share late,
returned or missing, and ratings with about 19% of city-level organizations holding a valid 3A+ grade
at the end of 2020, 25% at the end of 2025 (R9.9, the city plan); loaded through the registry's own
bulk handlers, so every award passes the rating rules and every filing the report rules.

Most organizations that miss the deadline file late (1-9 months after it); few never do - mostly the
dormant ones (僵尸型), which the registrar ends after their second missed year in a row (R2.4.3): most are
deregistered after liquidating (注销), the rest revoked (撤销登记, 不按照规定接受监督检查: SHT art. 30,
MFQ art. 25(3)), through the registry's handlers on their days."""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from services.registry.adapters.orm import annual_report_overdue, annual_reports, organizations, ratings
from services.registry.demo_data import generate_register
from services.registry.demo_history import DemoOrg, generate, generate_history
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
    _, _, ended = generate_history(orgs, policy, TODAY)
    closed_on = {c.uscc: c.on for c in ended}
    by_key = {(r.uscc, r.year): r for r in reports}
    for org in orgs:
        for year in range(2020, 2026):
            deadline = policy.deadline(org.type, year)
            if not policy.obliged(org.type, org.registered_on, year) or closed_on.get(org.uscc, date.max) <= deadline:
                continue  # not owed, or the organization was ended before its deadline
            r = by_key.get((org.uscc, year))
            if r is None or r.submitted_at is None:
                outcomes[year, "missing"] += 1
            else:
                after = (r.submitted_at.astimezone(CHINA).date() - deadline).days
                outcomes[year, "on_time" if after <= 0 else "late" if after <= 60 else "months_late"] += 1
                outcomes[year, "returned"] += r.returned_at is not None
                assert after <= 271, (org.uscc, year, after)  # late filings come within 9 months
            outcomes[year, "owed"] += 1
    for year in range(2020, 2026):
        owed = outcomes[year, "owed"]
        late = outcomes[year, "late"] + outcomes[year, "months_late"]
        assert 0.84 < outcomes[year, "on_time"] / owed < 0.92, (year, outcomes)
        assert 0.08 < late / owed < 0.15, (year, outcomes)
        assert 0.02 < outcomes[year, "returned"] / owed < 0.10, (year, outcomes)
        # most of those who miss the deadline file late after all; a small share never files
        assert late / (late + outcomes[year, "missing"]) > 0.85, (year, outcomes)
        assert 0.003 < outcomes[year, "missing"] / owed < 0.025, (year, outcomes)
    assert outcomes[2020, "months_late"] > outcomes[2025, "months_late"] > 0  # 2025: the season is still open


def test_dormant_organizations_are_deregistered_or_revoked_after_two_missed_years__R2_4_3() -> None:
    orgs = _orgs(generate_register(seed=2020))
    policy = ReportPolicy()
    reports, _, ended = generate_history(orgs, policy, TODAY)
    by_org = {o.uscc: o for o in orgs}
    filed = {(r.uscc, r.year) for r in reports if r.submitted_at is not None}
    kinds = Counter(c.kind for c in ended)
    assert kinds["deregister"] > 2 * kinds["revoke"] > 40  # most wind up when urged; a few dozen revoked
    assert len(ended) < 0.05 * len(orgs) and [c.on for c in ended] == sorted(c.on for c in ended)
    assert {c.on.year for c in ended} == {2022, 2023, 2024, 2025, 2026} and all(c.on < TODAY for c in ended)
    for c in ended:
        org = by_org[c.uscc]
        missed = [y for y in range(2020, 2026) if policy.obliged(org.type, org.registered_on, y)
                  and policy.deadline(org.type, y) < c.on and (c.uscc, y) not in filed]
        # two consecutive years missed before the decision, and nothing filed from the first of them on
        assert any(y + 1 in missed for y in missed), c
        assert not any((c.uscc, y) in filed for y in range(min(missed), 2026)), c
        assert c.on > policy.deadline(org.type, min(missed) + 1)
        if c.kind == "revoke":
            assert org.type in ("social_group", "social_service") and c.decision_number
            assert ("第三十条" if org.type == "social_group" else "第二十五条") in c.legal_basis
        else:
            assert c.liquidation_completed_on is not None and c.liquidation_completed_on <= c.on
    numbers = [c.decision_number for c in ended if c.kind == "revoke"]
    assert len(set(numbers)) == len(numbers)


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
    # the dormant organizations of the slice, ended through the registry's handlers on their days
    with platform.registry.db.read_session() as session:
        ended = dict(session.execute(select(organizations.c.status, func.count()).where(
            organizations.c.status != "active").group_by(organizations.c.status)).all())
    assert ended == {k: v for k, v in (("revoked", counts["revoked"]), ("deregistered", counts["deregistered"])) if v}
    assert counts["deregistered"] > 0
