"""Revocation as a two-person decision (issue 12): the registrars' queue of revocation requests from
inspections, the approvers' queue of proposals, and the decision on each. POST …/revocation answers 202
with a proposal; the organization is revoked, and registry.organization.revoked leaves, only when an
approver who is not the proposer approves it here."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict

from services.registry.adapters.orm import sanction_proposals
from services.registry.adapters.sanction_repository import request_page
from services.registry.domain import commands
from services.registry.domain import uscc as uscc_rules
from services.registry.entrypoints.api import schemas
from services.registry.entrypoints.api.deps import Container, UsccPath
from services.registry.service_layer import sanctions
from shared.decision_store import proposal_page, proposal_view
from shared.decisions import Proposal, ensure_approver
from shared.errors import NotFound
from shared.schema_types import LongText, ShortText
from shared.web import CurrentPrincipal

router = APIRouter(tags=["sanctions (two-person decisions)"])
READERS = ("registrar", "inspector", "approver")
ProposalId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9\-]+$")]
PageQ = Annotated[int, Query(ge=1, le=100_000)]
SizeQ = Annotated[int, Query(ge=1, le=500)]
UsccQ = Annotated[str | None, Query(min_length=18, max_length=18, pattern=r"^[0-9A-Z]{18}$")]


class ApprovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: ShortText | None = None


class RejectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: LongText


class WithdrawalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: LongText | None = None


def _view(c: Container, proposal_id: str) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = proposal_view(session, sanction_proposals, proposal_id)
    if found is None:
        raise NotFound(f"no sanction proposal {proposal_id}")
    return found


def _answer(c: Container, proposal: Proposal, response: Response) -> dict[str, Any]:
    response.headers["Location"] = f"/registry/sanctions/{proposal.id}"
    return _view(c, proposal.id)


@router.post("/registry/organizations/{uscc}/revocation", status_code=status.HTTP_202_ACCEPTED)
def revocation(uscc: UsccPath, body: schemas.RevocationIn, c: Container, who: CurrentPrincipal,
               response: Response) -> dict[str, Any]:
    """撤销登记 (R2.4), proposed by a registrar: 202 with the proposal. The organization is revoked, and
    registry.organization.revoked leaves, only when an approver other than you approves it
    (POST /registry/sanctions/{id}/approval). `request_id` names the inspection's revocation request it acts on
    (GET /registry/revocation-requests). Not dated before the registration nor in the future."""
    who.require("registrar")
    cmd = commands.Revoke(uscc_rules.normalize(uscc), body.legal_basis, who.username, body.decision_number,
                          body.effective_on)
    return _answer(c, sanctions.propose_revocation(cmd, who.role, c.uow(), body.request_id), response)


@router.get("/registry/revocation-requests")
def revocation_requests(c: Container, who: CurrentPrincipal, page: PageQ = 1, size: SizeQ = 50,
                        state: Literal["open", "proposed", "revoked"] | None = "open",
                        uscc: UsccQ = None) -> dict[str, Any]:
    """Revocation requests sent by inspections (inspection.revocation.requested), for a registrar to propose."""
    who.require(*READERS)
    with c.db.read_session() as session:
        return request_page(session, state, uscc, page, size)


@router.get("/registry/sanctions")
def list_sanctions(c: Container, who: CurrentPrincipal, page: PageQ = 1, size: SizeQ = 50,
                   state: Literal["proposed", "approved", "rejected", "withdrawn"] | None = None,
                   uscc: UsccQ = None) -> dict[str, Any]:
    """Revocation proposals, newest first; `state=proposed` is the approvers' queue."""
    who.require(*READERS)
    with c.db.read_session() as session:
        return proposal_page(session, sanction_proposals, page=page, size=size, state=state, uscc=uscc)


@router.get("/registry/sanctions/{proposal_id}")
def get_sanction(proposal_id: ProposalId, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """One proposal: what, by whom and when, and its decision."""
    who.require(*READERS)
    return _view(c, proposal_id)


@router.post("/registry/sanctions/{proposal_id}/approval")
def approve(proposal_id: ProposalId, c: Container, who: CurrentPrincipal,
            body: ApprovalIn | None = None) -> dict[str, Any]:
    """An approver approves: the organization is revoked now (403 if you proposed it or are not an approver;
    409 if it was decided already or its rules no longer hold)."""
    ensure_approver(who.role)
    sanctions.approve(proposal_id, who.username, who.role, body.note if body else None, c.uow())
    return _view(c, proposal_id)


@router.post("/registry/sanctions/{proposal_id}/rejection")
def reject(proposal_id: ProposalId, body: RejectionIn, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """An approver refuses, with the reason; nothing is revoked (a request behind it waits again)."""
    ensure_approver(who.role)
    sanctions.reject(proposal_id, who.username, who.role, body.reason, c.uow())
    return _view(c, proposal_id)


@router.post("/registry/sanctions/{proposal_id}/withdrawal")
def withdraw(proposal_id: ProposalId, c: Container, who: CurrentPrincipal,
             body: WithdrawalIn | None = None) -> dict[str, Any]:
    """The proposer withdraws a proposal not yet decided."""
    who.require(*READERS)
    sanctions.withdraw(proposal_id, who.username, body.reason if body else None, c.uow())
    return _view(c, proposal_id)
