"""Read queries of the draws that bind (issue 12): redraws beside the draws they replace, the substitutes
of each target, the tasks on an inspector's team, and the change log."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from services.inspection.adapters.orm import (draw_targets, draws, inspectors, supervision_changes,
                                              task_substitutions, tasks)
from services.inspection.domain import binding
from services.inspection.domain import draw as draw_rules
from services.inspection.domain.model import Inspector

_redraw = draws.alias("redraw")
REDRAWN_AS = select(_redraw.c.id).where(_redraw.c.redraw_of == draws.c.id).scalar_subquery().label("redrawn_as")


def substitutions(session: Session, draw_id: str, names: dict[str, str]) -> dict[int, list[dict[str, Any]]]:
    """Public: by target position, each substitution in order (no account, no 'by')."""
    query = select(task_substitutions).where(task_substitutions.c.draw_id == draw_id).order_by(task_substitutions.c.id)
    out: dict[int, list[dict[str, Any]]] = {}
    for s in session.execute(query).mappings():
        out.setdefault(s["position"], []).append({
            "replaced": {"id": s["replaced"], "name": names.get(s["replaced"], "")},
            "substitute": {"id": s["substitute"], "name": names.get(s["substitute"], "")},
            "skipped": [x for x in s["skipped"].split(",") if x], "reason": s["reason"], "at": s["at"]})
    return out


def published_substitutions(session: Session, draw_id: str,
                            positions: Sequence[int]) -> list[list[draw_rules.Substitution]]:
    found = substitutions(session, draw_id, {})
    return [[draw_rules.Substitution(s["replaced"]["id"], s["substitute"]["id"], s["skipped"])
             for s in found.get(p, [])] for p in positions]


def team(session: Session, task_id: str, draw_id: str, position: int) -> tuple[list[str], list[str]]:
    """(the current team, the team as drawn) of a task."""
    drawn = session.execute(select(draw_targets.c.inspectors).where(
        draw_targets.c.draw_id == draw_id, draw_targets.c.position == position)).scalar() or ""
    drawn_ids = [x for x in drawn.split(",") if x]
    subs = session.execute(select(task_substitutions.c.replaced, task_substitutions.c.substitute)
                           .where(task_substitutions.c.task_id == task_id).order_by(task_substitutions.c.id)).all()
    return binding.current_team(drawn_ids, [(r.replaced, r.substitute) for r in subs]), drawn_ids


def member_of(session: Session, username: str) -> Inspector | None:
    """The pool member linked to an account (read side: no write lock taken)."""
    row = session.execute(select(inspectors).where(inspectors.c.username == username)).mappings().first()
    if row is None:
        return None
    return Inspector(row["id"], row["name"], row["department"], list(row["qualifications"]), row["active"],
                     row["username"])


def on_team(inspector_id: str) -> ColumnElement[bool]:
    """Tasks whose current team holds the inspector: drawn for it or a substitute, and not replaced since
    (pool ids are 'INS-' and hex: no LIKE wildcard in them)."""
    drawn = exists().where(draw_targets.c.draw_id == tasks.c.draw_id, draw_targets.c.position == tasks.c.position,
                           draw_targets.c.inspectors.like(f"%{inspector_id}%"))
    came_in = tasks.c.id.in_(select(task_substitutions.c.task_id).where(task_substitutions.c.substitute == inspector_id))
    left = tasks.c.id.in_(select(task_substitutions.c.task_id).where(task_substitutions.c.replaced == inspector_id))
    return and_(or_(drawn, came_in), not_(left))


def change_page(session: Session, filters: dict[str, str | None], page: int, size: int) -> dict[str, Any]:
    query = select(supervision_changes)
    for column, value in filters.items():
        if value is not None:
            query = query.where(supervision_changes.c[column] == value)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(supervision_changes.c.id.desc()).offset((page - 1) * size).limit(size))
    return {"total": total, "page": page, "size": size, "items": [dict(r) for r in rows.mappings()]}
