"""The pages of two-person decisions (shared/decisions.py), the same in every service that decides
sanctions: the queue of proposals and one proposal with the approver's approve/reject form and the
proposer's withdrawal. Each service gives its URL prefix, how to read its proposals and its handlers."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from shared.auth import Principal
from shared.decision_routes import DecisionApi
from shared.decision_store import proposal_page, proposal_view
from shared.errors import NotFound, SocregError
from shared.webui.pages import Pages, page_router
from shared.webui.session import check_csrf, require_page_role

MESSAGES: dict[str, tuple[str, str]] = {
    "sanction.queue": ("待审批的处罚与名单决定", "Sanctions awaiting approval"),
    "sanction.all": ("全部决定", "All decisions"),
    "sanction.title": ("处罚与名单决定", "Sanction decision"),
    "sanction.intro": ("处罚、撤销登记、手动列入或移出名单须由一人提出、另一名审批人批准后才生效（四眼原则）。",
                       "A penalty, a revocation or a manual list change takes effect only when a person other than "
                       "the proposer, holding the approver role, approves it (four eyes)."),
    "sanction.none": ("暂无。", "None."),
    "sanction.caption": ("决定（最新在前）", "Decisions, newest first"),
    "sanction.kind": ("事项", "What"),
    "sanction.summary": ("内容", "Summary"),
    "sanction.org": ("社会组织", "Organization"),
    "sanction.effective_on": ("生效日期", "Effective on"),
    "sanction.proposed_by": ("提出人", "Proposed by"),
    "sanction.proposed_at": ("提出时间", "Proposed at"),
    "sanction.state": ("状态", "State"),
    "sanction.state.proposed": ("待审批", "Awaiting approval"),
    "sanction.state.approved": ("已批准生效", "Approved, in effect"),
    "sanction.state.rejected": ("未批准", "Rejected"),
    "sanction.state.withdrawn": ("已撤回", "Withdrawn"),
    "sanction.late": ("逾期录入", "Recorded late"),
    "sanction.late_reason": ("逾期录入原因", "Why recorded late"),
    "sanction.decided_by": ("审批人", "Decided by"),
    "sanction.decided_at": ("审批时间", "Decided at"),
    "sanction.note": ("审批意见", "Decision note"),
    "sanction.result": ("生效记录", "Resulting record"),
    "sanction.approve": ("批准", "Approve"),
    "sanction.reject": ("不批准", "Reject"),
    "sanction.reason": ("理由", "Reason"),
    "sanction.reason_hint": ("审批意见（不批准时必填理由）", "Note (a reason is required to reject)"),
    "sanction.reason_required": ("不批准须说明理由。", "Say why you reject it."),
    "sanction.withdraw": ("撤回", "Withdraw"),
    "sanction.own": ("这是您提出的决定，须由另一名审批人审批。", "You proposed this; another approver must decide it."),
    "sanction.proposed": ("已提交，待另一名审批人批准后生效。", "Proposed; it takes effect when another approver approves it."),
    "sanction.decided": ("已记录审批结果。", "The decision was recorded."),
    "sanction.view": ("查看", "View"),
}
DONE = ("sanction.proposed", "sanction.decided")
READERS = ("inspector", "registrar", "approver")
Flash = Annotated[str | None, Query(alias="done", max_length=40)]
Text = Annotated[str, Form(max_length=20_000)]
ProposalId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9\-]+$")]


@dataclass(frozen=True)
class SanctionPages:
    """What a service gives: its page prefix (e.g. /inspection/web/sanctions), its proposals (a page, one),
    its decision handlers (request, proposal id, principal, text) and where a resulting record is shown."""

    prefix: str
    page: Callable[[Request, int, str | None], dict[str, Any]]
    one: Callable[[Request, str], dict[str, Any] | None]
    approve: Callable[[Request, str, Principal, str | None], None]
    reject: Callable[[Request, str, Principal, str], None]
    withdraw: Callable[[Request, str, Principal, str | None], None]
    result_url: Callable[[dict[str, Any]], str | None]


def pages_of(api: DecisionApi, prefix: str, kinds: Mapping[str, str],
             result_url: Callable[[dict[str, Any]], str | None]) -> SanctionPages:
    """The pages of a service's decisions, from its decision API (shared/decision_routes.py)."""
    def named(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "kind_zh": kinds.get(row["kind"], row["kind"])}

    def page(request: Request, n: int, state: str | None) -> dict[str, Any]:
        with api.read_session(request) as session:
            found = proposal_page(session, api.table, page=n, size=50, state=state)
        return {**found, "items": [named(r) for r in found["items"]]}

    def one(request: Request, proposal_id: str) -> dict[str, Any] | None:
        with api.read_session(request) as session:
            found = proposal_view(session, api.table, proposal_id)
        return None if found is None else named(found)

    return SanctionPages(prefix, page, one, api.approve, api.reject, api.withdraw, result_url)  # type: ignore[arg-type]


def sanction_router(spec: SanctionPages) -> APIRouter:
    pages = Pages(messages=MESSAGES)
    router = page_router()

    def show(request: Request, proposal_id: str, *, errors: dict[str, str] | None = None, status: int = 200,
             done: str | None = None) -> Response:
        found = spec.one(request, proposal_id)
        if found is None:
            raise NotFound(f"no sanction proposal {proposal_id}")
        return pages.render(request, "sanction.html", title=pages.t(request, "sanction.title"), status=status,
                            p=found, prefix=spec.prefix, result_url=spec.result_url(found), errors=errors or {},
                            done=done if done in DONE else None)

    @router.get(spec.prefix)
    def queue(request: Request, page: Annotated[int, Query(ge=1, le=10_000)] = 1,
              state: Annotated[str | None, Query(pattern="^(proposed|approved|rejected|withdrawn)$")] = "proposed"
              ) -> Response:
        require_page_role(request, *READERS)
        return pages.render(request, "sanctions.html", title=pages.t(request, "sanction.queue"),
                            found=spec.page(request, page, state), prefix=spec.prefix, state=state)

    @router.get(spec.prefix + "/{proposal_id}")
    def one(request: Request, proposal_id: ProposalId, flash: Flash = None) -> Response:
        require_page_role(request, *READERS)
        return show(request, proposal_id, done=flash)

    @router.post(spec.prefix + "/{proposal_id}/decision")
    def decide(request: Request, proposal_id: ProposalId, csrf: Annotated[str, Form()] = "",
               decision: Annotated[str, Form(max_length=10)] = "", reason: Text = "") -> Response:
        who = require_page_role(request, "approver", "inspector", "registrar")
        check_csrf(request, csrf)
        try:
            if decision == "approve":
                spec.approve(request, proposal_id, who, reason or None)
            elif decision == "reject" and reason.strip():
                spec.reject(request, proposal_id, who, reason)
            elif decision == "withdraw":
                spec.withdraw(request, proposal_id, who, reason or None)
            else:
                return show(request, proposal_id, errors={"reason": pages.t(request, "sanction.reason_required")},
                            status=422)
        except SocregError as exc:
            rule = f"（{exc.rule}）" if exc.rule else ""
            return show(request, proposal_id, errors={"reason": f"{exc.detail}{rule}"}, status=exc.status)
        return RedirectResponse(f"{spec.prefix}/{proposal_id}?done=sanction.decided", status_code=303)

    return router

