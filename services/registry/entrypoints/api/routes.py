"""The registry paths of api.md. Each route: check who asks, build a command, call its handler."""
from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Query, Response, status

from services.registry.adapters import views
from services.registry.domain import commands
from services.registry.domain import uscc as uscc_rules
from services.registry.entrypoints.api import personal_data, schemas
from services.registry.entrypoints.api.auth_routes import auth_router
from services.registry.entrypoints.api.deps import Container, UsccPath
from services.registry.entrypoints.api.governance_routes import governance_router
from services.registry.service_layer import handlers
from shared.auth import Principal
from shared.errors import Forbidden, NotFound
from shared.web import CurrentPrincipal

router = APIRouter()
router.include_router(auth_router)  # /auth/token, /auth/logout, /auth/totp, /auth/accounts/{username}/unlock
router.include_router(governance_router)  # /registry/organizations/{uscc}/governance, .../audits
ORG = "/registry/organizations/{uscc}"


def _may_see(principal: Principal, uscc: str) -> None:
    if not principal.may_see(uscc_rules.normalize(uscc)):
        raise Forbidden("an org account reaches only its own organization")


def _record(c: Container, uscc: str) -> dict[str, Any]:
    with c.db.read_session() as session:
        record = views.organization_record(session, uscc_rules.normalize(uscc))
    if record is None:
        raise NotFound(f"no organization with USCC {uscc}")
    return record


@router.post("/registry/organizations", status_code=status.HTTP_201_CREATED,
             response_model=schemas.OrganizationOut, tags=["registry"])
async def register(body: schemas.RegistrationIn, c: Container, who: CurrentPrincipal,
                   response: Response) -> dict[str, Any]:
    """Register an organization (registrar). Every rule of domain-rules.md §2.1 applies: 422 naming each
    field and its article, 409 naming the rule. A new foundation gives its board in `governance` (R2.1.4,
    JJH arts 20-24: 5-25 directors, terms of at most 5 years, near relatives, paid directors, officers,
    meetings and quorum, the legal representative's residency, supervisors)."""
    who.require("registrar")
    members = body.members or schemas.MembersIn()
    cmd = commands.RegisterOrganization(
        name=body.name, type=body.type, category=body.category, level=body.level, district=body.district,
        domicile=body.domicile, legal_representative=commands.LegalRepresentative(**body.legal_representative.model_dump()),
        registered_funds=body.registered_funds, business_scope=body.business_scope,
        established_on=body.established_on, supervising_unit=body.supervising_unit,
        members_individual=members.individual if body.members else None,
        members_unit=members.unit if body.members else None, foundation_kind=body.foundation_kind,
        charity=body.charity, uscc=body.uscc, registered_on=body.registered_on, by=who.username,
        governance=body.governance.to_domain() if body.governance else None, charity_since=body.charity_since)
    org = await to_thread.run_sync(handlers.register_organization, cmd, c.uow(), c.policy, limiter=c.write_limiter)
    response.headers["Location"] = f"/registry/organizations/{org.uscc}"
    return views.present(org)


@router.get("/registry/organizations", response_model=schemas.OrganizationPage, tags=["registry"])
def list_organizations(
    c: Container, who: CurrentPrincipal,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1, size: Annotated[int, Query(ge=1, le=500)] = 50,
    type: schemas.OrgType | None = None, level: schemas.Level | None = None,
    district: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    org_status: Annotated[str | None, Query(alias="status", pattern="^(active|deregistered|revoked)$")] = None,
) -> dict[str, Any]:
    """Organizations page by page (registrar, inspector). The legal representative's ID number and
    phone are masked here (350203********1234, 138****5678): they are given in full only by
    GET /registry/organizations/{uscc}, whose every read is recorded in the audit trail."""
    who.require("registrar", "inspector")
    filters = {"type": type, "level": level, "district": district, "status": org_status}
    with c.db.read_session() as session:
        found = views.list_organizations(session, page=page, size=size, filters=filters)
    return {**found, "items": [personal_data.masked_record(item) for item in found["items"]]}


