"""Storage of two-person decisions (shared/decisions.py) in a service's own database: one table,
`sanction_proposals`, defined here once and added to each service's metadata. SQLAlchemy Core, not an
ORM mapping: the same class lives in two services' databases, and both can run in one process.

A decision is written with `UPDATE ... WHERE state = 'proposed'`, so two approvers racing on one
proposal cannot both decide it: the second finds nothing to update and is told it was decided.
"""
from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, Index, MetaData, String, Table, Text, func, select, update
from sqlalchemy.orm import Session

from shared.decisions import RULE_DECIDED_ONCE, Proposal
from shared.errors import RuleViolation
from shared.types import UtcDateTime

TABLE = "sanction_proposals"


def proposals_table(metadata: MetaData) -> Table:
    return Table(
        TABLE, metadata,
        Column("id", String(24), primary_key=True),
        Column("kind", String(30), nullable=False),
        Column("uscc", String(18), nullable=False),
        Column("org_name", String(200), nullable=False),
        Column("summary", Text, nullable=False),
        Column("payload", JSON, nullable=False),
        Column("effective_on", Date, nullable=False),
        Column("late", Boolean, nullable=False),
        Column("late_reason", Text, nullable=True),
        Column("proposed_by", String(100), nullable=False),
        Column("proposed_role", String(20), nullable=False),
        Column("proposed_at", UtcDateTime, nullable=False),
        Column("state", String(12), nullable=False),
        Column("decided_by", String(100), nullable=True),
        Column("decided_at", UtcDateTime, nullable=True),
        Column("decision_note", Text, nullable=True),
        Column("result_id", String(40), nullable=True),
        Column("links", JSON, nullable=False),
        Index("ix_sanction_proposals_state", "state", "proposed_at"),
        Index("ix_sanction_proposals_uscc", "uscc"),
    )


_COLUMNS = tuple(f.name for f in fields(Proposal))
_DECISION = ("state", "decided_by", "decided_at", "decision_note", "result_id", "links")


class SqlProposalRepository:
    def __init__(self, session: Session, table: Table) -> None:
        self.session, self.table = session, table

    def add(self, proposal: Proposal) -> None:
        self.session.execute(self.table.insert().values(**{c: getattr(proposal, c) for c in _COLUMNS}))

    def get(self, proposal_id: str) -> Proposal | None:
        row = self.session.execute(select(self.table).where(self.table.c.id == proposal_id)).mappings().first()
        return None if row is None else Proposal(**{c: row[c] for c in _COLUMNS})

    def save_decision(self, proposal: Proposal) -> None:
        """Write the decision taken on a proposal that was still open when read (decided once, even when
        two approvers race)."""
        t = self.table
        done = self.session.execute(update(t).where(t.c.id == proposal.id, t.c.state == "proposed")
                                    .values(**{c: getattr(proposal, c) for c in _DECISION}))
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise RuleViolation(f"proposal {proposal.id} was decided meanwhile", rule=RULE_DECIDED_ONCE)

    def open_for(self, uscc: str, kind: str) -> list[Proposal]:
        t = self.table
        rows = self.session.execute(select(t).where(t.c.uscc == uscc, t.c.kind == kind, t.c.state == "proposed"))
        return [Proposal(**{c: r[c] for c in _COLUMNS}) for r in rows.mappings()]


def proposal_page(session: Session, table: Table, *, page: int, size: int, state: str | None = None,
                  uscc: str | None = None, kind: str | None = None) -> dict[str, Any]:
    """A page of proposals, newest first, for the approvers' queue and the staff's lists."""
    where = [c == v for c, v in ((table.c.state, state), (table.c.uscc, uscc), (table.c.kind, kind)) if v is not None]
    total = session.scalar(select(func.count()).select_from(table).where(*where)) or 0
    rows = session.execute(select(table).where(*where).order_by(table.c.proposed_at.desc(), table.c.id)
                           .limit(size).offset((page - 1) * size)).mappings()
    return {"total": total, "page": page, "size": size, "items": [present(dict(r)) for r in rows]}


def proposal_view(session: Session, table: Table, proposal_id: str) -> dict[str, Any] | None:
    row = session.execute(select(table).where(table.c.id == proposal_id)).mappings().first()
    return None if row is None else present(dict(row))


def present(row: dict[str, Any]) -> dict[str, Any]:
    """What staff see of a proposal: everything, with the approval's state spelt out."""
    return {**row, "needs": "approval by an approver other than the proposer" if row["state"] == "proposed" else None}
