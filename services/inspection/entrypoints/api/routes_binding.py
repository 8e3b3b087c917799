"""Draws that bind (issue 12): a draw's external public random value, redraws, substitutes on a task's
team, and the change log of the pool, plans and draws."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from services.inspection.adapters import binding_views, views
from services.inspection.domain.binding import RandomSource
from services.inspection.domain.binding_commands import EnterPublicRandom, Redraw, Substitute
from services.inspection.entrypoints.api import binding_schemas, schemas
from services.inspection.entrypoints.api.deps import Container, IdPath, IdQuery, Page, Size
from services.inspection.service_layer.handlers import acting, draws
from shared.errors import NotFound
from shared.web import CurrentPrincipal

router = APIRouter(tags=["inspection"])
Actor = Annotated[str | None, Query(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@\-]+$")]
Action = Annotated[str | None, Query(min_length=1, max_length=40, pattern=r"^[a-z_.]+$")]


def _draw(c: Container, draw_id: str) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = views.public_draw(session, draw_id)
    if found is None:
        raise NotFound(f"no draw {draw_id}")
    return found


@router.put("/inspection/draws/{draw_id}/public-random", response_model=schemas.DrawOut)
def enter_public_random(draw_id: IdPath, body: binding_schemas.PublicRandomIn, c: Container,
                        who: CurrentPrincipal) -> dict[str, Any]:
    """Enter the announced external public random value of a committed draw (inspector), once, on or
    after the announcement day its plan fixed before the commitment (409 R6.1 before, or a second time:
    a wrong value calls for a redraw). The scheduler then draws on the draw day with it. Who and when
    are kept (change log)."""
    who.require("inspector")
    draws.enter_public_random(EnterPublicRandom(draw_id, body.value, who.username), c.uow())
    return _draw(c, draw_id)


@router.post("/inspection/draws/{draw_id}/redraws", status_code=status.HTTP_201_CREATED,
             response_model=schemas.DrawOut)
def redraw(draw_id: IdPath, body: binding_schemas.RedrawIn, c: Container, who: CurrentPrincipal,
           response: Response) -> dict[str, Any]:
    """Redraw a drawn round (inspector), with a reason: a new attempt is committed now (a scheduled plan's
    redraw names its own external value, announced after today) and run as the plan's next draw. Both
    are published (GET /inspection/draws, the draw pages): the first draw is never hidden or changed; its
    open tasks stop. Refused (409 R6.1) once a task of the draw has a result, a later round is drawn, or
    the draw was redrawn already. Recorded in the change log."""
    who.require("inspector")
    source = body.public_random_source
    cmd = Redraw(draw_id, body.reason, who.username, RandomSource(source.source, source.announced_on) if source else None)
    again = draws.redraw(cmd, c.uow())
    response.headers["Location"] = f"/inspection/draws/{again.id}"
    return _draw(c, again.id)


@router.post("/inspection/tasks/{task_id}/substitutions", status_code=status.HTTP_201_CREATED,
             response_model=binding_schemas.SubstitutionOut)
def substitute(task_id: IdPath, body: binding_schemas.SubstitutionIn, c: Container,
               who: CurrentPrincipal) -> dict[str, Any]:
    """Replace a member of a task's team by the draw's next pick (algorithm step 8: the draw's random
    sequence continues, skipping inactive and conflicted members), with the reason; published on the draw
    and checked by its verification. The member asks for it; a teammate (inspector) or an admin may when
    the member can no longer act (inactive, or a conflict with the organization). Nobody chooses the
    substitute."""
    who.require("inspector", "admin")
    cmd = Substitute(task_id, body.inspector_id, body.reason, who.username)
    done = acting.substitute(cmd, c.uow(), c.policy, as_admin=who.role == "admin")
    with c.db.read_session() as session:
        found = views.task(session, task_id) or {}
    return {"task_id": task_id, **done, "team": found.get("inspectors", [])}


@router.get("/inspection/changes", response_model=binding_schemas.ChangePage)
def list_changes(c: Container, who: CurrentPrincipal, page: Page = 1, size: Size = 50, subject: IdQuery = None,
                 actor: Actor = None, action: Action = None) -> dict[str, Any]:
    """The change log of the inspector pool, plans and draws, newest first (read-only; inspector, admin,
    auditor): who added or edited a member or linked an account, declared a conflict, made a plan, entered
    an external value, ran or redrew a draw, substituted an inspector, and when. Filter by subject (an
    inspector, plan, draw or task id), actor or action."""
    who.require("inspector", "admin", "auditor")
    with c.db.read_session() as session:
        return binding_views.change_page(session, {"subject": subject, "actor": actor, "action": action}, page, size)