@router.get(ORG, response_model=schemas.OrganizationOut, tags=["registry"])
def get_organization(uscc: UsccPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """The full record (registrar, inspector, the organization's own account), the legal
    representative's ID number and phone included: each read is recorded in the registry's audit
    trail (who read whose personal data, with the request id) before the answer leaves."""
    _may_see(who, uscc)
    record = _record(c, uscc)
    personal_data.record_read(c, who, record["uscc"], personal_data.PERSONAL_FIELDS)
    return record


@router.patch(ORG, response_model=schemas.OrganizationOut, tags=["registry"])
def change(uscc: UsccPath, body: schemas.ChangeIn, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """Change registration (变更登记, registrar; R2.2.2 items). A 换届 (`general_election: true`) or a new
    legal representative is accepted only once the financial audit R5.1 asks for is recorded (POST
    .../audits; 409 naming SHT art. 27, MFQ art. 22 or JJH art. 37 without); a foundation gives the board
    after the change in `governance`, checked against JJH arts 20-24. A social group or social service with a
    业务主管单位 gives `sponsor_approved_on` (R2.2.1: SHT art. 18, MFQ art. 15): the history records it with
    the 30-day due date, and an application made later is accepted but flagged `late`. A refused change
    changes nothing."""
    who.require("registrar")
    cmd = commands.ChangeRegistration(uscc, body.changes(), who.username, body.expected_version,
                                      general_election=body.general_election,
                                      governance=body.governance.to_domain() if body.governance else None,
                                      sponsor_approved_on=body.sponsor_approved_on)
    return views.present(handlers.change_registration(cmd, c.uow(), c.policy))


@router.get(ORG + "/history", response_model=list[schemas.HistoryEntry], tags=["registry"])
def history(uscc: UsccPath, c: Container, who: CurrentPrincipal) -> list[dict[str, Any]]:
    """Every change, who and when (registrar, inspector, own org). A changed ID number or phone shows
    its old and new values; an answer that does is recorded in the audit trail like a record read."""
    _may_see(who, uscc)
    code = _record(c, uscc)["uscc"]
    with c.db.read_session() as session:
        history = views.organization_history(session, code)
    personal_data.record_read(c, who, code, personal_data.fields_in_history(history))
    return history


@router.post(ORG + "/deregistration", response_model=schemas.OrganizationOut, tags=["registry"])
def deregistration(uscc: UsccPath, body: schemas.DeregistrationIn, c: Container,
                   who: CurrentPrincipal) -> dict[str, Any]:
    who.require("registrar")
    cmd = commands.Deregister(uscc, body.liquidation_report, body.liquidation_completed_on, who.username)
    return views.present(handlers.deregister(cmd, c.uow()))


@router.post(ORG + "/charity-recognition", response_model=schemas.OrganizationOut, tags=["registry"])
def charity_recognition(uscc: UsccPath, c: Container, who: CurrentPrincipal,
                        body: schemas.CharityDecisionIn | None = None) -> dict[str, Any]:
    """Recognize an organization as a charity (认定, CSF23 art. 10; R10.1): 409 naming the rule when it is
    listed or was penalized in the 2 years before. `applied_on` is the application's acceptance (受理, default
    today): the decision is due within 20 days, and the history (applied_on, due_on, late) and
    registry.organization.charity_recognized show a later one as late. Charity status dates from today."""
    who.require("registrar")
    cmd = commands.RecognizeCharity(uscc, who.username, body.applied_on if body else None)
    return views.present(handlers.recognize_charity(cmd, c.uow()))


@router.post(ORG + "/fundraising-qualification", response_model=schemas.OrganizationOut, tags=["registry"])
def fundraising_qualification(uscc: UsccPath, c: Container, who: CurrentPrincipal,
                              body: schemas.CharityDecisionIn | None = None) -> dict[str, Any]:
    """Public-fundraising qualification (公开募捐资格, CSF23 art. 22; R10.2): a charity for 1 year (2 before
    2024-09-05), not listed, no penalty in the window (409 naming the rule). `applied_on` as for a recognition:
    decided within 20 days of acceptance, a later decision flagged late in the history and the event."""
    who.require("registrar")
    cmd = commands.QualifyFundraising(uscc, who.username, body.applied_on if body else None)
    return views.present(handlers.qualify_fundraising(cmd, c.uow()))


@router.get("/registry/uscc/{code}", response_model=schemas.UsccCheckOut, tags=["registry"])
def check_uscc(code: UsccPath) -> dict[str, Any]:
    report = uscc_rules.inspect(code)
    return {**report.__dict__, "failures": [f.__dict__ for f in report.failures]}
