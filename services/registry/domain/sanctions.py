"""The registry's two-person sanction (shared/decisions.py): revocation (撤销登记, R2.4; SHT art. 30,
MFQ art. 25, JJH art. 42). A registrar proposes it, on the registry's own findings or on a revocation
request from an inspection; an approver who is not the proposer approves it, and only then is the
organization revoked and registry.organization.revoked published."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from services.registry.domain.commands import Revoke

REVOCATION = "revocation"
KINDS = {REVOCATION: "撤销登记"}
REQUEST_STATES = ("open", "proposed", "revoked")


def payload_of(cmd: Revoke) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(cmd).items()}


def command_of(payload: dict[str, Any]) -> Revoke:
    on = payload.get("effective_on")
    return Revoke(payload["uscc"], payload["legal_basis"], payload["by"], payload.get("decision_number"),
                  date.fromisoformat(on) if on else None)


def summary(cmd: Revoke, org_name: str) -> str:
    number = f"，{cmd.decision_number}" if cmd.decision_number else ""
    return f"撤销{org_name}的登记（{cmd.legal_basis}{number}）"
