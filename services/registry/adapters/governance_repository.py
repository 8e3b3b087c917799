"""Foundation governance (Core, one JSON row per foundation) and financial audits (mapped), on the
registry's session. Nothing here commits."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from services.registry.adapters.orm import financial_audits, foundation_governance
from services.registry.domain.audits import FinancialAudit
from services.registry.domain.governance import Governance


class SqlGovernanceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, uscc: str) -> tuple[Governance, date] | None:
        """The board on file and the day its term started."""
        row = self.session.execute(select(foundation_governance.c.content, foundation_governance.c.term_started_on)
                                   .where(foundation_governance.c.uscc == uscc)).first()
        return None if row is None else (Governance.from_json(row.content), row.term_started_on)

    def put_many(self, rows: list[tuple[str, Governance, date]], by: str, at: datetime) -> None:
        """New boards (one statement for a batch of registrations)."""
        if rows:
            self.session.execute(insert(foundation_governance), [_row(u, g, on, by, at) for u, g, on in rows])

    def replace(self, uscc: str, governance: Governance, term_started_on: date, by: str, at: datetime) -> None:
        values = _row(uscc, governance, term_started_on, by, at)
        done = self.session.execute(update(foundation_governance).where(foundation_governance.c.uscc == uscc)
                                    .values(**values))
        if not done.rowcount:  # type: ignore[attr-defined]
            self.session.execute(insert(foundation_governance).values(**values))

    def audits(self, uscc: str) -> list[FinancialAudit]:
        query = select(FinancialAudit).where(financial_audits.c.uscc == uscc).order_by(financial_audits.c.id)
        return list(self.session.scalars(query))

    def audit_exists(self, uscc: str, firm: str, report_number: str) -> bool:
        query = select(financial_audits.c.id).where(financial_audits.c.uscc == uscc, financial_audits.c.firm == firm,
                                                    financial_audits.c.report_number == report_number)
        return self.session.execute(query).first() is not None

    def add_audit(self, audit: FinancialAudit) -> None:
        self.session.add(audit)
        self.session.flush()


def _row(uscc: str, g: Governance, term_started_on: date, by: str, at: datetime) -> dict[str, Any]:
    return {"uscc": uscc, "content": g.to_json(), "term_years": g.term_years, "term_started_on": term_started_on,
            "recorded_by": by, "recorded_at": at}


def governance_of(session: Session, uscc: str) -> dict[str, Any] | None:
    row = session.execute(select(foundation_governance).where(foundation_governance.c.uscc == uscc)).mappings().first()
    return None if row is None else dict(row)


def audits_of(session: Session, uscc: str) -> list[dict[str, Any]]:
    query = select(financial_audits).where(financial_audits.c.uscc == uscc).order_by(financial_audits.c.issued_on,
                                                                                     financial_audits.c.id)
    return [dict(r) for r in session.execute(query).mappings()]
