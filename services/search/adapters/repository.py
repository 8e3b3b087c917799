"""All of the read model's write-side SQL. The session is handed in; nothing here commits."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from functools import singledispatchmethod
from typing import Any

from sqlalchemy import Table, and_, bindparam, case, delete, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.search.adapters.orm import (annual_reports, credit_timelines, former_names, index_queue, inspections,
                                          list_entries, organizations, penalties, rating_steps, ratings)
from services.search.domain import projections as p
from services.search.domain.document import Bundle

CHUNK = 500


# statements built once (building and coercing a statement costs more than running it on SQLite)
_BUMP = (update(organizations).where(organizations.c.uscc == bindparam("u"))
         .values(version=organizations.c.version + bindparam("n"),
                 related=organizations.c.related.op("|")(bindparam("b"))))
_UNMARK = delete(index_queue).where(index_queue.c.uscc == bindparam("u"), index_queue.c.mark == bindparam("m"))
_DIRTY = select(index_queue.c.uscc, index_queue.c.mark).limit(bindparam("limit"))
_ORGS = select(organizations).where(organizations.c.uscc.in_(bindparam("usccs", expanding=True)))
_UPSERTS: dict[tuple[Any, ...], Any] = {}
_LE = list_entries
_OPEN_LISTS = select(_LE.c.list).where(_LE.c.uscc == bindparam("u"), _LE.c.removed_on.is_(None))
_END_LIST = (update(_LE).where(_LE.c.uscc == bindparam("u"), _LE.c.removed_on.is_(None),
                               _LE.c.list == bindparam("l")).values(removed_on=bindparam("on")))
_END_STATUS_ROW = (update(_LE).where(_LE.c.uscc == bindparam("u"), _LE.c.list == bindparam("l"),
                                     _LE.c.source == "status", _LE.c.removed_on.is_(None))
                   .values(removed_on=bindparam("on")))
_CLOSE_ENTRY = (update(_LE).where(_LE.c.entry_id == bindparam("e"), _LE.c.list == bindparam("l"))
                .values(removed_on=bindparam("on")))
_RATING = select(ratings).where(ratings.c.uscc == bindparam("u"), ratings.c.awarded_on == bindparam("a"))
_TIMELINE_DAY = select(credit_timelines.c.changed_on).where(credit_timelines.c.uscc == bindparam("u"))


_AR = annual_reports
_REPORT = select(_AR).where(_AR.c.uscc == bindparam("u"), _AR.c.year == bindparam("y"))
_REPORT_COLUMNS = tuple(c.name for c in _AR.c if c.name not in ("uscc", "year"))
_REPORT_INSERT = _AR.insert().values({c.name: bindparam(f"v_{c.name}") for c in _AR.c})
_REPORT_UPDATE = (update(_AR).where(_AR.c.uscc == bindparam("v_uscc"), _AR.c.year == bindparam("v_year"))
                  .values({c: bindparam(f"v_{c}") for c in _REPORT_COLUMNS}))


class _Executor:
    """Core statements run on the unit of work's connection, not through the ORM session: the same
    transaction (and savepoints), a third less overhead per statement."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._conn: Any = None

    def execute(self, statement: Any, params: Any = None) -> Any:
        if self._conn is None or self._conn.closed:
            self._conn = self._session.connection()
        return self._conn.execute(statement, params)

    def get_bind(self) -> Any:
        return self._session.get_bind()


