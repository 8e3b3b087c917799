"""The credit lists (api.md): the lists as of any date (inspectors and registrars), manual inclusion and
removal (inspectors propose, an approver approves: routes_sanctions.py), an organization's public credit record with its projected timeline (anyone),
removal applications (信用修复) and objections (异议) by the organization, decided by an inspector or
a registrar through one decision path (`kind` tells them apart), and the policy table (anyone)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response, status

from services.inspection.adapters import credit_views as views
from services.inspection.domain.credit_commands import ApplyForRemoval, Decide, IncludeManually, Object, RemoveEntry
from services.inspection.entrypoints.api import credit_schemas as schemas
from services.inspection.entrypoints.api import routes_sanctions
from services.inspection.entrypoints.api.deps import Container, IdPath, Page, Size, UsccQuery
from services.inspection.service_layer.handlers import credit_actions as actions
from services.inspection.service_layer.handlers import sanctions
from shared.auth import Principal
from shared.errors import Forbidden, NotFound
from shared.web import CurrentPrincipal

router = APIRouter(tags=["credit lists"])
ListName = Annotated[Literal["abnormal", "serious", "red"], Path(description="abnormal | serious | red")]
UsccPath = Annotated[str, Path(min_length=18, max_length=18, pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")]
AsOf = Annotated[date | None, Query(ge=date(1990, 1, 1), le=date(2199, 12, 31),
                                    description="YYYY-MM-DD: the list as it stood that day (default today)")]
_STAFF = ("inspector", "registrar")
_READERS = (*_STAFF, "approver")  # an approver reads what it decides on


def _entry(c: Container, entry_id: str) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = views.entry(session, entry_id)
    if found is None:
        raise NotFound(f"no entry {entry_id}")
    return found


def _own(who: Principal, uscc: str) -> None:
    who.require("org")
    if who.role == "org" and who.uscc != uscc:
        raise Forbidden("an org account acts only for its own organization")


@router.get("/inspection/credit-lists/{list}")
def get_list(list: ListName, c: Container, who: CurrentPrincipal, as_of: AsOf = None, page: Page = 1,
             size: Size = 50, uscc: UsccQuery = None) -> dict[str, Any]:
    """The entries on a list on `as_of`: organization, trigger, legal basis, source event, dates, who decided."""
    who.require(*_READERS)
    with c.db.read_session() as session:
        return views.list_page(session, list, as_of or c.clock.today(), page, size, uscc)


@router.get("/inspection/credit/counts")
def get_counts(c: Container, who: CurrentPrincipal, as_of: AsOf = None) -> dict[str, Any]:
    """How many organizations each list held on `as_of`."""
    who.require(*_READERS)
    day = as_of or c.clock.today()
    with c.db.read_session() as session:
        return {"as_of": day, "organizations": views.counts(session, day)}


@router.post("/inspection/credit-lists/{list}/entries", status_code=status.HTTP_202_ACCEPTED)
def include(list: ListName, body: schemas.InclusionIn, c: Container, who: CurrentPrincipal,
            response: Response) -> dict[str, Any]:
    """Propose a manual inclusion (R8.2, R8.3) with its legal basis and reason: 202 with the proposal; the
    organization is listed, and credit.* events leave, only when an approver other than you approves it
    (POST /inspection/sanctions/{id}/approval). Not dated before the registration nor in the future; dated
    more than 5 working days back (R8.1.2) it needs `late_reason` and is flagged late."""
    who.require("inspector")
    cmd = IncludeManually(list, body.uscc, body.trigger, body.legal_basis, body.reason, who.username, body.included_on)
    proposal = sanctions.propose_inclusion(cmd, who.role, c.uow(), c.policy, c.credit_policy, body.late_reason)
    return routes_sanctions.proposal_answer(c, proposal, response)


@router.post("/inspection/credit-lists/{list}/entries/{entry_id}/removal", status_code=status.HTTP_202_ACCEPTED)
def remove(list: ListName, entry_id: IdPath, body: schemas.RemovalIn, c: Container, who: CurrentPrincipal,
           response: Response) -> dict[str, Any]:
    """Propose a removal with reason and legal basis (credit repair) under R8.4.2/R8.4.3 (409 names the rule):
    202 with the proposal; it takes effect when an approver other than you approves it."""
    who.require("inspector")
    cmd = RemoveEntry(list, entry_id, body.reason, body.legal_basis, who.username)
    proposal = sanctions.propose_removal(cmd, who.role, c.uow(), c.policy, c.credit_policy)
    return routes_sanctions.proposal_answer(c, proposal, response)


@router.get("/inspection/credit/entries/{entry_id}")
def get_entry(entry_id: IdPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """One entry with its audit log."""
    who.require(*_READERS)
    return _entry(c, entry_id)


@router.get("/inspection/credit/organizations/{uscc}", response_model=schemas.PublicRecord)
def public_record(uscc: UsccPath, c: Container) -> dict[str, Any]:
    """PUBLIC: current lists and entries, the whole history, and the projected timeline (no personal data)."""
    with c.db.read_session() as session:
        found = views.organization(session, uscc, c.clock.today())
    if found is None:
        raise NotFound(f"no organization with USCC {uscc}")
    return found


@router.get("/inspection/credit/policy")
def policy(c: Container) -> dict[str, Any]:
    """PUBLIC: the versioned rule table - every rule with its article - and the configured values."""
    return c.credit_policy.describe()


@router.post("/inspection/credit/organizations/{uscc}/removal-applications", status_code=status.HTTP_201_CREATED)
def apply_for_removal(uscc: UsccPath, body: schemas.ApplicationIn, c: Container, who: CurrentPrincipal,
                      response: Response) -> dict[str, Any]:
    """信用修复: the organization's own account applies to leave a list after correcting (R8.4.2, R8.4.3)."""
    _own(who, uscc)
    row = actions.apply_for_removal(ApplyForRemoval(uscc, body.list, body.statement, who.username), c.uow(),
                                    c.credit_policy)
    response.headers["Location"] = f"/inspection/credit/applications/{row['id']}"
    return row


