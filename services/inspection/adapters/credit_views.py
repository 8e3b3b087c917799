"""Read queries of the credit lists: a list as of any date, one organization's public credit record,
the applications work queue. A voided entry (an upheld objection, a correction) is kept in the
database and its audit log, but never counted in a list."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from services.inspection.adapters.orm import credit_applications, credit_entries, credit_log, credit_status, directory
from services.inspection.domain.credit_policy import RULES_BY_CODE

_E = credit_entries.c
PUBLIC_ENTRY = ("id", "list", "trigger", "trigger_zh", "legal_basis", "included_on", "reason")
PUBLIC_HISTORY = (*PUBLIC_ENTRY, "removed_on", "removal_reason")


def _entry(row: Any) -> dict[str, Any]:
    out = dict(row)
    rule = RULES_BY_CODE.get(out["trigger"])
    out["trigger_zh"] = rule.title_zh if rule else out["trigger"]
    out["underlying"] = list(out.get("underlying") or [])
    return out


def _on(as_of: date) -> Any:
    return (_E.included_on <= as_of, or_(_E.removed_on.is_(None), _E.removed_on > as_of), _E.voided_on.is_(None))


def list_page(session: Session, list_name: str, as_of: date, page: int, size: int,
              uscc: str | None = None) -> dict[str, Any]:
    query = (select(credit_entries, directory.c.name.label("org_name"))
             .select_from(credit_entries.outerjoin(directory, directory.c.uscc == _E.uscc))
             .where(_E.list == list_name, *_on(as_of)))
    if uscc is not None:
        query = query.where(_E.uscc == uscc)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    organizations = session.execute(select(func.count(func.distinct(_E.uscc))).where(
        _E.list == list_name, *_on(as_of))).scalar_one()
    rows = session.execute(query.order_by(_E.included_on.desc(), _E.id).offset((page - 1) * size).limit(size))
    return {"list": list_name, "as_of": as_of, "total": total, "organizations": organizations, "page": page,
            "size": size, "items": [_entry(r) for r in rows.mappings()]}


def counts(session: Session, as_of: date) -> dict[str, int]:
    query = select(_E.list, func.count(func.distinct(_E.uscc))).where(*_on(as_of)).group_by(_E.list)
    found = {lst: n for lst, n in session.execute(query)}
    return {lst: int(found.get(lst, 0)) for lst in ("abnormal", "serious", "red")}


def entry(session: Session, entry_id: str) -> dict[str, Any] | None:
    row = session.execute(select(credit_entries).where(_E.id == entry_id)).mappings().first()
    if row is None:
        return None
    log = session.execute(select(credit_log.c.action, credit_log.c.on, credit_log.c.by, credit_log.c.detail,
                                 credit_log.c.at).where(credit_log.c.entry_id == entry_id)
                          .order_by(credit_log.c.id)).mappings()
    return {**_entry(row), "audit": [dict(r) for r in log]}


def organization(session: Session, uscc: str, today: date) -> dict[str, Any] | None:
    """The public credit record: no personal data (no inspector or account names)."""
    name = session.execute(select(directory.c.name).where(directory.c.uscc == uscc)).scalar()
    rows = [_entry(r) for r in session.execute(select(credit_entries).where(_E.uscc == uscc, _E.voided_on.is_(None))
                                               .order_by(_E.included_on, _E.id)).mappings()]
    if name is None and not rows:
        return None
    status = session.execute(select(credit_status).where(credit_status.c.uscc == uscc)).mappings().first()
    current = [r for r in rows if r["included_on"] <= today and (r["removed_on"] is None or r["removed_on"] > today)]
    timeline = [{k: t[k] for k in ("on", "step", "list", "legal_basis", "description_zh")}
                for t in (status["timeline"] if status else [])]
    return {"uscc": uscc, "name": name, "lists": sorted({r["list"] for r in current}),
            "entries": [{k: r[k] for k in PUBLIC_ENTRY} for r in current],
            "history": [{k: r[k] for k in PUBLIC_HISTORY} for r in rows], "timeline": timeline}


def application_page(session: Session, state: str | None, kind: str | None, uscc: str | None, page: int,
                     size: int) -> dict[str, Any]:
    query = (select(credit_applications, directory.c.name.label("org_name"))
             .select_from(credit_applications.outerjoin(directory, directory.c.uscc == credit_applications.c.uscc)))
    for column, value in (("state", state), ("kind", kind), ("uscc", uscc)):
        if value is not None:
            query = query.where(credit_applications.c[column] == value)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(credit_applications.c.decide_by, credit_applications.c.id)
                           .offset((page - 1) * size).limit(size)).mappings()
    return {"total": total, "page": page, "size": size, "items": [dict(r) for r in rows]}


def application(session: Session, application_id: str) -> dict[str, Any] | None:
    row = session.execute(select(credit_applications).where(credit_applications.c.id == application_id)).mappings()
    found = row.first()
    return None if found is None else dict(found)