class SqlProjectionRepository:
    def __init__(self, session: Session) -> None:
        self.session = _Executor(session)
        self._dialect = session.get_bind().dialect.name
        self._insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert

    def _upsert(self, table: Table, values: dict[str, Any], keys: Sequence[str], keep: Sequence[str] = ()) -> None:
        """Insert, or update every column but the keys and those to `keep` (one statement per shape, reused)."""
        shape = (self._dialect, table.name, tuple(values), tuple(keys), tuple(keep))
        stmt = _UPSERTS.get(shape)
        if stmt is None:
            base = self._insert(table).values({k: bindparam(k) for k in values})
            rest = {k: base.excluded[k] for k in values if k not in keys and k not in keep}
            stmt = _UPSERTS[shape] = (base.on_conflict_do_update(index_elements=list(keys), set_=rest) if rest
                                      else base.on_conflict_do_nothing(index_elements=list(keys)))
        self.session.execute(stmt, values)

    def apply(self, change: p.Change) -> str:
        self._apply(change)
        self.session.execute(_BUMP, {"u": change_uscc(change), "n": 1, "b": _BIT.get(type(change), 0)})
        return change_uscc(change)

    def apply_many(self, changes: Sequence[p.Change]) -> list[str]:
        """Apply a batch of changes in order; each organization's version moves once, by its count."""
        counts: dict[str, list[int]] = {}
        for change in changes:
            self._apply(change)
            held = counts.setdefault(change_uscc(change), [0, 0])
            held[0] += 1
            held[1] |= _BIT.get(type(change), 0)
        if counts:
            self.session.execute(_BUMP, [{"u": u, "n": n, "b": b} for u, (n, b) in sorted(counts.items())])
        return [change_uscc(c) for c in changes]

    @singledispatchmethod
    def _apply(self, change: Any) -> None:
        raise TypeError(f"no projection for {type(change).__name__}")

    @_apply.register
    def _(self, change: p.UpsertOrganization) -> None:
        self._upsert(organizations, {**change.facts, "ended_on": None, "version": 0}
                     | self._ended(change.facts["uscc"], change.facts["status"]), ["uscc"], keep=["version"])
        self.session.execute(_RELATED_NOW, {"u": change.facts["uscc"]})  # rows may have come before it

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
        # a status-only row gives way to the real entry
        self.session.execute(_END_STATUS_ROW, {"u": change.uscc, "l": change.list, "on": change.on})

    @_apply.register
    def _(self, change: p.CloseListEntry) -> None:
        self.session.execute(_CLOSE_ENTRY, {"e": change.entry_id, "l": change.list, "on": change.on})

    @_apply.register
    def _(self, change: p.SetListMembership) -> None:
        open_rows = set(self.session.execute(_OPEN_LISTS, {"u": change.uscc}).scalars())
        ended = sorted(open_rows - set(change.lists))
        if ended:
            self.session.execute(_END_LIST, [{"u": change.uscc, "l": name, "on": change.on} for name in ended])
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
        """The award is the authority on the grade awarded; an expiry or a cancellation that arrived
        first stays (the earlier end wins)."""
        row = self._rating(change.uscc, change.awarded_on)
        if row is None:
            self.session.execute(ratings.insert().values(uscc=change.uscc, awarded_on=change.awarded_on,
                                                         grade=change.grade, expires_on=change.expires_on))
        else:
            self.session.execute(update(ratings).where(ratings.c.uscc == change.uscc,
                                                       ratings.c.awarded_on == change.awarded_on)
                                 .values(grade=change.grade, expires_on=min(row.expires_on, change.expires_on)))

    def _rating(self, uscc: str, awarded_on: date) -> Any:
        return self.session.execute(_RATING, {"u": uscc, "a": awarded_on}).first()

    @_apply.register
    def _(self, change: p.ExpireRating) -> None:
        row = self._rating(change.uscc, change.awarded_on)
        if row is None:  # the expiry came first: the rating as far as it tells
            self.session.execute(ratings.insert().values(uscc=change.uscc, awarded_on=change.awarded_on,
                                                         grade=change.grade, expires_on=change.expired_on))
        elif change.expired_on < row.expires_on:
            self.session.execute(update(ratings).where(ratings.c.uscc == change.uscc,
                                                       ratings.c.awarded_on == change.awarded_on)
                                 .values(expires_on=change.expired_on))

    @_apply.register
    def _(self, change: p.RatingStep) -> None:
        row = self._rating(change.uscc, change.awarded_on)
        if row is None:  # the downgrade came before the award
            self.session.execute(ratings.insert().values(
                uscc=change.uscc, awarded_on=change.awarded_on, grade=change.from_grade,
                expires_on=change.expires_on, cancelled_on=change.on if change.to_grade is None else None))
        elif change.to_grade is None and (row.cancelled_on is None or row.cancelled_on > change.on):
            self.session.execute(update(ratings).where(ratings.c.uscc == change.uscc,
                                                       ratings.c.awarded_on == change.awarded_on)
                                 .values(cancelled_on=change.on))
        self._upsert(rating_steps, {"uscc": change.uscc, "awarded_on": change.awarded_on, "on": change.on,
                                    "from_grade": change.from_grade, "to_grade": change.to_grade,
                                    "reason": change.reason, "legal_basis": change.legal_basis},
                     ["uscc", "awarded_on", "on", "from_grade"])

    @_apply.register
    def _(self, change: p.RecordAnnualReport) -> None:
        row = self.session.execute(_REPORT, {"u": change.uscc, "y": change.year}).mappings().first()
        merged = merge_report(dict(row) if row is not None else {"uscc": change.uscc, "year": change.year}, change)
        values = {f"v_{c.name}": merged.get(c.name) for c in _AR.c}
        self.session.execute(_REPORT_INSERT if row is None else _REPORT_UPDATE, values)

    @_apply.register
    def _(self, change: p.SetCreditTimeline) -> None:
        """The latest status change's timeline; one without a timeline leaves none (the older projection
        no longer describes the current status)."""
        t = credit_timelines
        held = self.session.execute(_TIMELINE_DAY, {"u": change.uscc}).scalar()
        if held is not None and held > change.changed_on:
            return
        body = None if change.timeline is None else json.dumps(
            [{"on": on, "step": step, "list": lst, "legal_basis": basis} for on, step, lst, basis in change.timeline],
            ensure_ascii=False)
        self._upsert(t, {"uscc": change.uscc, "changed_on": change.changed_on, "timeline": body}, ["uscc"])

    @_apply.register
    def _(self, change: p.InspectionDrawn) -> None:
        self._upsert(inspections, {"key": change.key, "uscc": change.uscc, "drawn_on": change.drawn_on,
                                   "draw_id": change.draw_id, "plan_kind": change.plan_kind,
                                   "plan_year": change.plan_year, "redraw_of": change.redraw_of}, ["key"])

    @_apply.register
    def _(self, change: p.InspectionCompleted) -> None:
        self._upsert(inspections, {"key": change.key, "uscc": change.uscc, "completed_on": change.completed_on,
                                   "task_id": change.task_id, "plan_id": change.plan_id, "outcome": change.outcome,
                                   "check_items": json.dumps(list(change.check_items), ensure_ascii=False),
                                   "failed_items": json.dumps(list(change.failed_items), ensure_ascii=False),
                                   "publish_by": change.publish_by, "penalty_id": change.penalty_id,
                                   "rectification_id": change.rectification_id}, ["key"])

    # the index queue
    def mark_dirty(self, usccs: Iterable[str]) -> None:
        """One mark per organization however many of its changes a batch held (coalesced)."""
        rows = [{"uscc": u} for u in sorted(set(usccs))]
        if not rows:
            return
        stmt = _UPSERTS.get((self._dialect, "mark"))
        if stmt is None:
            base = self._insert(index_queue).values(uscc=bindparam("uscc"), mark=1)
            stmt = _UPSERTS[(self._dialect, "mark")] = base.on_conflict_do_update(
                index_elements=["uscc"], set_={"mark": index_queue.c.mark + 1})
        self.session.execute(stmt, rows)

    def dirty(self, limit: int) -> list[tuple[str, int]]:
        return [(r.uscc, r.mark) for r in self.session.execute(_DIRTY, {"limit": limit})]

    def clear_dirty(self, pending: Sequence[tuple[str, int]]) -> None:
        """Only marks unchanged since they were read: a change made meanwhile keeps its organization queued."""
        if pending:
            self.session.execute(_UNMARK, [{"u": u, "m": m} for u, m in pending])

    def queue_length(self) -> int:
        return int(self.session.execute(select(func.count()).select_from(index_queue)).scalar_one())

    # reading bundles
    def bundles(self, usccs: Sequence[str]) -> dict[str, Bundle]:
        out: dict[str, Bundle] = {}
        for start in range(0, len(usccs), CHUNK):
            out.update(self._bundles(list(usccs[start:start + CHUNK])))
        return out

    def _bundles(self, usccs: list[str]) -> dict[str, Bundle]:
        orgs = {r["uscc"]: dict(r) for r in self.session.execute(_ORGS, {"usccs": usccs}).mappings()}
        related: dict[str, dict[str, list[dict[str, Any]]]] = {u: {} for u in orgs}
        if not orgs:
            return {}
        held = 0
        for org in orgs.values():
            held |= org.pop("related", ALL_BITS)
        for (key, query), bit in zip(_RELATED_QUERIES, BITS):
            if not held & bit:
                continue  # none of these organizations has a row there
            for row in self.session.execute(query, {"usccs": list(orgs)}).mappings():
                related[row["uscc"]].setdefault(key, []).append(dict(row))
        for uscc, rows in related.items():
            if "credit_timeline" in rows:
                rows["credit_timeline"] = rows["credit_timeline"][0]  # type: ignore[assignment]
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
        for _key, table in _RELATED:
            query = delete(table).where(table.c.uscc == uscc)
            if table is inspections:  # draws without a result are statistics only, not in a bundle
                query = query.where(table.c.completed_on.is_not(None))
            self.session.execute(query)
        self.session.execute(delete(organizations).where(organizations.c.uscc == uscc))
        self.session.execute(organizations.insert().values(**bundle.organization))
        for key, table in _RELATED:
            rows = getattr(bundle, key)
            rows = [rows] if isinstance(rows, dict) else rows
            if table is inspections:
                for row in rows:
                    self._upsert(inspections, row, ["key"])
            elif rows:
                self.session.execute(table.insert(), rows)
        self.session.execute(_RELATED_NOW, {"u": uscc})

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


