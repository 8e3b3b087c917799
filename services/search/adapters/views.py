"""Read queries for the statistics, each as of a day, from the dated facts of the projection.

The facts are read once (`read_facts`: a handful of narrow queries; annual reports and inspection
draws come counted per date by the database, through a covering index for the reports; the targets of
scheduled draws, a few percent of the register a year, one by one for the R6.2 share) and every day
asked for is answered from them in memory (organizations grouped, their registration days sorted and
counted by bisection), so the dashboard's history (six days) costs one read, not six. `statistics(session, day, goals)` is
`statistics_many(session, [day], goals)[day]`: GET /search/stats and the dashboard share one code path.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from services.search.adapters.orm import (annual_reports, inspections, list_entries, organizations, rating_steps,
                                          ratings)
from services.search.domain import stats as s
from services.search.domain.document import GRADES, grade_on

o = organizations


def active_on(day: date) -> ColumnElement[bool]:
    return and_(o.c.registered_on <= day, or_(o.c.ended_on.is_(None), o.c.ended_on > day))


class _Org(NamedTuple):
    uscc: str
    type: str
    category: str
    level: str
    district: str
    registered_on: date
    ended_on: date | None
    charity: bool
    charity_since: date | None

    def active(self, day: date) -> bool:
        return self.registered_on <= day and (self.ended_on is None or self.ended_on > day)


_Group = tuple[str, str, str, str]  # type, category, level, district


@dataclass
class _Population:
    """The organizations of one group: registration days of those never ended, sorted (counted by
    bisection), and the few ended ones (counted one by one)."""

    open: list[date] = field(default_factory=list)
    ended: list[_Org] = field(default_factory=list)

    def active(self, day: date, since: date) -> tuple[int, int]:
        """(active on `day`, active and registered on or before `since`), `since` <= `day`."""
        active = bisect_right(self.open, day)
        eligible = bisect_right(self.open, since)
        for org in self.ended:
            if org.active(day):
                active += 1
                eligible += org.registered_on <= since
        return active, eligible


@dataclass
class Facts:
    """Everything the statistics read, for any day."""

    orgs: list[_Org]
    ratings: dict[str, list[Any]]  # uscc -> rows (awarded_on, grade, expires_on, cancelled_on) by award
    steps: dict[str, list[dict[str, Any]]]  # uscc -> downgrades
    entries: list[Any]  # (list, uscc, added_on, removed_on)
    reports: list[Any]  # (year, first_submitted_on, deadline, overdue_on, n)
    draws: list[Any]  # (drawn_on, completed_on, n)
    scheduled: list[Any] = field(default_factory=list)  # (uscc, drawn_on, plan_year): targets of scheduled draws
    groups: dict[_Group, _Population] = field(default_factory=dict)
    rated: list[_Org] = field(default_factory=list)  # organizations with a rating
    charities: list[_Org] = field(default_factory=list)
    authority: dict[str, str] = field(default_factory=dict)  # uscc -> registration authority, of those sampled
    _due: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        sampled = {row[0] for row in self.scheduled}
        for org in self.orgs:
            if org.uscc in sampled:
                self.authority[org.uscc] = s.authority_of(org.level, org.district)
            group = self.groups.setdefault((org.type, org.category, org.level, org.district), _Population())
            if org.ended_on is None:
                group.open.append(org.registered_on)
            else:
                group.ended.append(org)
            if org.uscc in self.ratings:
                self.rated.append(org)
            if org.charity:
                self.charities.append(org)
        for group in self.groups.values():
            group.open.sort()

    def due(self, year: int) -> int:
        """Organizations due to report for `year`: registered by its end and not ended by then."""
        if year not in self._due:
            end = date(year, 12, 31)
            self._due[year] = sum(group.active(end, end)[0] for group in self.groups.values())
        return self._due[year]


def read_facts(session: Session) -> Facts:
    orgs = [_Org(*row) for row in session.execute(select(
        o.c.uscc, o.c.type, o.c.category, o.c.level, o.c.district, o.c.registered_on, o.c.ended_on, o.c.charity,
        o.c.charity_since))]
    rated: dict[str, list[Any]] = {}
    for row in session.execute(select(ratings.c.uscc, ratings.c.awarded_on, ratings.c.grade, ratings.c.expires_on,
                                      ratings.c.cancelled_on).order_by(ratings.c.uscc, ratings.c.awarded_on)):
        rated.setdefault(row.uscc, []).append(row)
    steps: dict[str, list[dict[str, Any]]] = {}
    for step in session.execute(select(rating_steps.c.uscc, rating_steps.c.awarded_on, rating_steps.c.on,
                                       rating_steps.c.to_grade)).mappings():
        steps.setdefault(step["uscc"], []).append(dict(step))
    e = list_entries
    entries = session.execute(select(e.c.list, e.c.uscc, e.c.added_on, e.c.removed_on)).all()
    r = annual_reports
    keys = (r.c.year, r.c.first_submitted_on, r.c.deadline, r.c.overdue_on)  # ix_search_annual_reports_statistics
    reports = session.execute(select(*keys, func.count()).where(
        or_(r.c.first_submitted_on.is_not(None), r.c.overdue_on.is_not(None))).group_by(*keys)).all()
    i = inspections
    standing = and_(i.c.drawn_on.is_not(None), or_(i.c.draw_id.is_(None), i.c.draw_id.not_in(
        select(i.c.redraw_of).where(i.c.redraw_of.is_not(None)))))  # a draw replaced by a redraw left out
    draws = session.execute(select(i.c.drawn_on, i.c.completed_on, func.count()).where(standing)
                            .group_by(i.c.drawn_on, i.c.completed_on)).all()
    scheduled = session.execute(select(i.c.uscc, i.c.drawn_on, i.c.plan_year).where(
        standing, i.c.plan_kind == "scheduled")).all()
    return Facts(orgs, rated, steps, entries, reports, draws, scheduled)


def _valid_grade(facts: Facts, uscc: str, day: date) -> str | None:
    """The latest grade valid on `day` as lowered by the downgrades taken by then (R9.6; the rule of
    document.valid_rating)."""
    latest = None
    for row in facts.ratings.get(uscc, ()):
        if row.awarded_on <= day < row.expires_on and (row.cancelled_on is None or row.cancelled_on > day):
            latest = row  # ordered by award: the last valid one wins
    if latest is None:
        return None
    return grade_on({"grade": latest.grade, "awarded_on": latest.awarded_on}, facts.steps.get(uscc, []), day)


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return {str(k): int(counter[k]) for k in sorted(counter) if counter[k]}


def _day(facts: Facts, day: date, goals: s.Goals) -> dict[str, Any]:
    since = min(s.eligible_since(day), day)
    by_type: Counter[str] = Counter()
    by_level: Counter[str] = Counter()
    by_district: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    city = s.ShareCounts()
    city_by_type: dict[str, s.ShareCounts] = {}
    division: dict[str, s.ShareCounts] = {}
    for (type_, category, level, district), group in facts.groups.items():
        active, eligible = group.active(day, since)
        if not active:
            continue
        by_type[type_] += active
        by_level[level] += active
        by_district[district] += active
        by_category[category] += active
        if level == "city":
            city.add_population(active, eligible)
            city_by_type.setdefault(type_, s.ShareCounts()).add_population(active, eligible)
        division.setdefault(district, s.ShareCounts()).add_population(active, eligible)
    distribution = {g: 0 for g in GRADES}
    for org in facts.rated:
        grade = _valid_grade(facts, org.uscc, day) if org.active(day) else None
        if grade is None:
            continue
        distribution[grade] = distribution.get(grade, 0) + 1
        if grade in s.TOP_GRADES:
            eligible = org.registered_on <= since
            if org.level == "city":
                city.add_rated(eligible)
                city_by_type[org.type].add_rated(eligible)
            division[org.district].add_rated(eligible)
    total = sum(by_type.values())
    distribution["none"] = total - sum(distribution.values())
    charities = sum(1 for org in facts.charities
                    if org.active(day) and (org.charity_since is None or org.charity_since <= day))
    return {
        "as_of": day.isoformat(),
        "total": s.total_progress(total, goals),
        "by_type": _sorted(by_type), "by_level": _sorted(by_level), "by_district": _sorted(by_district),
        "by_category": _sorted(by_category),
        "charities": charities,
        "rating_distribution": distribution,
        "rated_3a_plus_city_level": {
            "variant_all": s.rated_share(city.rated, city.all, goals.rated_share),
            "variant_eligible": {**s.rated_share(city.rated_eligible, city.eligible, goals.rated_share),
                                 "registered_on_or_before": s.eligible_since(day).isoformat()}},
        "rated_3a_plus_breakdown": s.rated_breakdown(city_by_type, division, s.eligible_since(day),
                                                     goals.rated_share),
        "credit_lists": _list_counts(facts, day),
        "annual_report_filing": _filing(facts, day),
        "inspections": _inspections(facts, day, goals),
    }


def _list_counts(facts: Facts, day: date) -> dict[str, int]:
    on: dict[str, set[str]] = {}
    for name, uscc, added_on, removed_on in facts.entries:
        if added_on <= day and (removed_on is None or removed_on > day):
            on.setdefault(name, set()).add(uscc)
    counts = {"abnormal": 0, "serious": 0, "red": 0}
    counts.update({k: len(v) for k, v in sorted(on.items())})
    return counts


def _filing(facts: Facts, day: date) -> list[dict[str, Any]]:
    """Per report year: organizations due (registered by the year's end, not ended by then), reports
    filed by `day` (first submitted: a returned report was filed), late among them, and overdue facts
    detected by `day` (R4.5)."""
    filed: Counter[int] = Counter()
    late: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    for year, submitted_on, deadline, overdue_on, n in facts.reports:
        if submitted_on is not None and submitted_on <= day:
            filed[int(year)] += int(n)
            if deadline is not None and submitted_on > deadline:
                late[int(year)] += int(n)
        if overdue_on is not None and overdue_on <= day:
            overdue[int(year)] += int(n)
    years = {y for y in (*filed, *overdue, day.year - 1) if y < day.year}
    due = {year: facts.due(year) for year in sorted(years)}
    return s.filing_rates(due, {y: n for y, n in filed.items() if y in years}, dict(late), dict(overdue))


def _inspections(facts: Facts, day: date, goals: s.Goals) -> list[dict[str, Any]]:
    drawn: Counter[int] = Counter()
    completed: Counter[int] = Counter()
    for drawn_on, completed_on, n in facts.draws:
        if drawn_on <= day:
            drawn[drawn_on.year] += int(n)
            if completed_on is not None and completed_on <= day:
                completed[drawn_on.year] += int(n)
    sampled = _sampled(facts, day)
    local = sorted({s.authority_of(level, district) for _t, _c, level, district in facts.groups} - {s.CITY})
    city: dict[int, dict[str, Any]] = {}
    districts: dict[int, dict[str, dict[str, Any]]] = {}
    for year in set(drawn) | set(completed) | set(sampled):
        of_year = sampled.get(year, {})
        city[year] = _share(facts, year, day, of_year.get(s.CITY, s.Sampled()), s.CITY, goals.inspection_share)
        districts[year] = {a: _share(facts, year, day, of_year.get(a, s.Sampled()), a,
                                     goals.inspection_share_district)
                           for a in sorted(set(local) | set(of_year) - {s.CITY})}
    return s.inspection_rates(dict(drawn), dict(completed), city, districts, goals.inspection_share)


def _sampled(facts: Facts, day: date) -> dict[int, dict[str, s.Sampled]]:
    """R6.2: per year and authority, the organizations drawn by scheduled draws of the year's plans run
    within that year, by `day`."""
    out: dict[int, dict[str, s.Sampled]] = {}
    for uscc, drawn_on, plan_year in facts.scheduled:
        year = drawn_on.year if plan_year is None else int(plan_year)
        authority = facts.authority.get(uscc)
        if drawn_on <= day and drawn_on.year == year and authority is not None:
            out.setdefault(year, {}).setdefault(authority, s.Sampled()).add(uscc, drawn_on)
    return out


def _share(facts: Facts, year: int, day: date, sampled: s.Sampled, authority: str, goal: float) -> dict[str, Any]:
    """One authority's share of its register on the year's reference day (stats.sampling_register_day)."""
    on = s.sampling_register_day(year, day, sampled.last)
    registered = sum(group.active(on, on)[0] for (_t, _c, level, district), group in facts.groups.items()
                     if s.authority_of(level, district) == authority)
    return s.authority_share(len(sampled.usccs), registered, on, goal)


def statistics_many(session: Session, days: Iterable[date], goals: s.Goals) -> dict[date, dict[str, Any]]:
    """The statistics as of each of `days`, from one read of the facts (the dashboard's history)."""
    facts = read_facts(session)
    return {day: _day(facts, day, goals) for day in dict.fromkeys(days)}


def statistics(session: Session, day: date, goals: s.Goals) -> dict[str, Any]:
    return statistics_many(session, [day], goals)[day]
