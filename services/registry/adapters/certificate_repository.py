"""Rating certificates and plaques (R9.1, R9.6): the SQL (Core on the registry's session; nothing here
commits) and the read views of the API: an organization's sets, the registrar's lists (returns due,
overdue, returned, voided) and the public verification and voiding notices (no personal data)."""
from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session

from services.registry.adapters.orm import organizations, rating_certificates as t
from services.registry.domain.certificates import STATES, Certificate
from shared.errors import Conflict

_COLUMNS = [f.name for f in fields(Certificate)]
VIEWS = ("issued", "return_due", "return_overdue", "returned", "voided")


def _certificate(row: Any) -> Certificate:
    return Certificate(**{c: row[c] for c in _COLUMNS})


class SqlCertificateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, cert: Certificate) -> None:
        self.session.execute(insert(t).values({c: getattr(cert, c) for c in _COLUMNS}))

    def get(self, number: str) -> Certificate | None:
        query = select(t).where(t.c.number == number)
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        return None if row is None else _certificate(row)

    def outstanding(self, rating_id: int) -> Certificate | None:
        """The set of this grade the organization holds (not recalled)."""
        row = self.session.execute(select(t).where(t.c.rating_id == rating_id, t.c.state == "issued")
                                   ).mappings().first()
        return None if row is None else _certificate(row)

    def count_for(self, rating_id: int) -> int:
        return int(self.session.scalar(select(func.count()).select_from(t).where(t.c.rating_id == rating_id)) or 0)

    def update(self, cert: Certificate) -> None:
        """Optimistic: the row must still carry the version read (else a concurrent change won: 409)."""
        values = {c: getattr(cert, c) for c in _COLUMNS if c not in ("number", "version")}
        result = self.session.execute(update(t).where(t.c.number == cert.number, t.c.version == cert.version)
                                      .values(**values, version=cert.version + 1))
        if result.rowcount != 1:
            raise Conflict(f"certificate {cert.number} was changed by a concurrent request", rule="concurrency")
        cert.version += 1


def present(cert: Certificate, today: date, *, public: bool = False) -> dict[str, Any]:
    """One set as the API shows it; `public` leaves out who recorded what."""
    status = cert.status_on(today)
    out: dict[str, Any] = {
        "number": cert.number, "uscc": cert.uscc, "rating_id": cert.rating_id, "grade": cert.grade,
        "issued_on": cert.issued_on, "valid_until": cert.valid_until, "state": cert.state, "status": status,
        "status_zh": {"expired": "已到期", "return_overdue": "逾期未交回"}.get(status, STATES.get(status, status)),
        "replaces": cert.replaces, "recalled_on": cert.recalled_on, "recall_reason": cert.recall_reason,
        "return_due_on": cert.return_due_on, "returned_on": cert.returned_on, "returned_late": cert.late(),
        "voided_on": cert.voided_on, "void_notice": cert.void_notice}
    if not public:
        out.update(issued_by=cert.issued_by, returned_by=cert.returned_by, voided_by=cert.voided_by)
    return out


def certificates_of(session: Session, uscc: str, today: date) -> list[dict[str, Any]]:
    rows = session.execute(select(t).where(t.c.uscc == uscc).order_by(t.c.issued_on, t.c.number)).mappings()
    return [present(_certificate(r), today) for r in rows]


def _view_filter(view: str, today: date) -> Any:
    if view == "issued":
        return and_(t.c.state == "issued", t.c.valid_until > today)
    if view == "return_due":
        return and_(t.c.state == "return_due", t.c.return_due_on >= today)
    if view == "return_overdue":
        return and_(t.c.state == "return_due", t.c.return_due_on < today)
    return t.c.state == view


def certificate_page(session: Session, view: str, today: date, page: int, size: int, *,
                     public: bool = False) -> dict[str, Any]:
    """The sets in one view, with the organization's name; overdue returns oldest due first, voiding
    notices newest first."""
    where = _view_filter(view, today)
    order = {"return_due": [t.c.return_due_on, t.c.number], "return_overdue": [t.c.return_due_on, t.c.number],
             "voided": [t.c.voided_on.desc(), t.c.number], "returned": [t.c.returned_on.desc(), t.c.number]}
    total = session.scalar(select(func.count()).select_from(t).where(where)) or 0
    query = (select(t, organizations.c.name).join(organizations, organizations.c.uscc == t.c.uscc).where(where)
             .order_by(*order.get(view, [t.c.issued_on.desc(), t.c.number])).limit(size).offset((page - 1) * size))
    items = [{**present(_certificate(r), today, public=public), "name": r["name"]}
             for r in session.execute(query).mappings()]
    return {"view": view, "as_of": today, "total": total, "page": page, "size": size, "items": items}


def public_certificate(session: Session, number: str, today: date) -> dict[str, Any] | None:
    query = select(t, organizations.c.name).join(organizations, organizations.c.uscc == t.c.uscc).where(
        t.c.number == number)
    row = session.execute(query).mappings().first()
    return None if row is None else {**present(_certificate(row), today, public=True), "name": row["name"]}
