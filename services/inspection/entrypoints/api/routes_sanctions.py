"""Two-person sanctions (issue 12): the approvers' queue and the decision on each proposal
(shared/decision_routes.py), on the inspection service's proposals.

POST /inspection/penalties, a task result with a penalty, POST /inspection/credit-lists/{list}/entries,
POST …/removal and the approval of a credit application answer 202 with a proposal; nothing happens and
no event leaves until an approver who is not the proposer approves it here."""
from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from services.inspection.adapters.orm import sanction_proposals
from services.inspection.bootstrap import InspectionContainer
from services.inspection.service_layer.handlers import sanctions
from shared.auth import Principal
from shared.decision_routes import DecisionApi, decision_router
from shared.decision_store import proposal_view
from shared.decisions import Proposal


def _c(request: Request) -> InspectionContainer:
    return request.app.state.inspection


def _approve(request: Request, pid: str, who: Principal, note: str | None) -> Proposal:
    return sanctions.approve(pid, who.username, who.role, note, _c(request).uow(), _c(request).credit_policy)


def _reject(request: Request, pid: str, who: Principal, reason: str) -> Proposal:
    return sanctions.reject(pid, who.username, who.role, reason, _c(request).uow())


def _withdraw(request: Request, pid: str, who: Principal, reason: str | None) -> Proposal:
    return sanctions.withdraw(pid, who.username, reason, _c(request).uow())


API = DecisionApi("/inspection/sanctions", sanction_proposals, lambda r: _c(r).db.read_session(), _approve, _reject,
                  _withdraw, "the penalty, the list change or the application's removal takes effect now, with its "
                             "events")
router = decision_router(API, ["sanctions (two-person decisions)"])


def proposal_answer(c: InspectionContainer, proposal: Proposal, response: Response) -> dict[str, Any]:
    """The 202 answer of a proposing route: the proposal, and where to follow it."""
    response.headers["Location"] = f"{API.base}/{proposal.id}"
    with c.db.read_session() as session:
        found = proposal_view(session, sanction_proposals, proposal.id)
    assert found is not None  # written by a committed transaction
    return found