_RELATED = (("former_names", former_names), ("ratings", ratings), ("rating_steps", rating_steps),
            ("list_entries", list_entries), ("penalties", penalties), ("annual_reports", annual_reports),
            ("inspections", inspections), ("credit_timeline", credit_timelines))
BITS = tuple(1 << i for i in range(len(_RELATED)))  # in _RELATED's order
ALL_BITS = (1 << len(_RELATED)) - 1
_TABLE_BIT = {key: bit for (key, _table), bit in zip(_RELATED, BITS)}
_BIT: dict[type, int] = {
    p.AddFormerName: _TABLE_BIT["former_names"], p.AwardRating: _TABLE_BIT["ratings"],
    p.ExpireRating: _TABLE_BIT["ratings"], p.RatingStep: _TABLE_BIT["ratings"] | _TABLE_BIT["rating_steps"],
    p.OpenListEntry: _TABLE_BIT["list_entries"], p.CloseListEntry: _TABLE_BIT["list_entries"],
    p.SetListMembership: _TABLE_BIT["list_entries"], p.RecordPenalty: _TABLE_BIT["penalties"],
    p.RecordAnnualReport: _TABLE_BIT["annual_reports"], p.InspectionCompleted: _TABLE_BIT["inspections"],
    p.SetCreditTimeline: _TABLE_BIT["credit_timeline"],
}


