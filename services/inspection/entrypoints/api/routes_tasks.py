"""Tasks (notice, findings, outcome, publication), rectification notices and penalties."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import HTMLResponse

from services.inspection.adapters import binding_views, views
from services.inspection.domain import binding, commands
from services.inspection.domain.rules import Finding
from services.inspection.entrypoints.api import documents, routes_sanctions, schemas
from services.inspection.entrypoints.api.deps import Container, IdPath, IdQuery, Page, Size, UsccQuery
from services.inspection.service_layer.handlers import rectifications, sanctions, tasks
from shared.auth import Principal
from shared.errors import Forbidden, NotFound
from shared.web import CurrentPrincipal

router = APIRouter(tags=["inspection"])


def _reader(who: Principal, uscc: str) -> None:
    """Inspectors (and approvers, who decide their proposals) read everything; an org account only what
    concerns its own organization."""
    if who.role == "org":
        if who.uscc != uscc:
            raise Forbidden("an org account reaches only its own organization")
        return
    who.require("inspector", "approver")


def _own(who: Principal, uscc: str | None) -> str | None:
    """For listings: an org account is held to its own USCC; others may filter freely."""
    if who.role == "org":
        return who.uscc
    who.require("inspector", "approver")
    return uscc


def _task(c: Container, task_id: str, who: Principal) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = views.task(session, task_id)
    if found is None:
        raise NotFound(f"no inspection task {task_id}")
    _reader(who, found["uscc"])
    return found


@router.get("/inspection/tasks")
def list_tasks(c: Container, who: CurrentPrincipal, page: Page = 1, size: Size = 50, uscc: UsccQuery = None,
               draw_id: IdQuery = None, plan_id: IdQuery = None,
               task_status: Annotated[Literal["assigned", "notified", "completed", "superseded"] | None,
                                      Query(alias="status")] = None,
               mine: Annotated[bool, Query(description="only the tasks whose team holds the pool member linked "
                                                       "to your account (drawn, or a substitute)")] = False
               ) -> dict[str, Any]:
    """Inspection tasks (inspectors read all; an org account its own). `mine=true`: the signed-in
    inspector's own tasks (403 R6.4 when the account links no active pool member). A task stopped by a
    redraw is `superseded`."""
    filters = {"uscc": _own(who, uscc), "draw_id": draw_id, "plan_id": plan_id, "status": task_status}
    where = [binding_views.on_team(_own_member(c, who))] if mine else []
    with c.db.read_session() as session:
        return views.task_page(session, filters, page, size, *where)


def _own_member(c: Container, who: Principal) -> str:
    """The id of the active pool member linked to the signed-in inspector's account."""
    who.require("inspector")
    with c.db.read_session() as session:
        return binding.ensure_linked(binding_views.member_of(session, who.username), who.username).id


