"""Public paths (一公开): the draws, their frames and verification, and the published results.
Anyone may read them; the typed answers carry no personal data."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.inspection.adapters import views
from services.inspection.domain import draw as draw_rules
from services.inspection.domain import rules
from services.inspection.domain.model import Conflict
from services.inspection.domain.rules import Policy
from services.inspection.entrypoints.api import schemas
from services.inspection.entrypoints.api.deps import Container, IdPath, IdQuery, Page, Size, UsccQuery
from shared.clock import CHINA
from shared.errors import NotFound, RuleViolation

router = APIRouter(tags=["inspection (public)"])


@router.get("/inspection/draws", response_model=schemas.DrawPage)
def list_draws(c: Container, page: Page = 1, size: Size = 20,
               plan_id: IdQuery = None) -> dict[str, Any]:
    """Published draws, newest first (public). A redraw is listed beside the draw it replaces (`redraw_of`,
    `redraw_reason`); the replaced draw stays listed as it was (`redrawn_as`)."""
    with c.db.read_session() as session:
        return views.draw_page(session, page, size, plan_id)


@router.get("/inspection/draws/{draw_id}", response_model=schemas.DrawOut)
def get_draw(draw_id: IdPath, c: Container) -> dict[str, Any]:
    """One published draw (public): commitment, the external public random value's source and announcement
    day (fixed before the commitment) and, once announced, the value; seed, frame hash, targets, teams,
    withdrawals (回避), substitutes with their reasons; a redraw's reason and the draw it replaces; the plan's
    scope and, for unscheduled sampling, its reason. No personal data."""
    with c.db.read_session() as session:
        found = views.public_draw(session, draw_id)
    if found is None:
        raise NotFound(f"no draw {draw_id}")
    return found


@router.get("/inspection/draws/{draw_id}/frame", response_model=schemas.FrameOut)
def get_frame(draw_id: IdPath, c: Container) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = views.public_draw(session, draw_id)
        frame = views.frame(session, draw_id)
    if found is None:
        raise NotFound(f"no draw {draw_id}")
    if frame is None:
        raise RuleViolation("the frame is frozen at the draw; this draw has not been run", rule="draw.not_yet_drawn")
    return {"draw_id": draw_id, "frame_hash": found["frame_hash"], "size": len(frame), "usccs": frame}


@router.get("/inspection/draws/{draw_id}/verification", response_model=schemas.VerificationOut)
def verify_draw(draw_id: IdPath, c: Container) -> dict[str, Any]:
    """Recompute the draw from its published inputs (public): the commitment over the seed and the external
    value's source, the targets and teams with the external value in the key, every substitute as the
    sequence's next pick (algorithm socreg-draw-v2; v1 draws verify alike); mismatches are named."""
    with c.db.read_session() as session:
        published = views.published_record(session, draw_id)
        if published is None:
            if views.public_draw(session, draw_id) is not None:
                raise RuleViolation("only a drawn draw can be verified; its commitment is published",
                                    rule="draw.not_yet_drawn")
            raise NotFound(f"no draw {draw_id}")
        plan_known = views.plan_exists(session, published.plan_id)
        at = views.drawn_at(session, draw_id)
        conflicts = views.conflicts_declared_by(session, list(published.pool), at) if at else []
    mismatches = draw_rules.verify(published)
    if not plan_known:
        mismatches.insert(0, draw_rules.Mismatch("plan_id", f"the draw names plan {published.plan_id}, "
                                                            "which does not exist"))
    mismatches += _withdrawals(published, conflicts, at.astimezone(CHINA).date() if at else None, c.policy)
    return {"draw_id": draw_id, "matches": not mismatches, "mismatches": [m.__dict__ for m in mismatches],
            "inputs": _inputs(published), "algorithm": draw_rules.ALGORITHM, "algorithm_steps": draw_rules.STEPS}


def _withdrawals(p: draw_rules.Published, conflicts: list[Conflict], day: date | None,
                 policy: Policy) -> list[draw_rules.Mismatch]:
    """What only the service can check (conflicts are not public): each published withdrawal list is
    what the conflict register required on the draw day."""
    expected = rules.withdrawn_by_target(conflicts, set(p.targets), day, policy) if day else {}
    for position, (uscc, out) in enumerate(zip(p.targets, p.withdrawn)):
        if sorted(out) != expected.get(uscc, []):
            return [draw_rules.Mismatch("withdrawn", f"position {position + 1} ({uscc}): the conflict register "
                                                     "of the draw day asks other withdrawals (回避)")]
    return []


def _inputs(p: draw_rules.Published) -> dict[str, Any]:
    return {"plan_id": p.plan_id, "round": p.round, "rounds": p.rounds, "ratio": views.ratio_text(p.ratio),
            "count": p.count, "commitment": p.commitment, "seed": p.seed, "frame_hash": p.frame_hash,
            "frame_size": len(p.frame), "public_random": p.public_random, "random_source": p.random_source,
            "already_drawn": p.already_drawn,
            "target_count": p.target_count, "targets": list(p.targets), "inspector_pool": list(p.pool),
            "inspectors_per_task": p.per_task, "withdrawn": [list(w) for w in p.withdrawn],
            "teams": [list(t) for t in p.teams],
            "substitutions": [[{"replaced": x.replaced, "substitute": x.substitute, "skipped": list(x.skipped)}
                               for x in subs] for subs in p.substitutions]}


@router.get("/inspection/results", response_model=schemas.ResultPage)
def list_results(c: Container, page: Page = 1, size: Size = 50, uscc: UsccQuery = None,
                 year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> dict[str, Any]:
    with c.db.read_session() as session:
        return views.public_results(session, uscc, year, page, size)
