"""A foundation's board on file (R2.1.4, JJH arts 20-24) and the financial audits a 换届 or a change of
legal representative needs first (R5.1). Each route: check who asks, build a command, call its handler."""
from __future__ import annotations

from datetime import date
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Response, status

from services.registry.adapters import views
from services.registry.adapters.governance_repository import audits_of, governance_of
from services.registry.domain import uscc as uscc_rules
from services.registry.domain.audits import FinancialAudit
from services.registry.domain.commands import RecordAudit
from services.registry.domain.rules import years_before
from services.registry.entrypoints.api import governance_schemas as schemas
from services.registry.entrypoints.api.deps import Container, UsccPath
from services.registry.service_layer import governance as handlers
from shared.auth import Principal
from shared.errors import Forbidden, NotFound
from shared.web import CurrentPrincipal

governance_router = APIRouter(tags=["registry"])
ORG = "/registry/organizations/{uscc}"


def _known(c: Container, who: Principal, uscc: str) -> str:
    code = uscc_rules.normalize(uscc)
    if not who.may_see(code):
        raise Forbidden("an org account reaches only its own organization")
    with c.db.read_session() as session:
        if views.organization_record(session, code) is None:
            raise NotFound(f"no organization with USCC {uscc}")
    return code


def _audit(row: FinancialAudit | dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "uscc", "kind", "firm", "report_number", "issued_on", "recorded_by", "used_on", "used_for")
    return {k: row[k] if isinstance(row, dict) else getattr(row, k) for k in keys}


@governance_router.get(ORG + "/governance", response_model=schemas.GovernanceOut)
def governance(uscc: UsccPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """A foundation's board on file (理事会, 监事, term, meetings and quorum; JJH arts 20-24): as registered,
    or as the last 换届 or change left it, with the day its term started and when the next 换届 is due.
    Registrars, inspectors and the organization's own account."""
    code = _known(c, who, uscc)
    with c.db.read_session() as session:
        row = governance_of(session, code)
    if row is None:
        return {"uscc": code, "governance": None, "term_started_on": None, "term_ends_on": None,
                "recorded_by": None, "recorded_at": None}
    started: date = row["term_started_on"]
    ends = years_before(started, -int(row["term_years"]))
    return {"uscc": code, "governance": row["content"], "term_started_on": started, "term_ends_on": ends,
            "recorded_by": row["recorded_by"], "recorded_at": row["recorded_at"]}


@governance_router.post(ORG + "/audits", status_code=status.HTTP_201_CREATED, response_model=schemas.AuditOut)
async def record_audit(uscc: UsccPath, body: schemas.AuditIn, c: Container, who: CurrentPrincipal,
                       response: Response) -> dict[str, Any]:
    """Record a financial audit (registrar; R5.1): a 换届审计 (`general_election`) before a 换届, or a 离任审计
    (`departure`) of the outgoing legal representative. A 换届 of a social group or foundation, or a new
    legal representative of any organization, is accepted only with one issued within
    SOCREG_GOVERNANCE_AUDIT_WINDOW_DAYS before the change and not used by an earlier change (SHT art. 27,
    MFQ art. 22, JJH art. 37). The same report twice: 409; dated before the registration or in the future: 422."""
    who.require("registrar")
    cmd = RecordAudit(uscc, body.kind, body.firm, body.report_number, body.issued_on, who.username)
    audit = await to_thread.run_sync(handlers.record_audit, cmd, c.uow(), limiter=c.write_limiter)
    response.headers["Location"] = f"/registry/organizations/{audit.uscc}/audits"
    return _audit(audit)


@governance_router.get(ORG + "/audits", response_model=schemas.AuditsOut)
def list_audits(uscc: UsccPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """Every financial audit recorded for the organization, oldest first, and the change each one served
    (registrars, inspectors and the organization's own account)."""
    code = _known(c, who, uscc)
    with c.db.read_session() as session:
        rows = audits_of(session, code)
    return {"uscc": code, "window_days": c.policy.audit_window_days, "items": [_audit(r) for r in rows]}
