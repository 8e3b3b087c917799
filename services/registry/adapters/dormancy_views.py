"""The dormancy candidate list (R2.4.3) read from the register: one query finds, per organization type,
the organizations active on the date that owed the N latest due reports and submitted none of them by
that date; the page's candidates then get their whole run of missed years, the last year they filed,
and any revocation proposal that already awaits approval."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from services.registry.adapters.orm import annual_reports, organizations, sanction_proposals
from services.registry.domain import dormancy
from services.registry.domain.annual_report import ReportPolicy
from services.registry.domain.model import ORG_TYPES
from services.registry.domain.sanctions import REVOCATION


def _candidates(on: date, years: int, policy: ReportPolicy) -> Any:
    o, r = organizations, annual_reports
    by_type = []
    for org_type in ORG_TYPES:
        found = dormancy.window(org_type, on, years, policy)
        if found is None:
            continue
        first, last, registered_by = found
        filed = exists().where(r.c.uscc == o.c.uscc, r.c.year.between(first, last), r.c.first_submitted_on <= on)
        by_type.append(and_(o.c.type == org_type, o.c.registered_on <= registered_by, ~filed))
    active = or_(o.c.status == "active", o.c.ended_on > on)
    return and_(active, o.c.registered_on <= on, or_(*by_type) if by_type else false())


def candidate_page(session: Session, on: date, years: int, policy: ReportPolicy, page: int,
                   size: int, *, uscc: str | None = None) -> dict[str, Any]:
    """One page of the candidates as of `on`, oldest registration first (`uscc`: that one only)."""
    o = organizations
    where = _candidates(on, years, policy)
    if uscc is not None:
        where = and_(where, o.c.uscc == uscc)
    total = session.scalar(select(func.count()).select_from(o).where(where)) or 0
    rows = session.execute(select(o.c.uscc, o.c.name, o.c.type, o.c.level, o.c.district, o.c.registered_on,
                                  o.c.status).where(where).order_by(o.c.registered_on, o.c.uscc)
                           .limit(size).offset((page - 1) * size)).mappings().all()
    usccs = [row["uscc"] for row in rows]
    filed = _filed(session, usccs)
    proposals = _open_proposals(session, usccs)
    items = [_item(dict(row), filed.get(row["uscc"], {}), proposals.get(row["uscc"]), on, policy) for row in rows]
    return {"as_of": on, "missed_years_required": years, "rule": dormancy.RULE, "total": total, "page": page,
            "size": size, "items": items}


def _item(row: dict[str, Any], filed: dict[int, date | None], proposal: str | None, on: date,
          policy: ReportPolicy) -> dict[str, Any]:
    due = dormancy.due_years(row["type"], row["registered_on"], on, policy)
    missed = dormancy.missed_run(due, filed, on)
    last_filed = max((y for y, first in filed.items() if first is not None and first <= on), default=None)
    basis = dormancy.legal_basis(row["type"], missed)
    return {**row, "years_missed": missed, "consecutive_years_missed": len(missed), "last_filed_year": last_filed,
            "revocation": {"method": "POST", "href": f"/registry/organizations/{row['uscc']}/revocation",
                           "legal_basis": basis, "open_proposal": proposal and f"/registry/sanctions/{proposal}"}}


def _filed(session: Session, usccs: list[str]) -> dict[str, dict[int, date | None]]:
    r = annual_reports
    found: dict[str, dict[int, date | None]] = {}
    if usccs:
        for uscc, year, first in session.execute(select(r.c.uscc, r.c.year, r.c.first_submitted_on).where(
                r.c.uscc.in_(usccs))):
            found.setdefault(uscc, {})[year] = first
    return found


def _open_proposals(session: Session, usccs: list[str]) -> dict[str, str]:
    p = sanction_proposals
    if not usccs:
        return {}
    query = select(p.c.uscc, p.c.id).where(p.c.uscc.in_(usccs), p.c.kind == REVOCATION, p.c.state == "proposed")
    return {uscc: pid for uscc, pid in session.execute(query)}
