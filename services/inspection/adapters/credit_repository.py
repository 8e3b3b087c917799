"""The credit engine's write-side SQL: facts (append-only), entries, the audit log, each organization's
status row (locked while it is recomputed) and applications. The session is handed in; nothing here
commits."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.inspection.adapters.orm import (credit_applications, credit_entries, credit_facts, credit_log,
                                              credit_status)
from services.inspection.domain.credit import Fact

ENTRY_FIELDS = tuple(c.name for c in credit_entries.columns)
# built once: the consumer records a fact per event, and building a statement costs more than running it
_ADD_FACT = {name: make(credit_facts).on_conflict_do_nothing(index_elements=["source_event_id", "kind", "key"])
             for name, make in (("postgresql", pg_insert), ("sqlite", sqlite_insert))}
_HAS_FACT = select(credit_facts.c.id).where(credit_facts.c.uscc == bindparam("uscc"),
                                            credit_facts.c.kind == bindparam("kind"),
                                            credit_facts.c.key == bindparam("key")).limit(1)
_HAS_KIND = select(credit_facts.c.id).where(credit_facts.c.uscc == bindparam("uscc"),
                                            credit_facts.c.kind == bindparam("kind")).limit(1)


class SqlCreditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # facts ------------------------------------------------------------------------------------------
    def add_fact(self, uscc: str, fact: Fact, at: datetime) -> bool:
        """Record a fact; False if this event already gave it (redelivery changes nothing)."""
        values = {"uscc": uscc, "kind": fact.kind, "key": fact.key, "on": fact.on, "data": dict(fact.data),
                  "source_event_id": fact.source_event_id, "by": fact.by, "recorded_at": at}
        if fact.source_event_id is None:
            self.session.execute(insert(credit_facts), [values])
            return True
        dialect = self.session.get_bind().dialect.name
        return bool(self.session.execute(_ADD_FACT["postgresql" if dialect == "postgresql" else "sqlite"],
                                         values).rowcount)

    def has_fact(self, uscc: str, kind: str, key: str | None = None) -> bool:
        """Whether a fact of this kind (with this key; any key if None) is recorded."""
        if key is None:
            return self.session.execute(_HAS_KIND, {"uscc": uscc, "kind": kind}).first() is not None
        return self.session.execute(_HAS_FACT, {"uscc": uscc, "kind": kind, "key": key}).first() is not None

    def facts_of(self, usccs: Sequence[str]) -> dict[str, list[Fact]]:
        out: dict[str, list[Fact]] = {u: [] for u in usccs}
        query = select(credit_facts).where(credit_facts.c.uscc.in_(list(usccs))).order_by(credit_facts.c.id)
        for r in self.session.execute(query).mappings():
            out[r["uscc"]].append(Fact(r["kind"], r["key"], r["on"], r["data"] or {}, r["source_event_id"], r["by"]))
        return out

    # entries and the audit log ------------------------------------------------------------------------
    def entries_of(self, usccs: Sequence[str]) -> dict[str, dict[str, dict[str, Any]]]:
        out: dict[str, dict[str, dict[str, Any]]] = {u: {} for u in usccs}
        for r in self.session.execute(select(credit_entries).where(credit_entries.c.uscc.in_(list(usccs)))).mappings():
            out[r["uscc"]][r["id"]] = dict(r)
        return out

    def entry(self, entry_id: str) -> dict[str, Any] | None:
        row = self.session.execute(select(credit_entries).where(credit_entries.c.id == entry_id)).mappings().first()
        return None if row is None else dict(row)

    def insert_entries(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(credit_entries), rows)

    def update_entry(self, entry_id: str, values: dict[str, Any]) -> None:
        self.session.execute(update(credit_entries).where(credit_entries.c.id == entry_id).values(**values))

    def log(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(credit_log), rows)

    # status -------------------------------------------------------------------------------------------
    def lock_statuses(self, usccs: Sequence[str], at: datetime) -> dict[str, dict[str, Any]]:
        """Each organization's status row, created if missing and row-locked on PostgreSQL (in USCC order,
        so two writers never deadlock); SQLite writers are serialized by the database lock already."""
        ordered = sorted(set(usccs))
        dialect = self.session.get_bind().dialect.name
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        if ordered:
            rows = [{"uscc": u, "lists": "", "timeline": [], "updated_at": at} for u in ordered]
            self.session.execute(make(credit_status).values(rows).on_conflict_do_nothing(index_elements=["uscc"]))
        query = select(credit_status).where(credit_status.c.uscc.in_(ordered)).order_by(credit_status.c.uscc)
        if dialect == "postgresql":
            query = query.with_for_update()
        return {r["uscc"]: dict(r) for r in self.session.execute(query).mappings()}

    def save_status(self, uscc: str, values: dict[str, Any]) -> None:
        self.session.execute(update(credit_status).where(credit_status.c.uscc == uscc).values(**values))

    def due(self, on: date, limit: int) -> list[str]:
        query = (select(credit_status.c.uscc).where(credit_status.c.next_due <= on)
                 .order_by(credit_status.c.next_due, credit_status.c.uscc).limit(limit))
        return list(self.session.scalars(query))

    # applications -------------------------------------------------------------------------------------
    def add_application(self, row: dict[str, Any]) -> None:
        self.session.execute(insert(credit_applications).values(**row))

    def application(self, application_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        query = select(credit_applications).where(credit_applications.c.id == application_id)
        if lock and self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        return None if row is None else dict(row)

    def pending_application(self, uscc: str, kind: str, list_name: str) -> str | None:
        query = select(credit_applications.c.id).where(
            credit_applications.c.uscc == uscc, credit_applications.c.kind == kind,
            credit_applications.c.list == list_name, credit_applications.c.state == "submitted")
        return self.session.scalars(query).first()

    def update_application(self, application_id: str, values: dict[str, Any]) -> None:
        self.session.execute(update(credit_applications).where(credit_applications.c.id == application_id)
                             .values(**values))
