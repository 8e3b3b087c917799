"""Read queries for the inspection API (CQRS-lite: reads skip the domain and use the read engine).

Public views (draws, results) carry no personal data: inspectors appear by pool id and display name
only; no phone, badge number, conflict or account name ever leaves through them."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.inspection.adapters.orm import (directory, draw_frames, draw_targets, draws, inspector_conflicts,
                                              inspectors, penalties, plans, rectifications, tasks)
from services.inspection.adapters import binding_views
from services.inspection.adapters.repository import earlier_targets
from services.inspection.domain import draw as draw_rules
from services.inspection.domain.model import CHECK_ITEMS, OUTCOMES, PENALTY_KINDS, Conflict


def _page(session: Session, query: Any, order: list[Any], page: int, size: int) -> dict[str, Any]:
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(*order).offset((page - 1) * size).limit(size)).mappings()
    return {"total": total, "page": page, "size": size, "items": [dict(r) for r in rows]}


def ratio_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


# ------------------------------------------------------------------------------------- inspectors

def inspector_list(session: Session, active: bool | None) -> list[dict[str, Any]]:
    query = select(inspectors)
    if active is not None:
        query = query.where(inspectors.c.active.is_(active))
    found = [dict(r) for r in session.execute(query.order_by(inspectors.c.name, inspectors.c.id)).mappings()]
    conflicts: dict[str, list[dict[str, Any]]] = {}
    for c in session.execute(select(inspector_conflicts).order_by(inspector_conflicts.c.id)).mappings():
        conflicts.setdefault(c["inspector_id"], []).append(
            {k: c[k] for k in ("id", "uscc", "kind", "declared_at", "ended_on", "note")})
    return [{**i, "conflicts": conflicts.get(i["id"], [])} for i in found]


def inspector(session: Session, inspector_id: str) -> dict[str, Any] | None:
    return next((i for i in inspector_list(session, None) if i["id"] == inspector_id), None)


def inspector_names(session: Session) -> dict[str, str]:
    return {r.id: r.name for r in session.execute(select(inspectors.c.id, inspectors.c.name))}


# ------------------------------------------------------------------------------------------ plans

def plan(session: Session, plan_id: str) -> dict[str, Any] | None:
    row = session.execute(select(plans).where(plans.c.id == plan_id)).mappings().first()
    if row is None:
        return None
    rounds = session.execute(select(draws.c.id, draws.c.round, draws.c.status, draws.c.commitment, draws.c.draw_on,
                                    draws.c.drawn_at, draws.c.target_count, draws.c.attempt, draws.c.redraw_of,
                                    draws.c.redraw_reason, draws.c.random_source, draws.c.random_announced_on,
                                    draws.c.public_random)
                             .where(draws.c.plan_id == plan_id).order_by(draws.c.round, draws.c.attempt)).mappings()
    return {**dict(row), "ratio": ratio_text(row["ratio"]), "draws": [dict(r) for r in rounds]}


def plan_list(session: Session, year: int | None, page: int, size: int) -> dict[str, Any]:
    query = select(plans.c.id, plans.c.year, plans.c.kind, plans.c.title, plans.c.rounds, plans.c.created_on)
    if year is not None:
        query = query.where(plans.c.year == year)
    return _page(session, query, [plans.c.created_on.desc(), plans.c.id], page, size)


# ---------------------------------------------------------------------------------- draws (public)

_DRAW_SUMMARY = (draws.c.id, draws.c.plan_id, plans.c.title.label("plan_title"), plans.c.year, plans.c.kind,
                 draws.c.round, plans.c.rounds, draws.c.status, draws.c.commitment, draws.c.committed_at,
                 draws.c.draw_on, draws.c.drawn_at, draws.c.frame_size, draws.c.target_count, draws.c.attempt,
                 draws.c.redraw_of, draws.c.redraw_reason, binding_views.REDRAWN_AS)


def draw_page(session: Session, page: int, size: int, plan_id: str | None) -> dict[str, Any]:
    query = select(*_DRAW_SUMMARY).join(plans, plans.c.id == draws.c.plan_id)
    if plan_id is not None:
        query = query.where(draws.c.plan_id == plan_id)
    newest = func.coalesce(draws.c.drawn_at, draws.c.committed_at)
    return _page(session, query, [newest.desc(), draws.c.round.desc(), draws.c.id], page, size)


def public_draw(session: Session, draw_id: str) -> dict[str, Any] | None:
    query = select(*_DRAW_SUMMARY, draws.c.seed, draws.c.frame_hash, draws.c.public_random, draws.c.algorithm,
                   draws.c.already_drawn, draws.c.inspectors_per_task, draws.c.inspector_pool, plans.c.ratio,
                   plans.c.count, draws.c.random_source, draws.c.random_announced_on,
                   plans.c.reason.label("plan_reason"), plans.c.scope).join(plans, plans.c.id == draws.c.plan_id
                                                                             ).where(draws.c.id == draw_id)
    row = session.execute(query).mappings().first()
    if row is None:
        return None
    body = {**dict(row), "ratio": ratio_text(row["ratio"]), "algorithm_steps": draw_rules.STEPS}
    names = inspector_names(session)
    if row["status"] != "drawn":
        body["seed"] = None  # the secret stays secret until the draw: only its commitment is public
        return {**body, "inspector_pool": [], "targets": []}
    body["inspector_pool"] = [{"id": i, "name": names.get(i, "")} for i in row["inspector_pool"]]
    subs = binding_views.substitutions(session, draw_id, names)
    body["targets"] = [{"position": t.position, "uscc": t.uscc, "name": t.name or "",
                        "inspectors": [{"id": i, "name": names.get(i, "")} for i in _ids(t.inspectors)],
                        "withdrawn": _ids(t.withdrawn), "substitutions": subs.get(t.position, [])}
                       for t in _targets(session, draw_id)]
    return body


def _targets(session: Session, draw_id: str) -> list[Any]:
    query = (select(draw_targets, directory.c.name).join(directory, directory.c.uscc == draw_targets.c.uscc,
                                                          isouter=True)
             .where(draw_targets.c.draw_id == draw_id).order_by(draw_targets.c.position))
    return list(session.execute(query))


def _ids(csv: str) -> list[str]:
    return [x for x in csv.split(",") if x]


def frame(session: Session, draw_id: str) -> list[str] | None:
    text = session.execute(select(draw_frames.c.usccs).where(draw_frames.c.draw_id == draw_id)).scalar()
    return None if text is None else [u for u in text.split("\n") if u]


def published_record(session: Session, draw_id: str) -> draw_rules.Published | None:
    """What the draw published, read back as stored, for the verification to recompute."""
    d = session.execute(select(draws).where(draws.c.id == draw_id)).mappings().first()
    if d is None or d["status"] != "drawn":
        return None
    p = session.execute(select(plans).where(plans.c.id == d["plan_id"])).mappings().first()
    earlier = session.scalars(earlier_targets(d["plan_id"], d["round"])).all()
    targets = session.execute(select(draw_targets).where(draw_targets.c.draw_id == draw_id)
                              .order_by(draw_targets.c.position)).all()
    return draw_rules.Published(
        plan_id=d["plan_id"], round=d["round"], rounds=p["rounds"] if p else 0, ratio=p["ratio"] if p else None,
        count=p["count"] if p else None, commitment=d["commitment"], seed=d["seed"],
        frame=frame(session, draw_id) or [],
        frame_hash=d["frame_hash"] or "", public_random=d["public_random"] or "", earlier_targets=list(earlier),
        already_drawn=d["already_drawn"] or 0, target_count=d["target_count"] or 0,
        targets=[t.uscc for t in targets], pool=list(d["inspector_pool"]), per_task=d["inspectors_per_task"] or 0,
        withdrawn=[_ids(t.withdrawn) for t in targets], teams=[_ids(t.inspectors) for t in targets],
        random_source=draw_rules.source_text(d["random_source"], d["random_announced_on"]),
        substitutions=binding_views.published_substitutions(session, draw_id, [t.position for t in targets]))


def conflicts_declared_by(session: Session, inspector_ids: list[str], at: datetime) -> list[Conflict]:
    """The conflicts of these inspectors as the register stood at `at` (conflicts are never edited)."""
    query = select(inspector_conflicts).where(inspector_conflicts.c.inspector_id.in_(inspector_ids),
                                              inspector_conflicts.c.declared_at <= at)
    return [Conflict(r.inspector_id, r.uscc, r.kind, r.declared_at, r.ended_on) for r in session.execute(query)]


def drawn_at(session: Session, draw_id: str) -> datetime | None:
    return session.execute(select(draws.c.drawn_at).where(draws.c.id == draw_id)).scalar()


def plan_exists(session: Session, plan_id: str) -> bool:
    return session.execute(select(plans.c.id).where(plans.c.id == plan_id)).first() is not None


# ------------------------------------------------------------------------------------------ tasks

_TASK_SUMMARY = (tasks.c.id, tasks.c.draw_id, tasks.c.plan_id, tasks.c.position, tasks.c.uscc, tasks.c.org_name,
                 tasks.c.status, tasks.c.notified_on, tasks.c.outcome, tasks.c.completed_on, tasks.c.publish_by,
                 tasks.c.published_on, tasks.c.rectification_id, tasks.c.penalty_id)


def task_page(session: Session, filters: dict[str, Any], page: int, size: int, *where: Any) -> dict[str, Any]:
    query = select(*_TASK_SUMMARY).where(*where)
    for column, value in filters.items():
        if value is not None:
            query = query.where(tasks.c[column] == value)
    return _page(session, query, [tasks.c.draw_id, tasks.c.position], page, size)


def task(session: Session, task_id: str) -> dict[str, Any] | None:
    row = session.execute(select(tasks, plans.c.check_items, plans.c.title.label("plan_title"), plans.c.method)
                          .join(plans, plans.c.id == tasks.c.plan_id).where(tasks.c.id == task_id)).mappings().first()
    if row is None:
        return None
    team, drawn = binding_views.team(session, task_id, row["draw_id"], row["position"])
    names = inspector_names(session)
    subs = binding_views.substitutions(session, row["draw_id"], names).get(row["position"], [])
    return {**dict(row), "inspectors": [{"id": i, "name": names.get(i, "")} for i in team],
            "drawn_inspectors": [{"id": i, "name": names.get(i, "")} for i in drawn], "substitutions": subs,
            "check_item_names": {i: CHECK_ITEMS.get(i, i) for i in row["check_items"]}}


# --------------------------------------------------------------------------- rectifications, penalties

def rectification(session: Session, rectification_id: str) -> dict[str, Any] | None:
    row = session.execute(select(rectifications).where(rectifications.c.id == rectification_id)).mappings().first()
    return None if row is None else dict(row)


def rectification_page(session: Session, uscc: str | None, status: str | None, page: int, size: int,
                       *where: Any) -> dict[str, Any]:
    query = select(rectifications).where(*where)
    if uscc is not None:
        query = query.where(rectifications.c.uscc == uscc)
    if status is not None:
        query = query.where(rectifications.c.status == status)
    return _page(session, query, [rectifications.c.issued_on.desc(), rectifications.c.number], page, size)


def penalty(session: Session, penalty_id: str) -> dict[str, Any] | None:
    row = session.execute(select(penalties).where(penalties.c.id == penalty_id)).mappings().first()
    return None if row is None else {**dict(row), "kind_name": PENALTY_KINDS[row["kind"]]}


def penalty_page(session: Session, uscc: str | None, page: int, size: int) -> dict[str, Any]:
    query = select(penalties)
    if uscc is not None:
        query = query.where(penalties.c.uscc == uscc)
    answer = _page(session, query, [penalties.c.effective_on.desc(), penalties.c.id], page, size)
    answer["items"] = [{**p, "kind_name": PENALTY_KINDS[p["kind"]]} for p in answer["items"]]
    return answer


def organization(session: Session, uscc: str) -> dict[str, Any] | None:
    row = session.execute(select(directory).where(directory.c.uscc == uscc)).mappings().first()
    return None if row is None else dict(row)


# ----------------------------------------------------------------------------- results (public)

def public_results(session: Session, uscc: str | None, year: int | None, page: int, size: int) -> dict[str, Any]:
    """Published results (一公开): no inspector, no account, no personal data."""
    query = (select(tasks.c.id.label("task_id"), tasks.c.uscc, tasks.c.org_name, tasks.c.plan_id,
                    plans.c.title.label("plan_title"), plans.c.year, plans.c.kind, tasks.c.draw_id, tasks.c.outcome,
                    tasks.c.findings, tasks.c.completed_on, tasks.c.published_on,
                    rectifications.c.number.label("rectification_number"),
                    rectifications.c.deadline.label("rectification_deadline"),
                    rectifications.c.status.label("rectification_status"),
                    penalties.c.kind.label("penalty_kind"), penalties.c.legal_basis.label("penalty_legal_basis"),
                    penalties.c.effective_on.label("penalty_effective_on"),
                    penalties.c.annulled_on.label("penalty_annulled_on"))  # issue 13: voided on objection
             .join(plans, plans.c.id == tasks.c.plan_id)
             .join(rectifications, rectifications.c.id == tasks.c.rectification_id, isouter=True)
             .join(penalties, penalties.c.id == tasks.c.penalty_id, isouter=True)
             .where(tasks.c.published_on.is_not(None)))
    if uscc is not None:
        query = query.where(tasks.c.uscc == uscc)
    if year is not None:
        query = query.where(plans.c.year == year)
    answer = _page(session, query, [tasks.c.published_on.desc(), tasks.c.id], page, size)
    answer["items"] = [{**r, "outcome_name": OUTCOMES.get(r["outcome"], r["outcome"]),
                        "findings": [{"item": f["item"], "item_name": CHECK_ITEMS.get(f["item"], f["item"]),
                                      "compliant": f["compliant"], "problem": f.get("problem")} for f in r["findings"]]}
                       for r in answer["items"]]
    return answer
