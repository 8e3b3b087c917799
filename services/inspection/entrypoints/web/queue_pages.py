"""The inspector's work queue: plans and their draws (run one now, with its external public random value),
the signed-in inspector's own open tasks (drawn for them, or as a substitute), their rectification notices
due or overdue and reports to review; the task page (notice, result) and the review page. Reads use
the service's views, writes its handlers, as the JSON routes do."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from sqlalchemy import select

from services.inspection.adapters import binding_views, views
from services.inspection.adapters.orm import rectifications as rectification_table
from services.inspection.adapters.orm import tasks as task_table
from services.inspection.domain import commands
from services.inspection.entrypoints.api import routes_tasks, schemas
from services.inspection.entrypoints.api.deps import Container, IdPath
from services.inspection.entrypoints.web.credit_pages import queue_items as credit_queue
from services.inspection.entrypoints.web.forms import done, done_key, refusal
from services.inspection.entrypoints.web.pages import form_errors, pages
from services.inspection.service_layer.handlers import draws, rectifications
from shared.errors import SocregError
from shared.webui import check_csrf, page_router, require_page_role

router = page_router()
QUEUE = "/inspection/web/queue"
Flash = Annotated[str | None, Query(alias="done", max_length=40)]
LISTED = 50


def _plans(c: Container) -> list[dict[str, Any]]:
    with c.db.read_session() as session:
        found = views.plan_list(session, None, 1, LISTED)["items"]
        plans = [views.plan(session, p["id"]) or p for p in found]
    for plan in plans:
        plan["pending"] = [d for d in plan.get("draws", []) if d["status"] != "drawn"]
    return plans


def _member_id(c: Container, username: str) -> str | None:
    """The active pool member linked to the signed-in account (issue 12: it works only its own tasks)."""
    with c.db.read_session() as session:
        member = binding_views.member_of(session, username)
    return member.id if member is not None and member.active else None


def _queue(c: Container, username: str) -> dict[str, Any]:
    """The signed-in inspector's open tasks (drawn for them, or as a substitute) and the rectification
    notices of their inspections; nothing when the account links no active pool member."""
    today, member = c.clock.today(), _member_id(c, username)
    if member is None:
        return {"today": today, "linked": False, "tasks": [], "tasks_total": 0, "due": [], "due_total": 0,
                "to_review": [], "review_total": 0}
    mine = binding_views.on_team(member)
    of_mine = rectification_table.c.task_id.in_(select(task_table.c.id).where(mine))
    with c.db.read_session() as session:
        open_tasks = [views.task_page(session, {"status": s}, 1, LISTED, mine) for s in ("assigned", "notified")]
        due = views.rectification_page(session, None, "ordered", 1, LISTED, of_mine)
        rejected = views.rectification_page(session, None, "rejected", 1, LISTED, of_mine)
        to_review = views.rectification_page(session, None, "responded", 1, LISTED, of_mine)
    notices = sorted(due["items"] + rejected["items"], key=lambda r: r["deadline"])
    return {"today": today, "linked": True, "tasks": open_tasks[0]["items"] + open_tasks[1]["items"],
            "tasks_total": open_tasks[0]["total"] + open_tasks[1]["total"], "due": notices,
            "due_total": due["total"] + rejected["total"], "to_review": to_review["items"],
            "review_total": to_review["total"]}


@router.get(QUEUE)
def queue(request: Request, c: Container, flash: Flash = None) -> Response:
    who = require_page_role(request, "inspector")
    return pages.render(request, "queue.html", title=pages.t(request, "queue.title"), plans=_plans(c),
                        done=done_key(flash), **_queue(c, who.username), **credit_queue(c))


@router.post("/inspection/web/plans/{plan_id}/draws")
def run_draw(request: Request, plan_id: IdPath, c: Container, csrf: Annotated[str, Form()] = "",
             public_random: Annotated[str, Form(max_length=400)] = "") -> Response:
    who = require_page_role(request, "inspector")
    check_csrf(request, csrf)
    body = schemas.DrawIn(public_random=public_random)  # invalid text: a 422 page
    draw, _ = draws.run_draw(commands.RunDraw(plan_id, body.public_random, who.username), c.uow(), c.policy)
    return done(f"/inspection/web/draws/{draw.id}", "queue.drawn", round=draw.round)


# ------------------------------------------------------------------------------------------- tasks

def _task(c: Container, task_id: str, who: Any) -> dict[str, Any]:
    return routes_tasks.get_task(task_id, c, who)


def _render_task(request: Request, c: Container, task: dict[str, Any], *, errors: dict[str, str] | None = None,
                 values: dict[str, Any] | None = None, status: int = 200, done_msg: str | None = None) -> Response:
    with c.db.read_session() as session:
        rect = views.rectification(session, task["rectification_id"]) if task["rectification_id"] else None
    return pages.render(request, "task.html", title=f"{pages.t(request, 'task.title')} · {task['org_name']}",
                        status=status, task=task, rect=rect, errors=errors or {}, values=values or {},
                        done=done_msg)


@router.get("/inspection/web/tasks/{task_id}")
def task_page(request: Request, task_id: IdPath, c: Container, flash: Flash = None) -> Response:
    who = require_page_role(request, "inspector")
    return _render_task(request, c, _task(c, task_id, who), done_msg=done_key(flash))


@router.post("/inspection/web/tasks/{task_id}/notice")
def send_notice(request: Request, task_id: IdPath, c: Container, csrf: Annotated[str, Form()] = "",
                method: Annotated[str, Form(max_length=20)] = "both",
                requirements: Annotated[str, Form(max_length=20_000)] = "") -> Response:
    who = require_page_role(request, "inspector")
    check_csrf(request, csrf)
    values = {"method": method, "requirements": requirements}
    try:
        body = schemas.NoticeIn.model_validate(values)
        routes_tasks.send_notice(task_id, body, c, who)
    except ValidationError as exc:
        return _render_task(request, c, _task(c, task_id, who), errors=form_errors(exc), values=values, status=422)
    except SocregError as exc:
        return _render_task(request, c, _task(c, task_id, who), errors=refusal(exc), values=values,
                            status=exc.status)
    return done(f"/inspection/web/tasks/{task_id}", "task.notice_sent")


_RESULT_FIELDS = {"rectification.deadline": "rect_deadline", "rectification.legal_basis": "rect_basis",
                  "penalty.kind": "penalty_kind", "penalty.legal_basis": "penalty_basis",
                  "penalty.effective_on": "penalty_on", "penalty.facts": "penalty_facts", "outcome": "outcome"}


def _result_body(form: dict[str, str], items: list[str]) -> dict[str, Any]:
    outcome = form.get("outcome", "")
    body: dict[str, Any] = {"outcome": outcome, "findings": [
        {"item": i, "compliant": form.get(f"ok_{i}") == "1", "problem": form.get(f"problem_{i}") or None}
        for i in items]}
    if outcome == "rectification":
        body["rectification"] = {"deadline": form.get("rect_deadline") or None,
                                 "legal_basis": form.get("rect_basis") or None}
    if outcome == "penalty":
        body["penalty"] = {"kind": form.get("penalty_kind") or None, "legal_basis": form.get("penalty_basis"),
                           "effective_on": form.get("penalty_on") or None, "facts": form.get("penalty_facts")}
    return body


@router.post("/inspection/web/tasks/{task_id}/result")
async def record_result(request: Request, task_id: IdPath, c: Container) -> Response:
    from starlette.concurrency import run_in_threadpool

    who = require_page_role(request, "inspector")
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    check_csrf(request, form.get("csrf"))
    return await run_in_threadpool(_record_result, request, task_id, c, who, form)


def _record_result(request: Request, task_id: str, c: Container, who: Any, form: dict[str, str]) -> Response:
    task = _task(c, task_id, who)
    try:
        body = schemas.ResultIn.model_validate(_result_body(form, list(task["check_items"])))
        routes_tasks.record_result(task_id, body, c, who)
    except ValidationError as exc:
        return _render_task(request, c, task, errors=form_errors(exc, _RESULT_FIELDS), values=form, status=422)
    except SocregError as exc:
        return _render_task(request, c, task, errors=refusal(exc, default="outcome"), values=form,
                            status=exc.status)
    return done(f"/inspection/web/tasks/{task_id}", "task.recorded")


# --------------------------------------------------------------------------------- rectifications

def _render_review(request: Request, c: Container, rect: dict[str, Any], *, errors: dict[str, str] | None = None,
                   status: int = 200, done_msg: str | None = None) -> Response:
    return pages.render(request, "review.html", title=f"{pages.t(request, 'review.title')} · {rect['number']}",
                        status=status, rect=rect, errors=errors or {}, done=done_msg, today=c.clock.today())


@router.get("/inspection/web/rectifications/{rectification_id}")
def review_page(request: Request, rectification_id: IdPath, c: Container,
                flash: Flash = None) -> Response:
    who = require_page_role(request, "inspector")
    rect = routes_tasks.get_rectification(rectification_id, c, who)
    return _render_review(request, c, rect, done_msg=done_key(flash))


@router.post("/inspection/web/rectifications/{rectification_id}/review")
def review(request: Request, rectification_id: IdPath, c: Container, csrf: Annotated[str, Form()] = "",
           decision: Annotated[str, Form(max_length=10)] = "",
           note: Annotated[str, Form(max_length=20_000)] = "") -> Response:
    who = require_page_role(request, "inspector")
    check_csrf(request, csrf)
    try:
        body = schemas.ReviewIn.model_validate({"decision": decision, "note": note or None})
        rectifications.review(commands.ReviewRectification(rectification_id, body.decision == "accept", body.note,
                                                           who.username), c.uow(), c.policy)
    except ValidationError as exc:
        rect = routes_tasks.get_rectification(rectification_id, c, who)
        return _render_review(request, c, rect, errors=form_errors(exc), status=422)
    except SocregError as exc:
        rect = routes_tasks.get_rectification(rectification_id, c, who)
        return _render_review(request, c, rect, errors=refusal(exc, default="decision"), status=exc.status)
    return done(f"/inspection/web/rectifications/{rectification_id}", "review.done")
