"""Read queries for the registry's API (CQRS-lite: reads skip the domain and use the read engine)."""
from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registry.adapters.orm import organization_changes, organizations
from services.registry.domain.model import CATEGORIES, LEVELS, ORG_TYPES, STATUSES, Organization
from services.registry.domain.uscc import DIVISIONS


def organization_record(session: Session, uscc: str) -> dict[str, Any] | None:
    row = session.execute(select(organizations).where(organizations.c.uscc == uscc)).mappings().first()
    return None if row is None else _record(dict(row))


def present(org: Organization) -> dict[str, Any]:
    """The record of an organization a handler just saved (no second query)."""
    return _record({f.name: getattr(org, f.name) for f in fields(org)})


def _record(r: dict[str, Any]) -> dict[str, Any]:
    members = None
    if r["type"] == "social_group":
        members = {"individual": r["members_individual"] or 0, "unit": r["members_unit"] or 0}
    return {
        "uscc": r["uscc"], "name": r["name"], "type": r["type"], "type_name": ORG_TYPES[r["type"]],
        "category": r["category"], "category_name": CATEGORIES[r["category"]], "level": r["level"],
        "level_name": LEVELS[r["level"]], "district": r["district"], "district_name": DIVISIONS.get(r["district"]),
        "domicile": r["domicile"],
        "legal_representative": {"name": r["lr_name"], "id_number": r["lr_id_number"], "phone": r["lr_phone"]},
        "registered_funds": f"{Decimal(r['registered_funds']):.2f}", "business_scope": r["business_scope"],
        "supervising_unit": r["supervising_unit"], "members": members, "foundation_kind": r["foundation_kind"],
        "established_on": r["established_on"], "registered_on": r["registered_on"],
        "status": r["status"], "status_name": STATUSES[r["status"]], "charity": r["charity"],
        "charity_since": r["charity_since"], "fundraising_qualified_on": r["fundraising_qualified_on"],
        "ended_on": r["ended_on"], "end_reason": r["end_reason"],
        "credit_lists": [x for x in (r["credit_lists"] or "").split(",") if x], "version": r["version"],
    }


def organization_history(session: Session, uscc: str) -> list[dict[str, Any]]:
    query = (select(organization_changes).where(organization_changes.c.uscc == uscc)
             .order_by(organization_changes.c.id))
    return [dict(r) for r in session.execute(query).mappings()]


def list_organizations(session: Session, *, page: int, size: int, filters: dict[str, Any]) -> dict[str, Any]:
    query = select(organizations)
    for column, value in filters.items():
        if value is not None:
            query = query.where(organizations.c[column] == value)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(organizations.c.uscc).offset((page - 1) * size).limit(size)).mappings()
    return {"total": total, "page": page, "size": size, "items": [_record(dict(r)) for r in rows]}
