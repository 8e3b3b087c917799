"""Penalties (行政处罚, R2.4): warning, fine, confiscation, suspension. A penalty is imposed only when a
two-person proposal is approved (handlers/sanctions.py); revocation is the registry's act, asked for by a
revocation request."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.inspection.domain import commands, rules
from services.inspection.domain.model import DirectoryEntry, Penalty, new_id
from services.inspection.service_layer.ports import UnitOfWork
from shared.errors import NotFound


def impose(uow: UnitOfWork, org: DirectoryEntry, cmd: commands.ImposePenalty, *, approved_by: str) -> Penalty:
    """Inside an open unit of work: the approved penalty takes effect (its rules checked again)."""
    today = uow.clock.today()
    rules.check_penalty(cmd.kind, cmd.amount, cmd.period_days, cmd.effective_on, org, today)
    ends = cmd.effective_on + timedelta(days=cmd.period_days) if cmd.kind == "suspension" and cmd.period_days else None
    penalty = Penalty(new_id("PE"), org.uscc, org.name, cmd.kind, cmd.legal_basis, cmd.effective_on, today, cmd.by,
                      cmd.facts, cmd.decision_number, cmd.amount, cmd.period_days, ends, cmd.task_id,
                      approved_by=approved_by, recorded_at=uow.clock.now())
    uow.penalties.add(penalty)
    org.add_risk("penalized")
    uow.publish("inspection.penalty.imposed", org.uscc, _event(penalty))
    return penalty


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
            "task_id": p.task_id, "decided_on": p.decided_on.isoformat()}
