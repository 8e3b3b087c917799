"""Public paths (一公开): the draws, their frames and verification, and the published results.
Anyone may read them; the typed answers carry no personal data."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.inspection.adapters import views
from services.inspection.domain import draw as draw_rules
from services.inspection.entrypoints.api import schemas
from services.inspection.entrypoints.api.deps import Container, IdPath, Page, Size, UsccQuery
from shared.errors import NotFound, RuleViolation

router = APIRouter(tags=["inspection (public)"])


@router.get("/inspection/draws", response_model=schemas.DrawPage)
def list_draws(c: Container, page: Page = 1, size: Size = 20,
               plan_id: Annotated[str | None, Query(max_length=40)] = None) -> dict[str, Any]:
    with c.db.read_session() as session:
        return views.draw_page(session, page, size, plan_id)


@router.get("/inspection/draws/{draw_id}", response_model=schemas.DrawOut)
def get_draw(draw_id: IdPath, c: Container) -> dict[str, Any]:
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
    with c.db.read_session() as session:
        published = views.published_record(session, draw_id)
        known = views.public_draw(session, draw_id) is not None
        plan_known = published is not None and views.plan_exists(session, published.plan_id)
    if published is None:
        if known:
            raise RuleViolation("only a drawn draw can be verified; its commitment is published",
                                rule="draw.not_yet_drawn")
        raise NotFound(f"no draw {draw_id}")
    mismatches = draw_rules.verify(published)
    if not plan_known:
        mismatches.insert(0, draw_rules.Mismatch("plan_id", f"the draw names plan {published.plan_id}, "
                                                            "which does not exist"))
    return {"draw_id": draw_id, "matches": not mismatches, "mismatches": [m.__dict__ for m in mismatches],
            "inputs": _inputs(published), "algorithm": draw_rules.ALGORITHM, "algorithm_steps": draw_rules.STEPS}


def _inputs(p: draw_rules.Published) -> dict[str, Any]:
    return {"plan_id": p.plan_id, "round": p.round, "rounds": p.rounds, "ratio": views.ratio_text(p.ratio),
            "count": p.count, "commitment": p.commitment, "seed": p.seed, "frame_hash": p.frame_hash,
            "frame_size": len(p.frame), "public_random": p.public_random, "already_drawn": p.already_drawn,
            "target_count": p.target_count, "targets": list(p.targets), "inspector_pool": list(p.pool),
            "inspectors_per_task": p.per_task, "withdrawn": [list(w) for w in p.withdrawn],
            "teams": [list(t) for t in p.teams]}


@router.get("/inspection/results", response_model=schemas.ResultPage)
def list_results(c: Container, page: Page = 1, size: Size = 50, uscc: UsccQuery = None,
                 year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> dict[str, Any]:
    with c.db.read_session() as session:
        return views.public_results(session, uscc, year, page, size)
