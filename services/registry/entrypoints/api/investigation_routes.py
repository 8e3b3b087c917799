"""Investigations (立案调查) recorded by the registrar (R9.3, L39 art. 7(4)): while one is open the
organization is not evaluated (409 naming the rule on POST .../ratings). Not public: registrars and
inspectors only. Each route: check who asks, build a command, call its handler."""
from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Path, Response, status

from services.registry.adapters import report_views
from services.registry.domain import uscc as uscc_rules
from services.registry.domain.investigation import Investigation
from services.registry.domain.report_commands import CloseInvestigation, RecordInvestigation
from services.registry.entrypoints.api import report_schemas as schemas
from services.registry.entrypoints.api.deps import Container, UsccPath
from services.registry.service_layer import investigations as handlers
from shared.errors import NotFound
from shared.web import CurrentPrincipal

investigation_router = APIRouter(tags=["annual reports and ratings"])
CASES = "/registry/organizations/{uscc}/investigations"
CaseId = Annotated[int, Path(ge=1, le=2**62)]


def _present(case: Investigation | Any, today: Any) -> dict[str, Any]:
    keys = ("id", "uscc", "opened_on", "authority", "case_number", "legal_basis", "recorded_by", "closed_on",
            "outcome", "closed_by")
    row = {k: getattr(case, k) for k in keys}
    open_today = row["opened_on"] <= today and (row["closed_on"] is None or today < row["closed_on"])
    return {**row, "open_today": open_today}


@investigation_router.post(CASES, status_code=status.HTTP_201_CREATED, response_model=schemas.InvestigationOut)
async def record(uscc: UsccPath, body: schemas.InvestigationIn, c: Container, who: CurrentPrincipal,
                 response: Response) -> dict[str, Any]:
    """Record a case opened against the organization (the same case twice: 409)."""
    who.require("registrar")
    cmd = RecordInvestigation(uscc, body.opened_on, body.authority, body.case_number, body.legal_basis, who.username)
    case = await to_thread.run_sync(handlers.record_investigation, cmd, c.uow(), limiter=c.write_limiter)
    response.headers["Location"] = f"/registry/organizations/{case.uscc}/investigations"
    return _present(case, c.clock.today())


@investigation_router.post(CASES + "/{case_id}/closure", response_model=schemas.InvestigationOut)
async def close(uscc: UsccPath, case_id: CaseId, body: schemas.InvestigationClosureIn, c: Container,
                who: CurrentPrincipal) -> dict[str, Any]:
    """The case ended (closed once: a second closure is 409)."""
    who.require("registrar")
    cmd = CloseInvestigation(uscc, case_id, body.closed_on, body.outcome, who.username)
    case = await to_thread.run_sync(handlers.close_investigation, cmd, c.uow(), limiter=c.write_limiter)
    return _present(case, c.clock.today())


@investigation_router.get(CASES, response_model=schemas.InvestigationsOut)
def list_cases(uscc: UsccPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """Every case recorded, oldest first, and whether it is open today (registrars and inspectors)."""
    who.require("registrar", "inspector")
    with c.db.read_session() as session:
        facts = report_views.organization_facts(session, uscc_rules.normalize(uscc))
        if facts is None:
            raise NotFound(f"no organization with USCC {uscc}")
        rows = report_views.investigations_of(session, facts.uscc)
    today = c.clock.today()
    return {"uscc": facts.uscc, "items": [_present(r, today) for r in rows]}
