"""Revocation as a two-person decision (issue 12): a registrar proposes (on the registry's own findings
or on an inspection's request), an approver who is not the proposer approves, and only then is the
organization revoked, in the approval's transaction, with registry.organization.revoked."""
from __future__ import annotations

from typing import Any

from services.registry.domain import commands
from services.registry.domain import sanctions as s
from services.registry.service_layer import handlers
from services.registry.service_layer.ports import UnitOfWork
from shared.decisions import Proposal, decide, proposal_id
from shared.errors import NotFound, RuleViolation


def propose_revocation(cmd: commands.Revoke, role: str, uow: UnitOfWork, request_id: str | None = None) -> Proposal:
    with uow:
        org = handlers.check_revocation(uow, cmd)
        if uow.proposals.open_for(org.uscc, s.REVOCATION):
            raise RuleViolation(f"a revocation of {org.uscc} already awaits approval",
                                rule="four-eyes: one open proposal per act")
        if request_id is not None:
            _open_request(uow, request_id, org.uscc)
        on = cmd.effective_on or uow.clock.today()
        proposal = Proposal(proposal_id(), s.REVOCATION, org.uscc, org.name, s.payload_of(cmd), on,
                            cmd.by, role, uow.clock.now(), s.summary(cmd, org.name),
                            links={"request_id": request_id} if request_id else {})
        uow.proposals.add(proposal)
        if request_id is not None:
            uow.revocation_requests.set_state(request_id, "proposed", proposal.id)
        uow.commit()
    return proposal


def _open_request(uow: UnitOfWork, request_id: str, uscc: str) -> dict[str, Any]:
    request = uow.revocation_requests.get(request_id)
    if request is None or request["uscc"] != uscc:
        raise NotFound(f"no revocation request {request_id} about {uscc}")
    if request["state"] != "open":
        raise RuleViolation(f"revocation request {request_id} is {request['state']}", rule="revocation.request.open")
    return request


def approve(proposal_id: str, by: str, role: str, note: str | None, uow: UnitOfWork) -> Proposal:
    def act(proposal: Proposal) -> None:
        proposal.ensure_approvable_by(by, role)  # before anything of the act is done
        org = handlers.revoke_in(uow, s.command_of(proposal.payload), approved_by=by)
        uow.revocation_requests.close_for(org.uscc)
        proposal.approve(by, role, uow.clock.now(), note, org.uscc)
    return decide(uow, proposal_id, act)


def reject(proposal_id: str, by: str, role: str, reason: str, uow: UnitOfWork) -> Proposal:
    def act(proposal: Proposal) -> None:
        proposal.reject(by, role, uow.clock.now(), reason)
        _reopen(uow, proposal)
    return decide(uow, proposal_id, act)


def withdraw(proposal_id: str, by: str, reason: str | None, uow: UnitOfWork) -> Proposal:
    def act(proposal: Proposal) -> None:
        proposal.withdraw(by, uow.clock.now(), reason)
        _reopen(uow, proposal)
    return decide(uow, proposal_id, act)


def _reopen(uow: UnitOfWork, proposal: Proposal) -> None:
    """A request whose proposal was refused or withdrawn waits again for a registrar."""
    if (request_id := proposal.links.get("request_id")) is not None:
        uow.revocation_requests.set_state(request_id, "open", None)


def receive_request(uow: UnitOfWork, request: dict[str, Any]) -> None:
    """From inspection.revocation.requested (inside the consumer's unit of work): queued for a registrar."""
    uow.revocation_requests.add({**request, "state": "open", "proposal_id": None, "received_at": uow.clock.now()})
