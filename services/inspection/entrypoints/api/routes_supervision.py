"""Inspector pool (an admin adds and edits members and links each to an inspector account; an inspector
declares their own conflicts), plans and running draws (inspectors). Every change is in the change log."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from services.inspection.adapters import coverage_views, views
from services.inspection.domain import commands, coverage
from services.inspection.domain.binding import RandomSource
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
    """Add a member to the inspector pool (admin: personnel, not any inspector). `username` links the member
    to an inspector account; an account links at most one member (409). Accounts live in the registry's
    database, which inspection does not read: the link is accepted by name and takes effect when an
    account of that name signs in with the role inspector (an account of another role, or none, acts as
    nobody's member). Recorded in the change log."""
    who.require("admin")
    cmd = commands.AddInspector(body.name, body.department, tuple(body.qualifications), body.username,
                                body.badge_number, tuple(_conflict(x) for x in body.conflicts), body.active,
                                who.username)
    inspector = inspectors.add_inspector(cmd, c.uow())
    response.headers["Location"] = f"/inspection/inspectors/{inspector.id}"
    return _inspector(c, inspector.id)


@router.get("/inspection/inspectors")
def list_inspectors(c: Container, who: CurrentPrincipal, active: bool | None = None) -> list[dict[str, Any]]:
    """The inspector pool with each member's linked account and conflicts (inspector, admin)."""
    who.require("inspector", "admin")
    with c.db.read_session() as session:
        return views.inspector_list(session, active)


@router.get("/inspection/inspectors/{inspector_id}")
def get_inspector(inspector_id: IdPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """One pool member (inspector, admin)."""
    who.require("inspector", "admin")
    return _inspector(c, inspector_id)


@router.patch("/inspection/inspectors/{inspector_id}")
def update_inspector(inspector_id: IdPath, body: schemas.InspectorPatch, c: Container,
                     who: CurrentPrincipal) -> dict[str, Any]:
    """Edit a pool member (admin): active, department, qualifications, and the linked account (`username`;
    null unlinks). An inactive member, or an account linked to none, acts on no task. Recorded in the
    change log with the values before and after."""
    who.require("admin")
    quals = tuple(body.qualifications) if body.qualifications is not None else None
    cmd = commands.UpdateInspector(inspector_id, body.active, body.department, quals,
                                   "username" in body.model_fields_set, body.username, who.username)
    inspectors.update_inspector(cmd, c.uow())
    return _inspector(c, inspector_id)


@router.post("/inspection/inspectors/{inspector_id}/conflicts", status_code=status.HTTP_201_CREATED)
def declare_conflict(inspector_id: IdPath, body: schemas.ConflictIn, c: Container,
                     who: CurrentPrincipal) -> dict[str, Any]:
    """Declare a conflict (回避, R6.4): an inspector for the pool member linked to their own account (403
    otherwise); an admin for any member. Conflicts are never edited. A drawn inspector who declares one
    stops acting on that organization's task; the draw's next pick substitutes
    (POST /inspection/tasks/{id}/substitutions). Recorded in the change log."""
    who.require("inspector", "admin")
    inspectors.declare_conflict(inspector_id, _conflict(body), c.uow(), by=who.username,
                                as_admin=who.role == "admin")
    return _inspector(c, inspector_id)


def _plan(c: Container, plan_id: str) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = views.plan(session, plan_id)
    if found is None:
        raise NotFound(f"no plan {plan_id}")
    return found


@router.post("/inspection/plans", status_code=status.HTTP_201_CREATED)
def create_plan(body: schemas.PlanIn, c: Container, who: CurrentPrincipal, response: Response) -> dict[str, Any]:
    """Make a plan; the commitment of each round is published at once, so scope, size and external random
    values are fixed from here on (no path edits a plan). A scheduled plan (定期抽查) samples its authority's
    whole register (scope: levels and districts only, 409 R6.2) and names each round's external public
    random value (source and announcement day after today, 409 R6.1); an unscheduled one (不定期抽查) states
    its reason (type, sector or topic; 409 R6.2). No plan is refused for its size: the L45 art. 5 share (city
    4%, district 3%) is a yearly share of each registration authority's whole register, reached by the
    year's scheduled plans together and judged at the year's end (GET /inspection/coverage); the answer's
    `year_coverage` gives that year's figures for the authorities a scheduled plan's scope reaches.
    Recorded in the change log."""
    who.require("inspector")
    sources = tuple(RandomSource(x.source, x.announced_on) for x in body.public_random_sources)
    cmd = commands.CreatePlan(body.year, body.kind, body.title, body.scope.model_dump(), body.inspectors_per_task,
                              tuple(body.check_items), body.method, body.ratio, body.count, tuple(body.draw_dates),
                              who.username, body.reason, sources)
    plan = plans.create_plan(cmd, c.uow(), c.policy)
    response.headers["Location"] = f"/inspection/plans/{plan.id}"
    if plan.kind != "scheduled":
        return _plan(c, plan.id)
    with c.db.read_session() as session:
        reached = coverage.authorities_of_scope(plan.scope)
        found = coverage_views.year_coverage(session, plan.year, c.clock.today(), c.policy, only=reached)
    return {**_plan(c, plan.id), "year_coverage": found["authorities"]}


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
    """Run the plan's next pending draw (a redraw comes before later rounds). A draw that fixed an external
    public random value runs only with it: entered before (PUT /inspection/draws/{id}/public-random) or
    given here once announced (409 R6.1 otherwise); a draw without one takes an optional text."""
    who.require("inspector")
    cmd = commands.RunDraw(plan_id, body.public_random if body else "", who.username)
    draw, new = draws.run_draw(cmd, c.uow(), c.policy)
    response.status_code = status.HTTP_201_CREATED if new else status.HTTP_200_OK
    response.headers["Location"] = f"/inspection/draws/{draw.id}"
    with c.db.read_session() as session:
        return views.public_draw(session, draw.id) or {}
