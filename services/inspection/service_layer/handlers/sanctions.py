"""Two-person sanctions in the inspection service (issue 12): an inspector (or a registrar, for an
application) proposes; an approver who is not the proposer approves; only then does the act happen, in
the approval's transaction, with its events. Proposing checks the act's rules so a proposal that could
never take effect is refused at once; approving checks them again.

A penalty of kind revocation is not the inspection service's act: it becomes a revocation request sent
to the registry (inspection.revocation.requested), where a registrar proposes the revocation and an
approver approves it (R2.4, SHT art. 30, MFQ art. 25, JJH art. 42)."""
from __future__ import annotations

from datetime import date
from typing import Any

from services.inspection.domain import rules
from services.inspection.domain import sanctions as s
from services.inspection.domain.commands import ImposePenalty
from services.inspection.domain.credit_commands import Decide, IncludeManually, RemoveEntry
from services.inspection.domain.credit_policy import CreditPolicy
from services.inspection.domain.model import DirectoryEntry, Task
from services.inspection.domain.penalty_decision import check_decision
from services.inspection.service_layer.handlers import acting, credit_actions, penalties
from services.inspection.service_layer.ports import UnitOfWork
from shared.decisions import Proposal, decide, proposal_id
from shared.errors import InvalidInput, RuleViolation


def propose_penalty(cmd: ImposePenalty, role: str, uow: UnitOfWork, policy: rules.Policy) -> Proposal:
    with uow:
        org = penalties.load_organization(uow, cmd.uscc)
        if cmd.task_id is not None:
            task = uow.tasks.get(cmd.task_id)
            if task is None or task.uscc != org.uscc:
                raise InvalidInput(f"task {cmd.task_id} is not an inspection of {org.uscc}", rule="penalty.task")
            acting.acting_member(uow, task, cmd.by, policy)  # a penalty on a task: by its drawn inspectors only
        proposal = add_penalty_proposal(uow, org, cmd, role, policy)
        uow.commit()
    return proposal


def add_penalty_proposal(uow: UnitOfWork, org: DirectoryEntry, cmd: ImposePenalty, role: str,
                         policy: rules.Policy) -> Proposal:
    """Inside an open unit of work (also used when a task's outcome is a penalty). A decision whose only
    measure is a revocation is a request to the registry instead (request_revocation)."""
    if {m.kind for m in cmd.all_measures()} == {"revocation"}:
        raise InvalidInput("revocation (撤销登记) is the registry's decision: send a revocation request",
                           rule="R2.4 revocation is decided by the registration authority")
    check_decision(cmd, org, uow.clock.today())
    return _propose(uow, s.PENALTY, org, s.payload_of(cmd), cmd.effective_on, cmd.by, role,
                    s.penalty_summary(cmd, org.name), policy, cmd.late_reason, {"task_id": cmd.task_id})


def request_revocation(cmd: ImposePenalty, uow: UnitOfWork) -> dict[str, Any]:
    """The inspector's finding that the organization should be revoked goes to the registry as a request."""
    with uow:
        org = penalties.load_organization(uow, cmd.uscc)
        request = penalties.publish_revocation_request(uow, org, cmd)
        uow.commit()
    return {**request, "requested_by": cmd.by, "state": "sent to the registry",
            "next": "a registrar proposes the revocation at the registry and an approver approves it"}


def propose_inclusion(cmd: IncludeManually, role: str, uow: UnitOfWork, policy: rules.Policy,
                      credit_policy: CreditPolicy, late_reason: str | None = None) -> Proposal:
    with uow:
        org = credit_actions.check_inclusion(uow, cmd, credit_policy)
        on = cmd.included_on or uow.clock.today()
        proposal = _propose(uow, s.INCLUSION, org, s.payload_of(cmd), on, cmd.by, role,
                            s.inclusion_summary(cmd, org.name), policy, late_reason)
        uow.commit()
    return proposal


