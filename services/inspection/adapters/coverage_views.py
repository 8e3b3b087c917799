"""Read queries of the yearly L45 art. 5 coverage (R6.2; domain.coverage holds the definitions): per
registration authority, the organizations its scheduled draws of the year drew, its register on the
reference day, and what the year's scheduled rounds not drawn yet will draw."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from services.inspection.adapters.orm import directory, draw_targets, draws, plans
from services.inspection.adapters.repository import earlier_targets, in_scope
from services.inspection.domain import coverage
from services.inspection.domain.model import CITY_DIVISION, DISTRICTS
from services.inspection.domain.rules import Policy
from shared.clock import CHINA


@dataclass
class _Drawn:
    usccs: set[str] = field(default_factory=set)
    last: date | None = None

    def add(self, uscc: str, day: date) -> None:
        self.usccs.add(uscc)
        self.last = day if self.last is None else max(self.last, day)


def _text(value: Any) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def drawn_by_authority(session: Session, year: int) -> dict[str, _Drawn]:
    """Targets of the year's scheduled draws run within the year, by authority (a draw replaced by a
    redraw left out)."""
    redrawn = select(draws.c.redraw_of).where(draws.c.redraw_of.is_not(None))
    query = (select(draw_targets.c.uscc, draws.c.drawn_at, directory.c.level, directory.c.district)
             .join(draws, draws.c.id == draw_targets.c.draw_id).join(plans, plans.c.id == draws.c.plan_id)
             .join(directory, directory.c.uscc == draw_targets.c.uscc)
             .where(plans.c.year == year, plans.c.kind == "scheduled", draws.c.status == "drawn",
                    draws.c.id.not_in(redrawn)))
    out: dict[str, _Drawn] = {}
    for row in session.execute(query):
        day = row.drawn_at.astimezone(CHINA).date()
        if coverage.counts_for_year(year, day):
            out.setdefault(coverage.authority_of(row.level, row.district), _Drawn()).add(row.uscc, day)
    return out


def registered_by_authority(session: Session, day: date) -> dict[str, int]:
    """Organizations active on `day`, by authority."""
    d = directory.c
    query = (select(d.level, d.district, func.count()).where(
        d.registered_on <= day, or_(and_(d.ended_on.is_(None), d.status == "active"), d.ended_on > day))
        .group_by(d.level, d.district))
    out: dict[str, int] = {}
    for level, district, n in session.execute(query):
        authority = coverage.authority_of(level, district)
        out[authority] = out.get(authority, 0) + int(n)
    return out


def planned_by_authority(session: Session, year: int, today: date,
                         known: Iterable[str]) -> tuple[dict[str, int], int, list[str]]:
    """(targets still to draw by authority for plans confined to one, targets of plans spanning several,
    those plans' ids) over the year's scheduled plans with a round not drawn yet."""
    pending = select(draws.c.plan_id).where(draws.c.status == "committed")
    query = (select(plans.c.id, plans.c.scope, plans.c.ratio, plans.c.count)
             .where(plans.c.year == year, plans.c.kind == "scheduled", plans.c.id.in_(pending)).order_by(plans.c.id))
    confined: dict[str, int] = {}
    across, spanning = 0, []
    for plan in session.execute(query):
        in_plan = session.execute(select(func.count()).select_from(earlier_targets(plan.id, None).subquery()))
        found = session.execute(in_scope(select(func.count()).select_from(directory), plan.scope, today))
        left = coverage.pending_targets(plan.ratio, plan.count, int(found.scalar_one()), int(in_plan.scalar_one()))
        authorities = coverage.authorities_of_scope(plan.scope, known)
        if len(authorities) == 1:
            [authority] = authorities
            confined[authority] = confined.get(authority, 0) + left
        elif authorities:
            across += left
            spanning.append(plan.id)
    return confined, across, spanning


def _registers(session: Session, year: int, today: date,
               drawn: dict[str, _Drawn]) -> tuple[list[str], dict[str, date], dict[date, dict[str, int]]]:
    """The authorities (the city, the six districts and any other found), each one's reference day, and
    the register (by authority) of each of those days."""
    plain = coverage.reference_day(year, today, None)
    registers = {plain: registered_by_authority(session, plain)}
    authorities = sorted({CITY_DIVISION, *DISTRICTS, *registers[plain], *drawn})
    days = {a: coverage.reference_day(year, today, drawn[a].last if a in drawn else None) for a in authorities}
    for day in set(days.values()) - set(registers):
        registers[day] = registered_by_authority(session, day)
    return authorities, days, registers


def _row(found: coverage.AuthorityCoverage) -> dict[str, Any]:
    return {"authority": found.authority, "name": found.name, "level": found.level, "registered": found.registered,
            "register_on": found.register_on, "minimum_percent": _text(found.minimum_ratio), "minimum": found.minimum,
            "drawn": found.drawn, "planned": found.planned,
            "share_percent": None if found.share is None else str(found.share), "met": found.met,
            "status": found.status, "status_text": coverage.STATUSES[found.status]}


def year_coverage(session: Session, year: int, today: date, policy: Policy,
                  only: Iterable[str] | None = None) -> dict[str, Any]:
    """The year's report (GET /inspection/coverage); `only`: just these authorities' rows."""
    drawn = drawn_by_authority(session, year)
    authorities, days, registers = _registers(session, year, today, drawn)
    planned, across, spanning = planned_by_authority(session, year, today, authorities)
    wanted = authorities if only is None else [a for a in authorities if a in set(only)]
    rows = [_row(coverage.assess(year, today, a, registered=registers[days[a]].get(a, 0), register_on=days[a],
                                 drawn=len(drawn[a].usccs) if a in drawn else 0, planned=planned.get(a, 0),
                                 policy=policy)) for a in wanted]
    return {"year": year, "as_of": today, "year_over": coverage.year_over(year, today), "rule": coverage.RULE_YEARLY,
            "authorities": rows, "planned_across": across, "plans_across": spanning}