@router.post("/inspection/credit/organizations/{uscc}/objections", status_code=status.HTTP_201_CREATED)
def object_to(uscc: UsccPath, body: schemas.ObjectionIn, c: Container, who: CurrentPrincipal,
              response: Response) -> dict[str, Any]:
    """异议 (R8.4.4): the organization disputes one entry (`entry_id`) or the credit information itself - a penalty
    decision (`penalty_id`), a report flagged late (`report_year`) or another trigger (`information`, its key); the
    application's `list` is then "info" and `target` names the information. Decided through
    /inspection/credit/applications/{id}/decision: approve = upheld, the entry is voided as an error, and so is
    its cause where the decision says the cause is the error (`void_cause`) or the objection named the information:
    a voided penalty stops counting for the repeat rule (R8.3 #5) and the red list, is marked annulled, and
    inspection.penalty.annulled tells the registry (penalty windows, the grade it lowered)."""
    _own(who, uscc)
    cmd = Object(uscc, body.entry_id, body.statement, who.username, body.target())
    row = actions.object_to(cmd, c.uow(), c.credit_policy)
    response.headers["Location"] = f"/inspection/credit/applications/{row['id']}"
    return row


@router.get("/inspection/credit/applications")
def list_applications(c: Container, who: CurrentPrincipal, page: Page = 1, size: Size = 50,
                      state: Literal["submitted", "approved", "rejected"] | None = None,
                      kind: Literal["removal", "objection"] | None = None, uscc: UsccQuery = None) -> dict[str, Any]:
    """The work queue: applications and objections, the earliest decision deadline first."""
    who.require(*_READERS)
    with c.db.read_session() as session:
        return views.application_page(session, state, kind, uscc, page, size)


@router.get("/inspection/credit/applications/{application_id}")
def get_application(application_id: IdPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = views.application(session, application_id)
    if found is None or not who.may_see(found["uscc"]):
        raise NotFound(f"no credit application {application_id}")
    return found


@router.post("/inspection/credit/applications/{application_id}/decision",
             responses={202: {"description": "approve: a proposal awaiting an approver"}})
def decide(application_id: IdPath, body: schemas.DecisionIn, c: Container, who: CurrentPrincipal,
           response: Response) -> dict[str, Any]:
    """Reject (200, one person, with the reason) or propose to approve (202 with the proposal: the removal or
    correction takes effect when an approver other than you approves it) a removal application or an
    objection (409 names the rule). Upholding an objection to an entry with `void_cause: true` voids the entry's
    cause as well (R8.4.4: a penalty annulled, a report wrongly flagged late)."""
    who.require(*_STAFF)
    cmd = Decide(application_id, body.decision == "approve", body.reason, who.username, body.kind, body.void_cause)
    if not cmd.approve:
        return actions.reject(cmd, c.uow())
    proposal = sanctions.propose_application_approval(cmd, who.role, c.uow(), c.policy, c.credit_policy)
    response.status_code = status.HTTP_202_ACCEPTED
    return routes_sanctions.proposal_answer(c, proposal, response)
