"""All of the inspection service's write-side SQL. The session is handed in; nothing here commits."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.inspection.adapters.orm import (directory, draw_frames, draw_targets, draws, inspector_conflicts,
                                              inspectors, number_sequences, rectification_overdue, rectifications,
                                              tasks)
from services.inspection.domain.model import (Conflict, DirectoryEntry, Draw, Inspector, Penalty, Plan,
                                              Rectification, Task)

_LIST_FILTERS = {"types": "type", "categories": "category", "levels": "level", "districts": "district",
                 "ratings": "rating"}
_CSV_FILTERS = {"credit_lists": "credit_lists", "risk_signals": "risk_signals"}


def in_scope(query: Select[Any], scope: dict[str, Any], on: date) -> Select[Any]:
    """Active organizations registered by `on` that match the plan's scope filters."""
    query = query.where(directory.c.status == "active", directory.c.registered_on <= on)
    for key, column in _LIST_FILTERS.items():
        if scope.get(key):
            query = query.where(directory.c[column].in_(scope[key]))
    for key, column in _CSV_FILTERS.items():
        if scope.get(key):  # fixed codes, none a substring of another
            query = query.where(or_(*[directory.c[column].like(f"%{code}%") for code in scope[key]]))
    if scope.get("charity") is not None:
        query = query.where(directory.c.charity == bool(scope["charity"]))
    return query


class SqlDirectoryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, uscc: str) -> DirectoryEntry | None:
        return self.session.get(DirectoryEntry, uscc)

    def add(self, entry: DirectoryEntry) -> None:
        self.session.add(entry)

    def frame(self, scope: dict[str, Any], on: date) -> list[str]:
        query = in_scope(select(directory.c.uscc), scope, on).order_by(directory.c.uscc)
        frame = list(self.session.execute(query).scalars().all())
        frame.sort()  # byte order, whatever the database's collation (near-free on sorted input)
        return frame

    def count_in_scope(self, scope: dict[str, Any], on: date) -> int:
        return int(self.session.execute(in_scope(select(func.count()).select_from(directory), scope, on)).scalar_one())

    def names(self, usccs: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for chunk in _chunks(list(usccs)):
            query = select(directory.c.uscc, directory.c.name).where(directory.c.uscc.in_(chunk))
            out.update({r.uscc: r.name for r in self.session.execute(query)})
        return out


class SqlInspectorRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, inspector_id: str) -> Inspector | None:
        return self.session.get(Inspector, inspector_id)

    def by_username(self, username: str) -> Inspector | None:
        return self.session.scalars(select(Inspector).where(inspectors.c.username == username)).first()

    def add(self, inspector: Inspector) -> None:
        self.session.add(inspector)
        self.session.flush()

    def add_conflict(self, conflict: Conflict) -> None:
        self.session.add(conflict)

    def active_ids(self) -> list[str]:
        return sorted(self.session.scalars(select(inspectors.c.id).where(inspectors.c.active.is_(True))))

    def conflicts_of(self, inspector_ids: Sequence[str]) -> list[Conflict]:
        found: list[Conflict] = []
        for chunk in _chunks(list(inspector_ids)):
            found.extend(self.session.scalars(select(Conflict).where(inspector_conflicts.c.inspector_id.in_(chunk))))
        return found


class SqlPlanRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, plan_id: str) -> Plan | None:
        return self.session.get(Plan, plan_id)

    def add(self, plan: Plan) -> None:
        self.session.add(plan)
        self.session.flush()


class SqlDrawRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, draw_id: str) -> Draw | None:
        return self.session.get(Draw, draw_id)

    def add(self, draw: Draw) -> None:
        self.session.add(draw)

    def of_plan(self, plan_id: str) -> list[Draw]:
        """The plan's draws in drawing order: by round, a redraw after the attempt it replaces."""
        query = select(Draw).where(draws.c.plan_id == plan_id).order_by(draws.c.round, draws.c.attempt)
        return list(self.session.scalars(query))

    def due_plans(self, on: date) -> list[str]:
        """Plans whose next undrawn draw (by round, then attempt) has a draw date on or before `on`."""
        query = (select(draws.c.plan_id, draws.c.draw_on).where(draws.c.status == "committed")
                 .order_by(draws.c.plan_id, draws.c.round, draws.c.attempt))
        first: dict[str, date | None] = {}
        for row in self.session.execute(query):
            first.setdefault(row.plan_id, row.draw_on)
        due = [(d, plan_id) for plan_id, d in first.items() if d is not None and d <= on]
        return [plan_id for _, plan_id in sorted(due)]

    def drawn_in_plan(self, plan_id: str, before_round: int | None = None) -> list[str]:
        """The organizations drawn in the plan's earlier rounds (a redrawn attempt no longer counts)."""
        return list(self.session.scalars(earlier_targets(plan_id, before_round)))

    def save_frame(self, draw_id: str, frame: Sequence[str]) -> None:
        self.session.execute(insert(draw_frames).values(draw_id=draw_id, usccs="\n".join(frame)))

    def add_targets(self, draw_id: str, targets: Sequence[str], teams: Sequence[Sequence[str]],
                    withdrawn: Sequence[Sequence[str]]) -> None:
        rows = [{"draw_id": draw_id, "position": i + 1, "uscc": uscc, "inspectors": ",".join(team),
                 "withdrawn": ",".join(out)} for i, (uscc, team, out) in enumerate(zip(targets, teams, withdrawn))]
        if rows:
            self.session.flush()  # the draw row first (foreign key)
            self.session.execute(insert(draw_targets), rows)


