"""Two-person sanctions (issue 12): the approvers' queue and the decision on each proposal.

POST /inspection/penalties, a task result with a penalty, POST /inspection/credit-lists/{list}/entries,
POST …/removal and the approval of a credit application answer 202 with a proposal; nothing happens and
no event leaves until an approver who is not the proposer approves it here."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict

from services.inspection.adapters.orm import sanction_proposals
from services.inspection.entrypoints.api.deps import Container, IdPath, Page, Size, UsccQuery
from services.inspection.service_layer.handlers import sanctions
from shared.auth import Principal
from shared.decision_store import proposal_page, proposal_view
from shared.decisions import Proposal, ensure_approver
from shared.errors import NotFound
from shared.schema_types import LongText, ShortText
from shared.web import CurrentPrincipal

router = APIRouter(tags=["sanctions (two-person decisions)"])
READERS = ("inspector", "registrar", "approver")
State = Literal["proposed", "approved", "rejected", "withdrawn"]
Kind = Literal["penalty", "list_inclusion", "list_removal", "application_approval"]


class ApprovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: ShortText | None = None


class RejectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: LongText


class WithdrawalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: LongText | None = None


def proposal_answer(c: Container, proposal: Proposal, response: Response) -> dict[str, Any]:
    """The 202 answer of a proposing route: the proposal, and where to follow it."""
    response.headers["Location"] = f"/inspection/sanctions/{proposal.id}"
    return _view(c, proposal.id)


def _view(c: Container, proposal_id: str) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = proposal_view(session, sanction_proposals, proposal_id)
    if found is None:
        raise NotFound(f"no sanction proposal {proposal_id}")
    return found


def _staff(who: Principal) -> Principal:
    return who.require(*READERS)


@router.get("/inspection/sanctions")
def list_sanctions(c: Container, who: CurrentPrincipal, page: Page = 1, size: Size = 50,
                   state: Annotated[State | None, Query(description="proposed: the approvers' queue")] = None,
                   kind: Kind | None = None, uscc: UsccQuery = None) -> dict[str, Any]:
    """Sanction proposals, newest first (inspectors, registrars, approvers). `state=proposed` is the queue of
    what awaits an approver's decision."""
    _staff(who)
    with c.db.read_session() as session:
        return proposal_page(session, sanction_proposals, page=page, size=size, state=state, uscc=uscc, kind=kind)


@router.get("/inspection/sanctions/{proposal_id}")
def get_sanction(proposal_id: IdPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """One proposal: what is proposed, by whom and when, dated when (late: recorded after the 5 working days
    of R8.1.2, with the reason), and its decision."""
    _staff(who)
    return _view(c, proposal_id)


@router.post("/inspection/sanctions/{proposal_id}/approval")
def approve(proposal_id: IdPath, c: Container, who: CurrentPrincipal, body: ApprovalIn | None = None) -> dict[str, Any]:
    """An approver approves: the act takes effect now, with its events (403 if you proposed it or are not an
    approver; 409 if it was decided already or its rules no longer hold)."""
    ensure_approver(who.role)
    sanctions.approve(proposal_id, who.username, who.role, body.note if body else None, c.uow(), c.credit_policy)
    return _view(c, proposal_id)


@router.post("/inspection/sanctions/{proposal_id}/rejection")
def reject(proposal_id: IdPath, body: RejectionIn, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """An approver refuses the proposal, with the reason; nothing happens."""
    ensure_approver(who.role)
    sanctions.reject(proposal_id, who.username, who.role, body.reason, c.uow())
    return _view(c, proposal_id)


@router.post("/inspection/sanctions/{proposal_id}/withdrawal")
def withdraw(proposal_id: IdPath, c: Container, who: CurrentPrincipal,
             body: WithdrawalIn | None = None) -> dict[str, Any]:
    """The proposer withdraws a proposal not yet decided."""
    _staff(who)
    sanctions.withdraw(proposal_id, who.username, body.reason if body else None, c.uow())
    return _view(c, proposal_id)
