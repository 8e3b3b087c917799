"""The audit trail read by the `auditor` role: GET /{service}/audit (JSON) and /{service}/web/audit
(the page), for each service's own log, filtered by actor, target and period, newest first.

Only `auditor` reads it: not admin, not staff (separation of duties). Each service includes
`audit_router(<service>)`; the service's container is `app.state.<service>` and its `db` holds the log.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlencode
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from shared.audit import audit_log
from shared.clock import CHINA
from shared.errors import InvalidInput
from shared.web import CurrentPrincipal
from shared.webui import Pages, page_router, require_page_role

SERVICES = ("registry", "inspection", "search")
MESSAGES: dict[str, tuple[str, str]] = {
    "audit.title": ("审计日志（{service}）", "Audit trail ({service})"),
    "audit.intro": ("每一次写操作、每一次查阅个人信息（身份证号、电话）和每一次登录都记录在此，只追加、不可修改，"
                    "每条记录都带有前一条记录的哈希值。用 socreg audit verify 校验整条链。",
                    "Every write, every read of personal data (ID numbers, phones) and every sign-in is recorded "
                    "here, append-only, each record carrying the hash of the one before. "
                    "`socreg audit verify` checks the whole chain."),
    "audit.services": ("服务", "Services"),
    "audit.filters": ("筛选", "Filters"),
    "audit.actor": ("操作人", "Actor"),
    "audit.target": ("对象（统一社会信用代码或编号）", "Target (USCC or id)"),
    "audit.action": ("操作（包含）", "Action (contains)"),
    "audit.from": ("起始日期", "From"),
    "audit.to": ("截止日期", "To"),
    "audit.apply": ("筛选", "Filter"),
    "audit.caption": ("审计记录，最新的在前", "Audit records, newest first"),
    "audit.seq": ("序号", "Seq"),
    "audit.at": ("时间", "Recorded"),
    "audit.who": ("操作人（角色）", "Actor (role)"),
    "audit.what": ("操作", "Action"),
    "audit.on": ("对象", "Target"),
    "audit.request": ("请求号 · 地址", "Request id · address"),
    "audit.detail": ("详情", "Detail"),
    "audit.hash": ("哈希", "Hash"),
    "audit.none": ("没有符合条件的记录。", "No records match."),
    "audit.older": ("更早的记录", "Older records"),
    "audit.newest": ("回到最新", "Back to the newest"),
    "audit.bad_period": ("起始日期晚于截止日期。", "The start date is after the end date."),
    "audit.bad_date": ("请按 YYYY-MM-DD 填写日期。", "Give the date as YYYY-MM-DD."),
}
pages = Pages(Path(__file__).parent / "audit_templates", messages=MESSAGES)


class AuditRecordOut(BaseModel):
    seq: int
    at: datetime = Field(description="the instant the record was written (UTC)")
    actor: str = Field(description="username; the name tried for a sign-in; `cli:<os user>`, `scheduler`")
    role: str | None
    action: str = Field(description="`METHOD /route/{template}` for a write; `read personal data`; "
                                    "`sign in success` / `sign in failure`; `cli …`, `job …`")
    target_type: str | None
    target_id: str | None
    uscc: str | None
    request_id: str | None = Field(description="the X-Request-ID of the request (echoed in its answer)")
    client_address: str | None
    before_digest: str | None = Field(description="SHA-256 of the changed rows as they were")
    after_digest: str | None = Field(description="SHA-256 of the rows written and the events published")
    detail: dict[str, Any] | None = Field(description="event types and ids, rows, personal fields read, outcome")
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    items: list[AuditRecordOut]
    next_before: int | None = Field(description="pass as `before` for the next (older) page; null at the end")


Actor = Annotated[str | None, Query(max_length=200, description="exact username (or `cli:…`, `scheduler`)")]
Target = Annotated[str | None, Query(max_length=100, description="a USCC, or the id of the target (task, plan …)")]
Action = Annotated[str | None, Query(max_length=200, description="part of the action, e.g. `personal`, `sign in`")]
From = Annotated[date | None, Query(alias="from", description="first day (China time), inclusive")]
To = Annotated[date | None, Query(alias="to", description="last day (China time), inclusive")]
Before = Annotated[int | None, Query(ge=1, le=2**62, description="cursor: records with a smaller seq")]
Size = Annotated[int, Query(ge=1, le=500)]


def find(session: Session, *, actor: str | None = None, target: str | None = None, action: str | None = None,
         since: date | None = None, until: date | None = None, before: int | None = None,
         size: int = 50) -> dict[str, Any]:
    """Records matching the filters, newest first, `size` at most; `next_before` continues."""
    if since and until and since > until:
        raise InvalidInput("`from` is after `to`", rule="audit.period")
    query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(size + 1)
    if actor:
        query = query.where(audit_log.c.actor == actor)
    if target:
        query = query.where(or_(audit_log.c.target_id == target, audit_log.c.uscc == target.strip().upper()))
    if action:
        query = query.where(audit_log.c.action.contains(action, autoescape=True))
    if since:
        query = query.where(audit_log.c.at >= datetime.combine(since, time(), CHINA))
    if until:
        query = query.where(audit_log.c.at < datetime.combine(until + timedelta(days=1), time(), CHINA))
    if before:
        query = query.where(audit_log.c.seq < before)
    rows = [dict(r) for r in session.execute(query).mappings()]
    more = len(rows) > size
    items = rows[:size]
    return {"items": items, "next_before": items[-1]["seq"] if more and items else None}


def audit_router(service: str) -> APIRouter:
    """GET /{service}/audit and the page /{service}/web/audit, for `auditor` only."""
    router = APIRouter()
    router.include_router(_api(service))
    router.include_router(_page(service))
    return router


def _db(request: Request, service: str) -> Any:
    return getattr(request.app.state, service).db


def _api(service: str) -> APIRouter:
    router = APIRouter(tags=["audit"])

    @router.get(f"/{service}/audit", response_model=AuditPage, summary=f"the {service} audit trail (auditor)")
    def read_audit(request: Request, who: CurrentPrincipal, actor: Actor = None, target: Target = None,
                   action: Action = None, since: From = None, until: To = None, before: Before = None,
                   size: Size = 50) -> dict[str, Any]:
        """The service's append-only, hash-chained audit log, newest first: every write (actor, role,
        action, target, digests of the rows before and after, request id, client address, instant),
        every read of personal data, every sign-in success and failure. Only the `auditor` role reads
        it (403 for any other). Filters: `actor`, `target` (a USCC or an id), `action` (contains),
        `from`/`to` (days, China time); page with `before` = the previous answer's `next_before`."""
        who.require("auditor")
        with _db(request, service).read_session() as session:
            return find(session, actor=actor, target=target, action=action, since=since, until=until,
                        before=before, size=size)

    return router


