"""Penalty decisions (行政处罚决定书, R2.4; issue 13 item 1): one decision may combine 警告, 罚款, 没收违法所得,
责令撤换, 限期停止活动 and 撤销登记. A decision is imposed only when a two-person proposal is approved
(handlers/sanctions.py); its revocation measure is the registry's act, asked for by a revocation request
in the same transaction. One decision is one inspection.penalty.imposed (its measures inside), so the
repeat rule of R8.3 and the downgrade of R9.6 count decisions, not measures."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.inspection.domain import commands
from services.inspection.domain import penalty_decision as decision
from services.inspection.domain.model import DirectoryEntry, Penalty, new_id
from services.inspection.domain.rules import check_penalty
from services.inspection.service_layer.ports import UnitOfWork
from shared.errors import NotFound


def impose(uow: UnitOfWork, org: DirectoryEntry, cmd: commands.ImposePenalty, *, approved_by: str) -> Penalty | None:
    """Inside an open unit of work: the approved decision takes effect (its rules checked again). None when its
    only measure is a revocation (then only the request to the registry leaves)."""
    today = uow.clock.today()
    decision.check_decision(cmd, org, today)
    measures = tuple(m for m in cmd.all_measures() if m.kind != "revocation")
    if len(measures) < len(cmd.all_measures()):
        publish_revocation_request(uow, org, cmd)
    if not measures:
        return None
    main = decision.primary(measures)
    ends = cmd.effective_on + timedelta(days=main.period_days) if main.kind == "suspension" and main.period_days else None
    penalty = Penalty(new_id("PE"), org.uscc, org.name, main.kind, cmd.legal_basis, cmd.effective_on, today, cmd.by,
                      cmd.facts, cmd.decision_number, main.amount, main.period_days, ends, cmd.task_id,
                      approved_by=approved_by, recorded_at=uow.clock.now(),
                      measures=decision.measures_data(measures))
    uow.penalties.add(penalty)
    org.add_risk("penalized")
    uow.publish("inspection.penalty.imposed", org.uscc, _event(penalty))
    return penalty


def publish_revocation_request(uow: UnitOfWork, org: DirectoryEntry, cmd: commands.ImposePenalty) -> dict[str, Any]:
    """Inside an open unit of work: inspection.revocation.requested; nothing is revoked by it (R2.4: the
    registry decides, a registrar proposing and an approver approving)."""
    today = uow.clock.today()
    check_penalty("warning", None, None, cmd.effective_on, org, today)  # dated within the organization's life
    request = {"uscc": org.uscc, "request_id": new_id("RR"), "legal_basis": cmd.legal_basis, "facts": cmd.facts,
               "found_on": cmd.effective_on.isoformat(), "requested_on": today.isoformat(), "task_id": cmd.task_id}
    uow.publish("inspection.revocation.requested", org.uscc, request)
    return request


def load_organization(uow: UnitOfWork, uscc: str) -> DirectoryEntry:
    org = uow.directory.get(uscc)
    if org is None:
        raise NotFound(f"no organization with USCC {uscc}")
    return org


def _event(p: Penalty) -> dict[str, Any]:
    return {"uscc": p.uscc, "penalty_id": p.id, "kind": p.kind,
            "amount": None if p.amount is None else str(p.amount), "period_days": p.period_days,
            "legal_basis": p.legal_basis, "effective_on": p.effective_on.isoformat(),
            "decision_number": p.decision_number,
            "suspension_ends_on": p.suspension_ends_on.isoformat() if p.suspension_ends_on else None,
            "task_id": p.task_id, "decided_on": p.decided_on.isoformat(), "measures": p.measures}