def _has_rows(table: Table, bit: int) -> Any:
    found = select(table.c.uscc).where(table.c.uscc == organizations.c.uscc,
                                       *([table.c.completed_on.is_not(None)] if table is inspections else []))
    return case((found.exists(), bit), else_=0)


# the related bits of one organization, from its rows (after a registration: events may come before it)
_RELATED_NOW = (update(organizations).where(organizations.c.uscc == bindparam("u"))
                .values(related=sum((_has_rows(t, b) for (_k, t), b in zip(_RELATED, BITS)), literal(0))))
_RELATED_QUERIES = tuple(
    (key, select(table).where(table.c.uscc.in_(bindparam("usccs", expanding=True)),
                              *([table.c.completed_on.is_not(None)] if table is inspections else [])))
    for key, table in _RELATED)


def _earliest(*days: date | None) -> date | None:
    return min((d for d in days if d is not None), default=None)


def _latest(*days: date | None) -> date | None:
    return max((d for d in days if d is not None), default=None)


def merge_report(row: dict[str, Any], change: p.RecordAnnualReport) -> dict[str, Any]:
    """A report's row with one more step merged in; commutative and idempotent (any order, any repeat)."""
    out = dict(row)
    out["first_submitted_on"] = _earliest(row.get("first_submitted_on"), change.first_submitted_on)
    if change.step in ("submitted", "resubmitted"):
        out["submitted_on"] = _latest(row.get("submitted_on"), change.on)
    if change.step == "resubmitted":
        out["resubmitted_on"] = _latest(row.get("resubmitted_on"), change.on)
    if change.step == "returned":
        out["returned_on"] = _latest(row.get("returned_on"), change.on)
    if change.step == "accepted":
        out["accepted_on"] = _latest(row.get("accepted_on"), change.on)
        out["conclusion"] = change.conclusion if change.conclusion is not None else row.get("conclusion")
    if change.step == "overdue":
        out["overdue_on"] = _earliest(row.get("overdue_on"), change.on)
    out["deadline"] = change.deadline or row.get("deadline")
    out["state"], out["on"] = report_state(out)
    return out


def report_state(row: dict[str, Any]) -> tuple[str, date]:
    """accepted > returned (unless resubmitted since) > submitted > overdue (not filed at all)."""
    if row.get("accepted_on") is not None:
        return "accepted", row["accepted_on"]
    returned, again = row.get("returned_on"), row.get("resubmitted_on")
    if returned is not None and (again is None or again < returned):
        return "returned", returned
    if row.get("first_submitted_on") is not None:
        return "submitted", row.get("submitted_on") or row["first_submitted_on"]
    return "overdue", row["overdue_on"]


def change_uscc(change: p.Change) -> str:
    return change.facts["uscc"] if isinstance(change, p.UpsertOrganization) else change.uscc
