"""Revocation requests from inspections (inspection.revocation.requested), waiting for a registrar to
propose the revocation; SQLAlchemy Core on the registry's session."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from services.registry.adapters.orm import revocation_requests as t


class SqlRevocationRequestRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: dict[str, Any]) -> bool:
        """Once per request id (a redelivered event adds nothing); False if it was known."""
        if self.get(row["id"]) is not None:
            return False
        self.session.execute(insert(t).values(**row))
        return True

    def get(self, request_id: str) -> dict[str, Any] | None:
        found = self.session.execute(select(t).where(t.c.id == request_id)).mappings().first()
        return None if found is None else dict(found)

    def set_state(self, request_id: str, state: str, proposal_id: str | None) -> None:
        self.session.execute(update(t).where(t.c.id == request_id).values(state=state, proposal_id=proposal_id))

    def close_for(self, uscc: str) -> None:
        """The organization was revoked: every open request about it is done."""
        self.session.execute(update(t).where(t.c.uscc == uscc, t.c.state != "revoked").values(state="revoked"))


def request_page(session: Session, state: str | None, uscc: str | None, page: int, size: int) -> dict[str, Any]:
    where = [c == v for c, v in ((t.c.state, state), (t.c.uscc, uscc)) if v is not None]
    total = session.scalar(select(func.count()).select_from(t).where(*where)) or 0
    rows = session.execute(select(t).where(*where).order_by(t.c.requested_on.desc(), t.c.id)
                           .limit(size).offset((page - 1) * size)).mappings()
    return {"total": total, "page": page, "size": size, "items": [dict(r) for r in rows]}
