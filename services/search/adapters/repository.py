"""All of the read model's write-side SQL. The session is handed in; nothing here commits."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import singledispatchmethod
from typing import Any

from sqlalchemy import Table, and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.search.adapters.orm import (annual_reports, former_names, index_queue, inspections, list_entries,
                                          organizations, penalties, ratings)
from services.search.domain import projections as p
from services.search.domain.document import Bundle

CHUNK = 500


class SqlProjectionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        dialect = session.get_bind().dialect.name
        self._insert = postgresql.insert if dialect == "postgresql" else sqlite.insert

    def _upsert(self, table: Table, values: dict[str, Any], keys: Sequence[str], keep: Sequence[str] = ()) -> None:
        """Insert, or update every column but the keys and those to `keep`."""
        stmt = self._insert(table).values(**values)
        rest = {k: stmt.excluded[k] for k in values if k not in keys and k not in keep}
        self.session.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=rest) if rest
                             else stmt.on_conflict_do_nothing(index_elements=list(keys)))

    def apply(self, change: p.Change) -> str:
        self._apply(change)
        self.session.execute(update(organizations).where(organizations.c.uscc == change_uscc(change))
                             .values(version=organizations.c.version + 1))
        return change_uscc(change)

    @singledispatchmethod
    def _apply(self, change: Any) -> None:
        raise TypeError(f"no projection for {type(change).__name__}")

    @_apply.register
    def _(self, change: p.UpsertOrganization) -> None:
        self._upsert(organizations, {**change.facts, "ended_on": None, "version": 0}
                     | self._ended(change.facts["uscc"], change.facts["status"]), ["uscc"], keep=["version"])

    def _ended(self, uscc: str, status: str) -> dict[str, Any]:
        """A change event repeats the facts; keep the end date an earlier end event recorded."""
        if status == "active":
            return {}
        row = self.session.execute(select(organizations.c.ended_on).where(organizations.c.uscc == uscc)).first()
        return {"ended_on": row.ended_on} if row is not None else {}

    @_apply.register
    def _(self, change: p.AddFormerName) -> None:
        self._upsert(former_names, {"uscc": change.uscc, "name": change.name, "until": change.until},
                     ["uscc", "name", "until"])

    @_apply.register
    def _(self, change: p.EndOrganization) -> None:
        self.session.execute(update(organizations).where(organizations.c.uscc == change.uscc)
                             .values(status=change.status, ended_on=change.on))

    @_apply.register
    def _(self, change: p.SetOrganizationFields) -> None:
        self.session.execute(update(organizations).where(organizations.c.uscc == change.uscc)
                             .values(**change.fields))

    @_apply.register
    def _(self, change: p.OpenListEntry) -> None:
        self._upsert(list_entries, {"entry_id": change.entry_id, "list": change.list, "uscc": change.uscc,
                                    "source": "entry", "reason": change.reason, "trigger": change.trigger,
                                    "legal_basis": change.legal_basis, "added_on": change.on, "removed_on": None},
                     ["entry_id", "list"])
        self.session.execute(update(list_entries).where(  # a status-only row gives way to the real entry
            list_entries.c.uscc == change.uscc, list_entries.c.list == change.list,
            list_entries.c.source == "status", list_entries.c.removed_on.is_(None)).values(removed_on=change.on))

    @_apply.register
    def _(self, change: p.CloseListEntry) -> None:
        self.session.execute(update(list_entries).where(
            list_entries.c.entry_id == change.entry_id, list_entries.c.list == change.list)
            .values(removed_on=change.on))

    @_apply.register
    def _(self, change: p.SetListMembership) -> None:
        open_rows = self.session.execute(select(list_entries.c.list).where(
            list_entries.c.uscc == change.uscc, list_entries.c.removed_on.is_(None))).scalars().all()
        self.session.execute(update(list_entries).where(
            list_entries.c.uscc == change.uscc, list_entries.c.removed_on.is_(None),
            list_entries.c.list.not_in(change.lists)).values(removed_on=change.on))
        for name in sorted(set(change.lists) - set(open_rows)):
            self._upsert(list_entries, {"entry_id": f"status:{change.uscc}:{change.on.isoformat()}", "list": name,
                                        "uscc": change.uscc, "source": "status", "added_on": change.on,
                                        "removed_on": None}, ["entry_id", "list"])

    @_apply.register
    def _(self, change: p.RecordPenalty) -> None:
        self._upsert(penalties, {"penalty_id": change.penalty_id, "uscc": change.uscc, "kind": change.kind,
                                 "effective_on": change.effective_on, "legal_basis": change.legal_basis,
                                 "decision_number": change.decision_number}, ["penalty_id"])

    @_apply.register
    def _(self, change: p.AwardRating) -> None:
        self._upsert(ratings, {"uscc": change.uscc, "awarded_on": change.awarded_on, "grade": change.grade,
                               "expires_on": change.expires_on, "cancelled_on": None}, ["uscc", "awarded_on"])

    @_apply.register
    def _(self, change: p.RecordAnnualReport) -> None:
        self._upsert(annual_reports, {"uscc": change.uscc, "year": change.year, "state": change.state,
                                      "on": change.on}, ["uscc", "year"])

    @_apply.register
    def _(self, change: p.InspectionDrawn) -> None:
        self._upsert(inspections, {"key": change.key, "uscc": change.uscc, "drawn_on": change.drawn_on},
                     ["key"])

    @_apply.register
    def _(self, change: p.InspectionCompleted) -> None:
        self._upsert(inspections, {"key": change.key, "uscc": change.uscc, "completed_on": change.completed_on},
                     ["key"])

    # the index queue
    def mark_dirty(self, usccs: Iterable[str]) -> None:
        for uscc in sorted(set(usccs)):
            stmt = self._insert(index_queue).values(uscc=uscc, mark=1)
            self.session.execute(stmt.on_conflict_do_update(index_elements=["uscc"],
                                                            set_={"mark": index_queue.c.mark + 1}))

    def dirty(self, limit: int) -> list[tuple[str, int]]:
        rows = self.session.execute(select(index_queue.c.uscc, index_queue.c.mark).limit(limit)).all()
        return [(r.uscc, r.mark) for r in rows]

    def clear_dirty(self, pending: Sequence[tuple[str, int]]) -> None:
        for start in range(0, len(pending), CHUNK):
            chunk = pending[start:start + CHUNK]
            self.session.execute(delete(index_queue).where(or_(*[
                and_(index_queue.c.uscc == u, index_queue.c.mark == m) for u, m in chunk])))

    def queue_length(self) -> int:
        return int(self.session.execute(select(func.count()).select_from(index_queue)).scalar_one())

    # reading bundles
    def bundles(self, usccs: Sequence[str]) -> dict[str, Bundle]:
        out: dict[str, Bundle] = {}
        for start in range(0, len(usccs), CHUNK):
            out.update(self._bundles(list(usccs[start:start + CHUNK])))
        return out

    def _bundles(self, usccs: list[str]) -> dict[str, Bundle]:
        orgs = {r["uscc"]: dict(r) for r in self.session.execute(
            select(organizations).where(organizations.c.uscc.in_(usccs))).mappings()}
        related: dict[str, dict[str, list[dict[str, Any]]]] = {u: {} for u in orgs}
        for key, table in (("former_names", former_names), ("ratings", ratings), ("list_entries", list_entries),
                           ("penalties", penalties), ("annual_reports", annual_reports)):
            for row in self.session.execute(select(table).where(table.c.uscc.in_(list(orgs)))).mappings():
                related[row["uscc"]].setdefault(key, []).append(dict(row))
        return {u: Bundle(org, **related[u]) for u, org in orgs.items()}  # type: ignore[arg-type]

    def versions(self, usccs: Sequence[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for start in range(0, len(usccs), CHUNK):
            query = select(organizations.c.uscc, organizations.c.version).where(
                organizations.c.uscc.in_(list(usccs[start:start + CHUNK])))
            out.update({r.uscc: int(r.version) for r in self.session.execute(query)})
        return out

    def replace_bundle(self, bundle: Bundle) -> None:
        """Make this organization's rows exactly those of `bundle` (adopting a replayed projection)."""
        uscc = bundle.organization["uscc"]
        for table in (former_names, ratings, list_entries, penalties, annual_reports, organizations):
            self.session.execute(delete(table).where(table.c.uscc == uscc))
        self.session.execute(organizations.insert().values(**bundle.organization))
        for table, rows in ((former_names, bundle.former_names), (ratings, bundle.ratings),
                            (list_entries, bundle.list_entries), (penalties, bundle.penalties),
                            (annual_reports, bundle.annual_reports)):
            if rows:
                self.session.execute(table.insert(), rows)

    def usccs_after(self, after: str, limit: int) -> list[str]:
        query = (select(organizations.c.uscc).where(organizations.c.uscc > after)
                 .order_by(organizations.c.uscc).limit(limit))
        return list(self.session.execute(query).scalars())

    def count_organizations(self) -> int:
        return int(self.session.execute(select(func.count()).select_from(organizations)).scalar_one())

    def ratings_lapsing(self, after: date, upto: date) -> list[str]:
        query = select(ratings.c.uscc).where(or_(
            and_(ratings.c.expires_on > after, ratings.c.expires_on <= upto),
            and_(ratings.c.cancelled_on > after, ratings.c.cancelled_on <= upto))).distinct()
        return list(self.session.execute(query).scalars())


def change_uscc(change: p.Change) -> str:
    return change.facts["uscc"] if isinstance(change, p.UpsertOrganization) else change.uscc
