"""Write-side SQL of the draws that bind (issue 12): teams and their substitutes, redraws, and the change
log of the pool, plans and draws. The session is handed in; nothing here commits."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from services.inspection.adapters.orm import draw_targets, draws, supervision_changes, task_substitutions, tasks


def ids(csv: str | None) -> list[str]:
    return [x for x in (csv or "").split(",") if x]


class SqlBindingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # ---- teams
    def drawn_team(self, draw_id: str, position: int) -> tuple[list[str], list[str]]:
        """(the inspectors drawn for the target, those who withdrew on the draw day), as published."""
        row = self.session.execute(select(draw_targets.c.inspectors, draw_targets.c.withdrawn).where(
            draw_targets.c.draw_id == draw_id, draw_targets.c.position == position)).first()
        return (ids(row.inspectors), ids(row.withdrawn)) if row else ([], [])

    def substitutions_of(self, task_id: str) -> list[dict[str, Any]]:
        query = select(task_substitutions).where(task_substitutions.c.task_id == task_id).order_by(
            task_substitutions.c.id)
        return [dict(r) for r in self.session.execute(query).mappings()]

    def add_substitution(self, row: dict[str, Any]) -> None:
        self.session.execute(insert(task_substitutions).values(**row))

    # ---- redraws
    def redrawn_by(self, draw_id: str) -> str | None:
        return self.session.execute(select(draws.c.id).where(draws.c.redraw_of == draw_id)).scalar()

    def later_round_drawn(self, plan_id: str, round_: int) -> bool:
        query = select(draws.c.id).where(draws.c.plan_id == plan_id, draws.c.round > round_,
                                         draws.c.status == "drawn")
        return self.session.execute(query.limit(1)).first() is not None

    def results_in_draw(self, draw_id: str) -> int:
        query = select(func.count()).select_from(tasks).where(tasks.c.draw_id == draw_id,
                                                              tasks.c.status == "completed")
        return int(self.session.execute(query).scalar_one())

    def supersede_open_tasks(self, draw_id: str) -> int:
        """The open tasks of a redrawn draw stop (the redraw's tasks replace them)."""
        statement = (update(tasks).where(tasks.c.draw_id == draw_id, tasks.c.status.in_(("assigned", "notified")))
                     .values(status="superseded", version=tasks.c.version + 1))
        return int(self.session.execute(statement).rowcount or 0)


class SqlChangeLog:
    """Who changed the pool, a plan or a draw, and when (append-only)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, at: datetime, actor: str, action: str, subject: str, detail: dict[str, Any]) -> None:
        self.session.execute(insert(supervision_changes).values(at=at, actor=actor, action=action, subject=subject,
                                                                detail=detail))
