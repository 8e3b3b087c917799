"""Inspector pool, plans and running draws (inspectors; admin passes every role check)."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from services.inspection.adapters import views
from services.inspection.domain import commands
from services.inspection.entrypoints.api import schemas
from services.inspection.entrypoints.api.deps import Container, IdPath, Page, Size
from services.inspection.service_layer.handlers import draws, inspectors, plans
from shared.errors import NotFound
from shared.web import CurrentPrincipal

router = APIRouter(tags=["inspection"])


def _inspector(c: Container, inspector_id: str) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = views.inspector(session, inspector_id)
    if found is None:
        raise NotFound(f"no inspector {inspector_id}")
    return found


def _conflict(body: schemas.ConflictIn) -> commands.DeclareConflict:
    return commands.DeclareConflict(body.uscc, body.kind, body.ended_on, body.note)


@router.post("/inspection/inspectors", status_code=status.HTTP_201_CREATED)
def add_inspector(body: schemas.InspectorIn, c: Container, who: CurrentPrincipal, response: Response) -> dict[str, Any]:
    who.require("inspector")
    cmd = commands.AddInspector(body.name, body.department, tuple(body.qualifications), body.username,
                                body.badge_number, tuple(_conflict(x) for x in body.conflicts), body.active)
    inspector = inspectors.add_inspector(cmd, c.uow())
    response.headers["Location"] = f"/inspection/inspectors/{inspector.id}"
    return _inspector(c, inspector.id)


@router.get("/inspection/inspectors")
def list_inspectors(c: Container, who: CurrentPrincipal, active: bool | None = None) -> list[dict[str, Any]]:
    who.require("inspector")
    with c.db.read_session() as session:
        return views.inspector_list(session, active)


@router.get("/inspection/inspectors/{inspector_id}")
def get_inspector(inspector_id: IdPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    who.require("inspector")
    return _inspector(c, inspector_id)


@router.patch("/inspection/inspectors/{inspector_id}")
def update_inspector(inspector_id: IdPath, body: schemas.InspectorPatch, c: Container,
                     who: CurrentPrincipal) -> dict[str, Any]:
    who.require("inspector")
    quals = tuple(body.qualifications) if body.qualifications is not None else None
    inspectors.update_inspector(commands.UpdateInspector(inspector_id, body.active, body.department, quals), c.uow())
    return _inspector(c, inspector_id)


@router.post("/inspection/inspectors/{inspector_id}/conflicts", status_code=status.HTTP_201_CREATED)
def declare_conflict(inspector_id: IdPath, body: schemas.ConflictIn, c: Container,
                     who: CurrentPrincipal) -> dict[str, Any]:
    who.require("inspector")
    inspectors.declare_conflict(inspector_id, _conflict(body), c.uow())
    return _inspector(c, inspector_id)


def _plan(c: Container, plan_id: str) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = views.plan(session, plan_id)
    if found is None:
        raise NotFound(f"no plan {plan_id}")
    return found


@router.post("/inspection/plans", status_code=status.HTTP_201_CREATED)
def create_plan(body: schemas.PlanIn, c: Container, who: CurrentPrincipal, response: Response) -> dict[str, Any]:
    who.require("inspector")
    cmd = commands.CreatePlan(body.year, body.kind, body.title, body.scope.model_dump(), body.inspectors_per_task,
                              tuple(body.check_items), body.method, body.ratio, body.count, tuple(body.draw_dates),
                              who.username)
    plan = plans.create_plan(cmd, c.uow(), c.policy)
    response.headers["Location"] = f"/inspection/plans/{plan.id}"
    return _plan(c, plan.id)


@router.get("/inspection/plans")
def list_plans(c: Container, who: CurrentPrincipal, page: Page = 1, size: Size = 50,
               year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> dict[str, Any]:
    who.require("inspector")
    with c.db.read_session() as session:
        return views.plan_list(session, year, page, size)


@router.get("/inspection/plans/{plan_id}")
def get_plan(plan_id: IdPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    who.require("inspector")
    return _plan(c, plan_id)


@router.post("/inspection/plans/{plan_id}/draws", response_model=schemas.DrawOut,
             responses={200: {"description": "every round was drawn already: the last draw, unchanged"},
                        201: {"description": "the next round was drawn now"}})
def run_draw(plan_id: IdPath, c: Container, who: CurrentPrincipal, response: Response,
             body: schemas.DrawIn | None = None) -> dict[str, Any]:
    who.require("inspector")
    cmd = commands.RunDraw(plan_id, body.public_random if body else "", who.username)
    draw, new = draws.run_draw(cmd, c.uow(), c.policy)
    response.status_code = status.HTTP_201_CREATED if new else status.HTTP_200_OK
    response.headers["Location"] = f"/inspection/draws/{draw.id}"
    with c.db.read_session() as session:
        return views.public_draw(session, draw.id) or {}
