"""Read queries for the statistics, each as of a day, straight from the dated facts of the projection."""
from __future__ import annotations

from datetime import date
from typing import Any

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


def _counts_by(session: Session, column: Any, day: date) -> dict[str, int]:
    query = select(column, func.count()).where(active_on(day)).group_by(column).order_by(column)
    return {str(k): int(n) for k, n in session.execute(query).all()}


def _valid_grades(session: Session, day: date) -> dict[str, tuple[str, str, date]]:
    """uscc -> (grade, level, registered_on) of the latest grade valid on `day` as lowered by the
    downgrades taken by then (R9.6), active organizations only (document.valid_rating's rule)."""
    query = (select(ratings.c.uscc, ratings.c.grade, ratings.c.awarded_on, o.c.level, o.c.registered_on)
             .join(o, o.c.uscc == ratings.c.uscc)
             .where(active_on(day), ratings.c.awarded_on <= day, ratings.c.expires_on > day,
                    or_(ratings.c.cancelled_on.is_(None), ratings.c.cancelled_on > day))
             .order_by(ratings.c.uscc, ratings.c.awarded_on))
    latest: dict[str, Any] = {}
    for row in session.execute(query):
        latest[row.uscc] = row
    steps: dict[str, list[dict[str, Any]]] = {}
    for step in session.execute(select(rating_steps).where(rating_steps.c.on <= day)).mappings():
        steps.setdefault(step["uscc"], []).append(dict(step))
    out: dict[str, tuple[str, str, date]] = {}
    for uscc, row in latest.items():
        grade = grade_on({"grade": row.grade, "awarded_on": row.awarded_on}, steps.get(uscc, []), day)
        if grade is not None:
            out[uscc] = (grade, row.level, row.registered_on)
    return out


def _rating_goal(session: Session, day: date, grades: dict[str, tuple[str, str, date]],
                 goals: s.Goals) -> dict[str, Any]:
    top = [v for v in grades.values() if v[1] == "city" and v[0] in ("3A", "4A", "5A")]
    city = and_(active_on(day), o.c.level == "city")
    all_city = session.execute(select(func.count()).where(city)).scalar_one()
    since = s.eligible_since(day)
    eligible = session.execute(select(func.count()).where(city, o.c.registered_on <= since)).scalar_one()
    return {"variant_all": s.rated_share(len(top), int(all_city), goals.rated_share),
            "variant_eligible": {**s.rated_share(sum(1 for v in top if v[2] <= since), int(eligible),
                                                 goals.rated_share), "registered_on_or_before": since.isoformat()}}


def _list_counts(session: Session, day: date) -> dict[str, int]:
    e = list_entries
    query = (select(e.c.list, func.count(func.distinct(e.c.uscc)))
             .where(e.c.added_on <= day, or_(e.c.removed_on.is_(None), e.c.removed_on > day)).group_by(e.c.list))
    counts = {"abnormal": 0, "serious": 0, "red": 0}
    counts.update({k: int(n) for k, n in session.execute(query).all()})
    return counts


def _filing(session: Session, day: date) -> list[dict[str, Any]]:
    """Per report year: organizations due (registered by the year's end, not ended by then), reports
    filed by `day` (first submitted: a returned report was filed), late among them, and overdue facts
    detected by `day` (R4.5)."""
    r = annual_reports
    filed_q = (select(r.c.year, func.count(), func.count().filter(r.c.first_submitted_on > r.c.deadline))
               .where(r.c.first_submitted_on <= day).group_by(r.c.year))
    filed = {int(y): int(n) for y, n, _late in session.execute(filed_q)}
    late = {int(y): int(n) for y, _n, n in session.execute(filed_q)}
    overdue = {int(y): int(n) for y, n in session.execute(
        select(r.c.year, func.count()).where(r.c.overdue_on <= day).group_by(r.c.year))}
    years = {y for y in (*filed, *overdue, day.year - 1) if y < day.year}
    due = {}
    for year in sorted(years):
        end = date(year, 12, 31)
        due[year] = int(session.execute(select(func.count()).where(
            o.c.registered_on <= end, or_(o.c.ended_on.is_(None), o.c.ended_on > end))).scalar_one())
    return s.filing_rates(due, {y: n for y, n in filed.items() if y in years}, late, overdue)


def _inspections(session: Session, day: date, goals: s.Goals) -> list[dict[str, Any]]:
    i = inspections
    rows = session.execute(select(i.c.drawn_on, i.c.completed_on).where(i.c.drawn_on.is_not(None),
                                                                         i.c.drawn_on <= day)).all()
    drawn: dict[int, int] = {}
    completed: dict[int, int] = {}
    for row in rows:
        drawn[row.drawn_on.year] = drawn.get(row.drawn_on.year, 0) + 1
        if row.completed_on is not None and row.completed_on <= day:
            completed[row.drawn_on.year] = completed.get(row.drawn_on.year, 0) + 1
    city = int(session.execute(select(func.count()).where(active_on(day), o.c.level == "city")).scalar_one())
    return s.inspection_rates(drawn, completed, city, goals.inspection_share)


def statistics(session: Session, day: date, goals: s.Goals) -> dict[str, Any]:
    grades = _valid_grades(session, day)
    distribution = {g: 0 for g in GRADES}
    for grade, _level, _registered in grades.values():
        distribution[grade] = distribution.get(grade, 0) + 1
    by_type = _counts_by(session, o.c.type, day)
    total = sum(by_type.values())
    distribution["none"] = total - len(grades)
    return {
        "as_of": day.isoformat(),
        "total": s.total_progress(total, goals),
        "by_type": by_type, "by_level": _counts_by(session, o.c.level, day),
        "by_district": _counts_by(session, o.c.district, day),
        "by_category": _counts_by(session, o.c.category, day),
        "charities": int(session.execute(select(func.count()).where(
            active_on(day), o.c.charity.is_(True), or_(o.c.charity_since.is_(None), o.c.charity_since <= day))
        ).scalar_one()),
        "rating_distribution": distribution,
        "rated_3a_plus_city_level": _rating_goal(session, day, grades, goals),
        "credit_lists": _list_counts(session, day),
        "annual_report_filing": _filing(session, day),
        "inspections": _inspections(session, day, goals),
    }
