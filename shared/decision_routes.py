"""The HTTP side of two-person decisions (shared/decisions.py), the same in every service that decides
sanctions: the queue of proposals, one proposal, and the approver's approval or rejection or the proposer's
withdrawal. A service gives its base path, its proposals table, how to reach its database from a request,
and its decision handlers."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Table

from shared.auth import Principal
from shared.decision_store import proposal_page, proposal_view
from shared.decisions import Proposal, ensure_approver
from shared.errors import NotFound
from shared.schema_types import LongText, ShortText
from shared.web import CurrentPrincipal

READERS = ("inspector", "registrar", "approver")
ProposalId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9\-]+$")]
PageQ = Annotated[int, Query(ge=1, le=100_000)]
SizeQ = Annotated[int, Query(ge=1, le=500)]
UsccQ = Annotated[str | None, Query(min_length=18, max_length=18, pattern=r"^[0-9A-Z]{18}$")]
KindQ = Annotated[str | None, Query(pattern=r"^[a-z_]{1,30}$", description="e.g. penalty, list_inclusion, revocation")]
State = Annotated[Literal["proposed", "approved", "rejected", "withdrawn"] | None,
                  Query(description="proposed: the approvers' queue")]


class ApprovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: ShortText | None = None


class RejectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: LongText


class WithdrawalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: LongText | None = None


Decider = Callable[[Request, str, Principal, str | None], Proposal]


@dataclass(frozen=True)
class DecisionApi:
    base: str  # e.g. /inspection/sanctions
    table: Table
    read_session: Callable[[Request], Any]  # a context manager of a read session on the service's database
    approve: Decider
    reject: Callable[[Request, str, Principal, str], Proposal]
    withdraw: Decider
    what: str  # e.g. "the act takes effect now, with its events"

    def view(self, request: Request, proposal_id: str) -> dict[str, Any]:
        with self.read_session(request) as session:
            found = proposal_view(session, self.table, proposal_id)
        if found is None:
            raise NotFound(f"no sanction proposal {proposal_id}")
        return found

    def answer(self, request: Request, proposal: Proposal, response: Response) -> dict[str, Any]:
        """The 202 answer of a proposing route: the proposal, and where to follow it."""
        response.headers["Location"] = f"{self.base}/{proposal.id}"
        return self.view(request, proposal.id)


def decision_router(api: DecisionApi, tags: list[str]) -> APIRouter:  # noqa: C901 - one route each
    router = APIRouter(tags=tags)  # type: ignore[arg-type]

    @router.get(api.base, summary="sanction proposals, newest first")
    def list_sanctions(request: Request, who: CurrentPrincipal, page: PageQ = 1, size: SizeQ = 50,
                       state: State = None, uscc: UsccQ = None, kind: KindQ = None) -> dict[str, Any]:
        """Sanction proposals, newest first (registrars, inspectors, approvers); `state=proposed` is the queue of
        what awaits an approver's decision."""
        who.require(*READERS)
        with api.read_session(request) as session:
            return proposal_page(session, api.table, page=page, size=size, state=state, uscc=uscc, kind=kind)

    @router.get(api.base + "/{proposal_id}", summary="one sanction proposal")
    def get_sanction(request: Request, proposal_id: ProposalId, who: CurrentPrincipal) -> dict[str, Any]:
        """What is proposed, by whom and when, dated when (late: recorded after the 5 working days of R8.1.2,
        with the reason), and its decision."""
        who.require(*READERS)
        return api.view(request, proposal_id)

    @router.post(api.base + "/{proposal_id}/approval", summary="approve (approver, not the proposer)")
    def approve(request: Request, proposal_id: ProposalId, who: CurrentPrincipal,
                body: ApprovalIn | None = None) -> dict[str, Any]:
        ensure_approver(who.role)
        api.approve(request, proposal_id, who, body.note if body else None)
        return api.view(request, proposal_id)

    approve.__doc__ = (f"An approver approves: {api.what} (403 if you proposed it or are not an approver; "
                       "409 if it was decided already or its rules no longer hold).")

    @router.post(api.base + "/{proposal_id}/rejection", summary="reject, with the reason (approver)")
    def reject(request: Request, proposal_id: ProposalId, body: RejectionIn, who: CurrentPrincipal) -> dict[str, Any]:
        """An approver refuses the proposal, with the reason; nothing happens."""
        ensure_approver(who.role)
        api.reject(request, proposal_id, who, body.reason)
        return api.view(request, proposal_id)

    @router.post(api.base + "/{proposal_id}/withdrawal", summary="withdraw (the proposer)")
    def withdraw(request: Request, proposal_id: ProposalId, who: CurrentPrincipal,
                 body: WithdrawalIn | None = None) -> dict[str, Any]:
        """The proposer withdraws a proposal not yet decided."""
        who.require(*READERS)
        api.withdraw(request, proposal_id, who, body.reason if body else None)
        return api.view(request, proposal_id)

    return router
