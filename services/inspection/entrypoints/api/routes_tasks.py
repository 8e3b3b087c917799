"""Tasks (notice, findings, outcome, publication), rectification notices and penalties."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import HTMLResponse

from services.inspection.adapters import views
from services.inspection.domain import commands
from services.inspection.domain.rules import Finding
from services.inspection.entrypoints.api import documents, schemas
from services.inspection.entrypoints.api.deps import Container, IdPath, IdQuery, Page, Size, UsccQuery
from services.inspection.service_layer.handlers import penalties, rectifications, tasks
from shared.auth import Principal
from shared.errors import Forbidden, NotFound
from shared.web import CurrentPrincipal

router = APIRouter(tags=["inspection"])


def _reader(who: Principal, uscc: str) -> None:
    """Inspectors read everything; an org account only what concerns its own organization."""
    if who.role == "org":
        if who.uscc != uscc:
            raise Forbidden("an org account reaches only its own organization")
        return
    who.require("inspector")


def _own(who: Principal, uscc: str | None) -> str | None:
    """For listings: an org account is held to its own USCC; others may filter freely."""
    if who.role == "org":
        return who.uscc
    who.require("inspector")
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
               task_status: Annotated[Literal["assigned", "notified", "completed"] | None,
                                      Query(alias="status")] = None) -> dict[str, Any]:
    filters = {"uscc": _own(who, uscc), "draw_id": draw_id, "plan_id": plan_id, "status": task_status}
    with c.db.read_session() as session:
        return views.task_page(session, filters, page, size)


@router.get("/inspection/tasks/{task_id}")
def get_task(task_id: IdPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    return _task(c, task_id, who)


@router.post("/inspection/tasks/{task_id}/notice")
def send_notice(task_id: IdPath, body: schemas.NoticeIn, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    who.require("inspector")
    tasks.send_notice(commands.SendNotice(task_id, body.method, body.requirements, who.username), c.uow())
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
        penalty = commands.ImposePenalty(found["uscc"] if found else "", pen.kind, pen.legal_basis, pen.effective_on,
                                         pen.facts, who.username, pen.decision_number, pen.amount, pen.period_days,
                                         task_id)
    return commands.RecordResult(
        task_id, body.outcome, tuple(Finding(f.item, f.compliant, f.problem) for f in body.findings), who.username,
        commands.RectificationOrder(rect.deadline, rect.legal_basis, tuple(rect.problems)) if rect else None,
        penalty,
        commands.Uncontactable(body.uncontactable.first_letter_on, body.uncontactable.second_letter_on)
        if body.uncontactable else None)


@router.post("/inspection/tasks/{task_id}/result")
def record_result(task_id: IdPath, body: schemas.ResultIn, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    who.require("inspector")
    tasks.record_result(_result_command(task_id, body, c, who), c.uow(), c.policy)
    return _task(c, task_id, who)


@router.post("/inspection/tasks/{task_id}/publication")
def publish_result(task_id: IdPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    who.require("inspector")
    tasks.publish_result(commands.PublishResult(task_id, who.username), c.uow())
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
    who.require("inspector")
    cmd = commands.ReviewRectification(rectification_id, body.decision == "accept", body.note, who.username)
    rectifications.review(cmd, c.uow())
    return _rectification(c, rectification_id, who)


def _penalty(c: Container, penalty_id: str, who: Principal) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = views.penalty(session, penalty_id)
    if found is None:
        raise NotFound(f"no penalty {penalty_id}")
    _reader(who, found["uscc"])
    return found


@router.post("/inspection/penalties", status_code=status.HTTP_201_CREATED)
def impose_penalty(body: schemas.PenaltyIn, c: Container, who: CurrentPrincipal, response: Response) -> dict[str, Any]:
    who.require("inspector")
    cmd = commands.ImposePenalty(body.uscc, body.kind, body.legal_basis, body.effective_on, body.facts, who.username,
                                 body.decision_number, body.amount, body.period_days, body.task_id)
    penalty = penalties.impose_penalty(cmd, c.uow())
    response.headers["Location"] = f"/inspection/penalties/{penalty.id}"
    return _penalty(c, penalty.id, who)


@router.get("/inspection/penalties")
def list_penalties(c: Container, who: CurrentPrincipal, page: Page = 1, size: Size = 50,
                   uscc: UsccQuery = None) -> dict[str, Any]:
    with c.db.read_session() as session:
        return views.penalty_page(session, _own(who, uscc), page, size)


@router.get("/inspection/penalties/{penalty_id}")
def get_penalty(penalty_id: IdPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
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