@router.get("/inspection/tasks/{task_id}")
def get_task(task_id: IdPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    return _task(c, task_id, who)


@router.post("/inspection/tasks/{task_id}/notice")
def send_notice(task_id: IdPath, body: schemas.NoticeIn, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """Send the inspection notice (R6.3): only an inspector drawn for the task (or a drawn substitute), through
    the pool member linked to the account (403 R6.1/R6.4), without a conflict with the organization (409 回避)."""
    who.require("inspector")
    cmd = commands.SendNotice(task_id, body.method, body.requirements, who.username)
    tasks.send_notice(cmd, c.uow(), c.policy)
    return _task(c, task_id, who)


@router.get("/inspection/tasks/{task_id}/notice/document", response_class=HTMLResponse)
def notice_document(task_id: IdPath, c: Container, who: CurrentPrincipal) -> HTMLResponse:
    found = _task(c, task_id, who)
    if found["notified_on"] is None:
        raise NotFound(f"task {task_id} has no notice yet")
    return HTMLResponse(documents.inspection_notice(found))


def _result_command(task_id: str, body: schemas.ResultIn, c: Container, who: Principal) -> commands.RecordResult:
    rect = body.rectification
    pen = body.penalty
    penalty = None
    if pen is not None:
        with c.db.read_session() as session:
            found = views.task(session, task_id)
        penalty = pen.command(found["uscc"] if found else "", who.username, task_id)
    return commands.RecordResult(
        task_id, body.outcome, tuple(Finding(f.item, f.compliant, f.problem) for f in body.findings), who.username,
        commands.RectificationOrder(rect.deadline, rect.legal_basis, tuple(rect.problems)) if rect else None,
        penalty,
        commands.Uncontactable(body.uncontactable.first_letter_on, body.uncontactable.second_letter_on)
        if body.uncontactable else None)


@router.post("/inspection/tasks/{task_id}/result")
def record_result(task_id: IdPath, body: schemas.ResultIn, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """Record findings and outcome: only an inspector drawn for the task (or a drawn substitute), linked to an
    active pool member (403 R6.1/R6.4), without a conflict with the organization (409 回避)."""
    who.require("inspector")
    tasks.record_result(_result_command(task_id, body, c, who), c.uow(), c.policy)
    return _task(c, task_id, who)


@router.post("/inspection/tasks/{task_id}/publication")
def publish_result(task_id: IdPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """Publish a recorded result now (R6.5; the daily job publishes by the deadline): only an inspector of the
    task's team (403 R6.1/R6.4)."""
    who.require("inspector")
    tasks.publish_result(commands.PublishResult(task_id, who.username), c.uow(), c.policy)
    return _task(c, task_id, who)


def _rectification(c: Container, rectification_id: str, who: Principal) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = views.rectification(session, rectification_id)
    if found is None:
        raise NotFound(f"no rectification notice {rectification_id}")
    _reader(who, found["uscc"])
    return found


@router.get("/inspection/rectifications")
def list_rectifications(c: Container, who: CurrentPrincipal, page: Page = 1, size: Size = 50, uscc: UsccQuery = None,
                        rect_status: Annotated[Literal["ordered", "responded", "accepted", "rejected"] | None,
                                               Query(alias="status")] = None) -> dict[str, Any]:
    with c.db.read_session() as session:
        return views.rectification_page(session, _own(who, uscc), rect_status, page, size)


@router.get("/inspection/rectifications/{rectification_id}")
def get_rectification(rectification_id: IdPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    return _rectification(c, rectification_id, who)


@router.get("/inspection/rectifications/{rectification_id}/document", response_class=HTMLResponse)
def rectification_document(rectification_id: IdPath, c: Container, who: CurrentPrincipal) -> HTMLResponse:
    found = _rectification(c, rectification_id, who)
    with c.db.read_session() as session:
        org = views.organization(session, found["uscc"])
    return HTMLResponse(documents.rectification_notice(found, org["domicile"] if org else None))


@router.post("/inspection/rectifications/{rectification_id}/response")
def respond(rectification_id: IdPath, body: schemas.ResponseIn, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    who.require("org")
    cmd = commands.RespondToRectification(rectification_id, body.report, who.uscc if who.role == "org" else None)
    rectifications.respond(cmd, c.uow())
    return _rectification(c, rectification_id, who)


@router.post("/inspection/rectifications/{rectification_id}/review")
def review(rectification_id: IdPath, body: schemas.ReviewIn, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """Accept or reject the organization's rectification report: only an inspector of the team of the inspection
    that ordered it (403 R6.1/R6.4), without a conflict (409 回避)."""
    who.require("inspector")
    cmd = commands.ReviewRectification(rectification_id, body.decision == "accept", body.note, who.username)
    rectifications.review(cmd, c.uow(), c.policy)
    return _rectification(c, rectification_id, who)


def _penalty(c: Container, penalty_id: str, who: Principal) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = views.penalty(session, penalty_id)
    if found is None:
        raise NotFound(f"no penalty {penalty_id}")
    _reader(who, found["uscc"])
    return found


@router.post("/inspection/penalties", status_code=status.HTTP_202_ACCEPTED)
def impose_penalty(body: schemas.PenaltyIn, c: Container, who: CurrentPrincipal, response: Response) -> dict[str, Any]:
    """Propose a penalty decision (行政处罚决定书): one measure (`kind`: 警告, 罚款, 没收违法所得, 责令撤换,
    限期停止活动) or several under one decision number (`measures`, e.g. 警告 + 罚款 counts once for the repeat
    rule of R8.3). A fine states its basis: `turnover` (1-3×) or `gains` (3-5×) with `basis_amount`, checked
    against SHT art. 30 / MFQ art. 25, or `fixed`. 202 with the proposal; it takes effect, and
    inspection.penalty.imposed leaves, only when an approver other than you approves it
    (POST /inspection/sanctions/{id}/approval). A revocation is the registry's act: alone it is a revocation
    request (202 at once), within a decision the request leaves when the decision is approved. A penalty dated
    more than 5 working days back (R8.1.2) needs `late_reason` and is flagged late; one on a task only by the
    inspectors drawn for it."""
    who.require("inspector")
    cmd = body.command(body.uscc, who.username, body.task_id)
    if {m.kind for m in cmd.all_measures()} == {"revocation"}:
        return sanctions.request_revocation(cmd, c.uow())
    proposal = sanctions.propose_penalty(cmd, who.role, c.uow(), c.policy)
    return routes_sanctions.proposal_answer(c, proposal, response)


@router.get("/inspection/penalties")
def list_penalties(c: Container, who: CurrentPrincipal, page: Page = 1, size: Size = 50,
                   uscc: UsccQuery = None) -> dict[str, Any]:
    with c.db.read_session() as session:
        return views.penalty_page(session, _own(who, uscc), page, size)


@router.get("/inspection/penalties/{penalty_id}")
def get_penalty(penalty_id: IdPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """One penalty decision with its measures; `annulled_on` and `annulment_reason` when an upheld objection
    (异议, R8.4.4) voided it as an error (it then counts for no list, no window and no downgrade)."""
    return _penalty(c, penalty_id, who)


@router.get("/inspection/organizations/{uscc}")
def get_organization(uscc: Annotated[str, IdPath], c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """The inspection service's directory entry (its copy from registry events)."""
    who.require("inspector")
    with c.db.read_session() as session:
        found = views.organization(session, uscc.upper())
    if found is None:
        raise NotFound(f"no organization with USCC {uscc}")
    return found