def propose_removal(cmd: RemoveEntry, role: str, uow: UnitOfWork, policy: rules.Policy,
                    credit_policy: CreditPolicy) -> Proposal:
    with uow:
        uscc, _ = credit_actions.check_removal(uow, cmd, credit_policy)
        org = penalties.load_organization(uow, uscc)
        proposal = _propose(uow, s.REMOVAL, org, s.payload_of(cmd), uow.clock.today(), cmd.by, role,
                            s.removal_summary(cmd, org.name), policy, None, {"entry_id": cmd.entry_id})
        uow.commit()
    return proposal


def propose_application_approval(cmd: Decide, role: str, uow: UnitOfWork, policy: rules.Policy,
                                 credit_policy: CreditPolicy | None = None) -> Proposal:
    with uow:
        app = credit_actions.pending_application(uow, cmd.application_id, cmd.kind)
        if any(p.payload.get("application_id") == app["id"] for p in uow.proposals.open_for(app["uscc"], s.APPLICATION)):
            raise RuleViolation(f"application {app['id']} already awaits approval", rule="four-eyes: one open proposal")
        org = penalties.load_organization(uow, app["uscc"])
        credit_actions.check_approval(uow, app, cmd, credit_policy)  # an objection's corrections (R8.4.4)
        proposal = _propose(uow, s.APPLICATION, org, s.payload_of(cmd), uow.clock.today(), cmd.by, role,
                            s.application_summary(app, org.name, cmd.void_cause), policy, None,
                            {"application_id": app["id"]})
        uow.commit()
    return proposal


def _propose(uow: UnitOfWork, kind: str, org: DirectoryEntry, payload: dict[str, Any], on: date, by: str, role: str,
             summary: str, policy: rules.Policy, late_reason: str | None,
             links: dict[str, Any] | None = None) -> Proposal:
    today = uow.clock.today()
    late = s.is_late(on, today, policy.entry_working_days, policy.holidays)
    s.require_late_reason(late, late_reason)
    proposal = Proposal(proposal_id(), kind, org.uscc, org.name, payload, on, by, role, uow.clock.now(), summary,
                        late, late_reason if late else None, links={k: v for k, v in (links or {}).items() if v})
    uow.proposals.add(proposal)
    return proposal


# ------------------------------------------------------------------------------------------ decisions


def approve(proposal_id: str, by: str, role: str, note: str | None, uow: UnitOfWork,
            credit_policy: CreditPolicy) -> Proposal:
    def act(proposal: Proposal) -> None:
        proposal.ensure_approvable_by(by, role)  # before anything of the act is done
        proposal.approve(by, role, uow.clock.now(), note, _carry_out(uow, proposal, by, credit_policy))
    return decide(uow, proposal_id, act)


def reject(proposal_id: str, by: str, role: str, reason: str, uow: UnitOfWork) -> Proposal:
    return decide(uow, proposal_id, lambda p: p.reject(by, role, uow.clock.now(), reason))


def withdraw(proposal_id: str, by: str, reason: str | None, uow: UnitOfWork) -> Proposal:
    return decide(uow, proposal_id, lambda p: p.withdraw(by, uow.clock.now(), reason))


def _carry_out(uow: UnitOfWork, p: Proposal, approver: str, credit_policy: CreditPolicy) -> str:
    """The approved act, in the approval's transaction: its id (penalty, entry or application)."""
    cmd = s.command_of(p.kind, p.payload)
    if p.kind == s.PENALTY:
        org = penalties.load_organization(uow, p.uscc)
        penalty = penalties.impose(uow, org, cmd, approved_by=approver)
        if penalty is None:
            return "revocation-requested"
        if cmd.task_id is not None and (task := uow.tasks.get(cmd.task_id)) is not None:
            _link_penalty(task, penalty.id)
        return penalty.id
    if p.kind == s.INCLUSION:
        return credit_actions.include_in(uow, cmd, credit_policy, approver).id
    if p.kind == s.REMOVAL:
        return credit_actions.remove_in(uow, cmd, credit_policy, approver).id
    return str(credit_actions.approve_in(uow, cmd, credit_policy, approver)["id"])


def _link_penalty(task: Task, penalty_id: str) -> None:
    task.penalty_id = penalty_id
