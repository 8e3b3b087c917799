"""Read queries of the registry's pages (CQRS-lite, SQLAlchemy Core over the existing tables): the
registrar's work queues. The report and record reads themselves are those of the JSON API."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from services.registry.adapters.orm import annual_reports, organizations
from services.registry.domain.annual_report import ReportPolicy
from services.registry.domain.model import ORG_TYPES


def _page(session: Session, query: Select[Any], order: list[Any], page: int, size: int) -> dict[str, Any]:
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(*order).offset((page - 1) * size).limit(size)).mappings()
    return {"total": total, "page": page, "size": size, "pages": max(1, -(-total // size)),
            "items": [dict(r) for r in rows]}


def reports_in_state(session: Session, state: str, *, page: int = 1, size: int = 50) -> dict[str, Any]:
    """Reports in `state` (submitted: to review; returned: with the organization), oldest first."""
    query = (select(annual_reports.c.uscc, annual_reports.c.year, annual_reports.c.submitted_at,
                    annual_reports.c.first_submitted_on, annual_reports.c.submissions, annual_reports.c.returns,
                    annual_reports.c.reviewed_at, annual_reports.c.findings, organizations.c.name,
                    organizations.c.type)
             .join(organizations, organizations.c.uscc == annual_reports.c.uscc)
             .where(annual_reports.c.state == state))
    when = annual_reports.c.submitted_at if state == "submitted" else annual_reports.c.reviewed_at
    found = _page(session, query, [when, annual_reports.c.uscc, annual_reports.c.year], page, size)
    for item in found["items"]:
        item["unmet"] = sum(1 for f in item.pop("findings") or [] if f.get("met") is False)
    return found


def unfiled(session: Session, year: int, policy: ReportPolicy, today: date, *, page: int = 1,
            size: int = 50) -> dict[str, Any]:
    """Active organizations owing the report on `year` (R4.2) that have not submitted it: none, or a
    draft only. Each with its deadline (R4.1) and whether that has passed (R4.5: overdue)."""
    owes = or_(*(and_(organizations.c.type == t, organizations.c.registered_on <= policy.registered_by(t, year))
                 for t in ORG_TYPES))
    report = and_(annual_reports.c.uscc == organizations.c.uscc, annual_reports.c.year == year)
    query = (select(organizations.c.uscc, organizations.c.name, organizations.c.type,
                    organizations.c.registered_on, annual_reports.c.state)
             .outerjoin(annual_reports, report)
             .where(organizations.c.status == "active", owes,
                    or_(annual_reports.c.state.is_(None), annual_reports.c.state == "draft")))
    if year < policy.first_year:
        query = query.where(organizations.c.uscc.is_(None))
    found = _page(session, query, [organizations.c.type, organizations.c.uscc], page, size)
    for item in found["items"]:
        item["deadline"] = policy.deadline(item["type"], year)
        item["overdue"] = item["deadline"] < today
    return found


def queue_counts(session: Session, year: int, policy: ReportPolicy, today: date) -> dict[str, int]:
    counts = dict(session.execute(select(annual_reports.c.state, func.count()).where(
        annual_reports.c.state.in_(("submitted", "returned"))).group_by(annual_reports.c.state)).all())
    return {"submitted": int(counts.get("submitted", 0)), "returned": int(counts.get("returned", 0)),
            "unfiled": unfiled(session, year, policy, today, size=1)["total"]}