def _page(service: str) -> APIRouter:
    router = page_router()

    @router.get(f"/{service}/web/audit")
    def audit_page(request: Request, actor: Actor = None, target: Target = None, action: Action = None,
                   since: Annotated[str | None, Query(alias="from", max_length=10)] = None,
                   until: Annotated[str | None, Query(alias="to", max_length=10)] = None,
                   before: Before = None) -> Response:
        require_page_role(request, "auditor")
        filters = {"actor": actor or "", "target": target or "", "action": action or "", "from": since or "",
                   "to": until or ""}
        errors: dict[str, str] = {}
        period = {key: _day(request, filters[key], key, errors) for key in ("from", "to")}
        if not errors and period["from"] and period["to"] and period["from"] > period["to"]:
            errors["to"] = pages.t(request, "audit.bad_period")
        found: dict[str, Any] = {"items": [], "next_before": None}
        if not errors:
            with _db(request, service).read_session() as session:
                found = find(session, actor=actor or None, target=target or None, action=action or None,
                             since=period["from"], until=period["to"], before=before, size=50)
        query = urlencode({k: v for k, v in filters.items() if v})
        return pages.render(request, "audit_log.html", title=pages.t(request, "audit.title", service=service),
                            status=422 if errors else 200, service=service, services=SERVICES, filters=filters,
                            errors=errors, found=found, before=before, base=f"/{service}/web/audit",
                            query=query)

    return router


def _day(request: Request, value: str, key: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[key] = pages.t(request, "audit.bad_date")
        return None