def earlier_targets(plan_id: str, before_round: int | None) -> Select[Any]:
    """The targets of the plan's draws before `before_round` (all rounds if None), without the draws
    replaced by a redraw (step 2: not drawn in an earlier round of the same plan)."""
    redrawn = select(draws.c.redraw_of).where(draws.c.redraw_of.is_not(None))
    query = (select(draw_targets.c.uscc).join(draws, draws.c.id == draw_targets.c.draw_id)
             .where(draws.c.plan_id == plan_id, draws.c.id.not_in(redrawn)))
    return query if before_round is None else query.where(draws.c.round < before_round)


class SqlTaskRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, task_id: str) -> Task | None:
        return self.session.get(Task, task_id)

    def add_for_draw(self, draw_id: str, plan_id: str, targets: Sequence[tuple[str, str, str]]) -> None:
        """A draw makes up to tens of thousands of tasks at once: one multi-row insert, not ORM objects."""
        rows = [{"id": task_id, "draw_id": draw_id, "plan_id": plan_id, "position": i + 1, "uscc": uscc,
                 "org_name": name, "status": "assigned", "findings": [], "version": 1}
                for i, (task_id, uscc, name) in enumerate(targets)]
        if rows:
            self.session.flush()
            self.session.execute(insert(tasks), rows)

    def due_for_publication(self, on: date) -> list[Task]:
        query = select(Task).where(tasks.c.status == "completed", tasks.c.published_on.is_(None),
                                   tasks.c.publish_by <= on)
        return list(self.session.scalars(query))


class SqlRectificationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, rectification_id: str) -> Rectification | None:
        return self.session.get(Rectification, rectification_id)

    def add(self, rectification: Rectification) -> None:
        self.session.add(rectification)

    def next_serial(self, year: int) -> int:
        """The next notice number of the year (row-locked on PostgreSQL, under the write lock on SQLite)."""
        key = {"name": "rectification", "year": year}
        last = self.session.execute(
            update(number_sequences).where(number_sequences.c.name == key["name"], number_sequences.c.year == year)
            .values(next_value=number_sequences.c.next_value + 1).returning(number_sequences.c.next_value)).scalar()
        if last is None:
            self.session.execute(insert(number_sequences).values(**key, next_value=1))
            last = 1
        return int(last)

    def overdue_candidates(self, on: date) -> list[str]:
        reported = select(rectification_overdue.c.rectification_id)
        r = rectifications.c
        not_awaiting_review = or_(r.status != "responded", r.responded_on.is_(None),  # R7.1: an answer given in
                                  r.responded_on > r.deadline)  # time awaits the bureau's review: not overdue
        query = (select(rectifications.c.id).where(rectifications.c.status != "accepted",
                                                   rectifications.c.deadline < on, not_awaiting_review,
                                                   rectifications.c.id.not_in(reported))
                 .order_by(rectifications.c.deadline, rectifications.c.id))
        return list(self.session.scalars(query))

    def mark_overdue(self, rectification_id: str, on: date) -> bool:
        """Insert the once-only mark; False if it was there already (ON CONFLICT DO NOTHING)."""
        dialect = self.session.get_bind().dialect.name
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = (make(rectification_overdue).values(rectification_id=rectification_id, detected_on=on)
                     .on_conflict_do_nothing(index_elements=["rectification_id"]))
        return bool(self.session.execute(statement).rowcount)


class SqlPenaltyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, penalty_id: str) -> Penalty | None:
        return self.session.get(Penalty, penalty_id)

    def add(self, penalty: Penalty) -> None:
        self.session.add(penalty)


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]
