"""Credit-list pages. An organization (its `org` account): its list status, entries with trigger,
legal basis and dates, the projected timeline, and a removal application (信用修复). Staff: a list,
manual inclusion and removal with reason and legal basis, and deciding applications. Reads use the
credit views, writes the credit handlers, as routes_credit does."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Form, Path, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from services.inspection.adapters import credit_views
from services.inspection.domain.credit_commands import ApplyForRemoval, Decide, IncludeManually, RemoveEntry
from services.inspection.domain.credit_policy import LIST_NAMES_ZH, MANUAL_RULES, RULES_BY_CODE
from services.inspection.entrypoints.api import credit_schemas as schemas
from services.inspection.entrypoints.api.deps import Container, IdPath, Page
from services.inspection.entrypoints.web.forms import done, done_key, refusal
from services.inspection.entrypoints.web.pages import form_errors, pages
from services.inspection.service_layer.handlers import credit_actions as actions
from services.inspection.service_layer.handlers import sanctions
from shared.errors import Forbidden, NotFound, SocregError
from shared.webui import check_csrf, page_router, require_page_role

router = page_router()
CREDIT = "/inspection/web/credit"
STAFF = ("inspector", "registrar")
READERS = (*STAFF, "approver")  # an approver reads what it decides on
ListName = Annotated[Literal["abnormal", "serious", "red"], Path()]
Flash = Annotated[str | None, Query(alias="done", max_length=40)]
Text = Annotated[str, Form(max_length=20_000)]
PAGE_SIZE = 50


def queue_items(c: Container) -> dict[str, Any]:
    """Removal applications and objections waiting for a decision, earliest deadline first."""
    with c.db.read_session() as session:
        found = credit_views.application_page(session, "submitted", None, None, 1, PAGE_SIZE)
    return {"applications": found["items"], "applications_total": found["total"]}


def _rules(list_name: str) -> list[tuple[str, str]]:
    return [(code, RULES_BY_CODE[code].title_zh) for code in MANUAL_RULES.get(list_name, ())]


# ------------------------------------------------------------------------------ the organization

def _own_uscc(who: Any) -> str:
    if not who.uscc:
        raise Forbidden("this page shows an organization's own credit record: sign in with its account")
    return str(who.uscc)


def _render_own(request: Request, c: Container, uscc: str, *, errors: dict[str, str] | None = None,
                values: dict[str, str] | None = None, status: int = 200, done_msg: str | None = None) -> Response:
    today = c.clock.today()
    with c.db.read_session() as session:
        found = credit_views.organization(session, uscc, today)
        applications = credit_views.application_page(session, None, None, uscc, 1, PAGE_SIZE)["items"]
    record = schemas.PublicRecord.model_validate(found or {"uscc": uscc, "name": None, "lists": [], "entries": [],
                                                           "history": [], "timeline": []}).model_dump()
    return pages.render(request, "credit.html", title=pages.t(request, "credit.title"), status=status,
                        record=record, applications=applications, list_names=LIST_NAMES_ZH, errors=errors or {},
                        values=values or {}, done=done_msg, today=today)


@router.get(CREDIT)
def own_record(request: Request, c: Container, flash: Flash = None) -> Response:
    who = require_page_role(request, "org")
    return _render_own(request, c, _own_uscc(who), done_msg=done_key(flash))


@router.post(CREDIT + "/applications")
def apply_for_removal(request: Request, c: Container, csrf: Annotated[str, Form()] = "",
                      list_name: Annotated[str, Form(alias="list", max_length=20)] = "",
                      statement: Text = "") -> Response:
    who = require_page_role(request, "org")
    check_csrf(request, csrf)
    uscc, values = _own_uscc(who), {"list": list_name, "statement": statement}
    try:
        body = schemas.ApplicationIn.model_validate(values)
        actions.apply_for_removal(ApplyForRemoval(uscc, body.list, body.statement, who.username), c.uow(),
                                  c.credit_policy)
    except ValidationError as exc:
        return _render_own(request, c, uscc, errors=form_errors(exc), values=values, status=422)
    except SocregError as exc:
        return _render_own(request, c, uscc, errors=refusal(exc, default="list"), values=values, status=exc.status)
    return done(CREDIT, "credit.applied")


# ------------------------------------------------------------------------------------------ staff

def _render_list(request: Request, c: Container, list_name: str, page: int = 1, *,
                 errors: dict[str, str] | None = None, values: dict[str, str] | None = None, status: int = 200,
                 done_msg: str | None = None) -> Response:
    with c.db.read_session() as session:
        found = credit_views.list_page(session, list_name, c.clock.today(), page, PAGE_SIZE)
    return pages.render(request, "credit_list.html", title=pages.t(request, f"credit.list.{list_name}"), status=status,
                        list_name=list_name, found=found, rules=_rules(list_name), page=page,
                        pages=max(1, -(-found["total"] // PAGE_SIZE)),
                        url_for_page=lambda n: f"/inspection/web/credit-lists/{list_name}?page={n}",
                        errors=errors or {}, values=values or {}, done=done_msg)


@router.get("/inspection/web/credit-lists/{list_name}")
def credit_list(request: Request, list_name: ListName, c: Container, page: Page = 1, flash: Flash = None) -> Response:
    require_page_role(request, *READERS)
    return _render_list(request, c, list_name, page, done_msg=done_key(flash))


@router.post("/inspection/web/credit-lists/{list_name}/entries")
def include(request: Request, list_name: ListName, c: Container, csrf: Annotated[str, Form()] = "",
            uscc: Annotated[str, Form(max_length=40)] = "", trigger: Annotated[str, Form(max_length=60)] = "",
            legal_basis: Annotated[str, Form(max_length=1000)] = "", reason: Text = "",
            included_on: Annotated[str, Form(max_length=20)] = "", late_reason: Text = "") -> Response:
    who = require_page_role(request, "inspector")
    check_csrf(request, csrf)
    values = {"uscc": uscc, "trigger": trigger, "legal_basis": legal_basis, "reason": reason,
              "included_on": included_on, "late_reason": late_reason}
    try:
        body = schemas.InclusionIn.model_validate({**values, "included_on": included_on or None,
                                                   "late_reason": late_reason or None})
        proposal = sanctions.propose_inclusion(
            IncludeManually(list_name, body.uscc, body.trigger, body.legal_basis, body.reason, who.username,
                            body.included_on), who.role, c.uow(), c.policy, c.credit_policy, body.late_reason)
    except ValidationError as exc:
        return _render_list(request, c, list_name, errors=form_errors(exc), values=values, status=422)
    except SocregError as exc:
        return _render_list(request, c, list_name, errors=refusal(exc, {"uscc": "uscc", "trigger": "trigger"},
                                                                  default="uscc"), values=values, status=exc.status)
    return done(f"/inspection/web/sanctions/{proposal.id}", "sanction.proposed")


def _entry(c: Container, entry_id: str) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = credit_views.entry(session, entry_id)
    if found is None:
        raise NotFound(f"no entry {entry_id}")
    return found


def _render_entry(request: Request, c: Container, entry: dict[str, Any], *, errors: dict[str, str] | None = None,
                  values: dict[str, str] | None = None, status: int = 200, done_msg: str | None = None) -> Response:
    return pages.render(request, "credit_entry.html", title=f"{pages.t(request, 'credit.entry')} · {entry['uscc']}",
                        status=status, entry=entry, list_names=LIST_NAMES_ZH, errors=errors or {},
                        values=values or {}, done=done_msg)


@router.get("/inspection/web/credit/entries/{entry_id}")
def entry_page(request: Request, entry_id: IdPath, c: Container, flash: Flash = None) -> Response:
    require_page_role(request, *READERS)
    return _render_entry(request, c, _entry(c, entry_id), done_msg=done_key(flash))


@router.post("/inspection/web/credit/entries/{entry_id}/removal")
def remove(request: Request, entry_id: IdPath, c: Container, csrf: Annotated[str, Form()] = "",
           reason: Text = "", legal_basis: Annotated[str, Form(max_length=1000)] = "") -> Response:
    who = require_page_role(request, "inspector")
    check_csrf(request, csrf)
    entry, values = _entry(c, entry_id), {"reason": reason, "legal_basis": legal_basis}
    try:
        body = schemas.RemovalIn.model_validate(values)
        proposal = sanctions.propose_removal(RemoveEntry(entry["list"], entry_id, body.reason, body.legal_basis,
                                                         who.username), who.role, c.uow(), c.policy, c.credit_policy)
    except ValidationError as exc:
        return _render_entry(request, c, entry, errors=form_errors(exc), values=values, status=422)
    except SocregError as exc:
        return _render_entry(request, c, entry, errors=refusal(exc, default="reason"), values=values,
                             status=exc.status)
    return done(f"/inspection/web/sanctions/{proposal.id}", "sanction.proposed")


def _application(c: Container, application_id: str) -> dict[str, Any]:
    with c.db.read_session() as session:
        found = credit_views.application(session, application_id)
        entries = [credit_views.entry(session, i) for i in (found or {}).get("entry_ids", [])]
        org = credit_views.organization(session, found["uscc"], c.clock.today()) if found else None
    if found is None:
        raise NotFound(f"no credit application {application_id}")
    return {**found, "entries": [e for e in entries if e], "org_name": (org or {}).get("name")}


def _render_application(request: Request, c: Container, app: dict[str, Any], *,
                        errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                        status: int = 200, done_msg: str | None = None) -> Response:
    return pages.render(request, "credit_application.html", title=pages.t(request, "credit.application"),
                        status=status, app=app, list_names=LIST_NAMES_ZH, errors=errors or {}, values=values or {},
                        done=done_msg, today=c.clock.today())


@router.get("/inspection/web/credit/applications/{application_id}")
def application_page(request: Request, application_id: IdPath, c: Container, flash: Flash = None) -> Response:
    require_page_role(request, *READERS)
    return _render_application(request, c, _application(c, application_id), done_msg=done_key(flash))


@router.post("/inspection/web/credit/applications/{application_id}/decision")
def decide(request: Request, application_id: IdPath, c: Container, csrf: Annotated[str, Form()] = "",
           decision: Annotated[str, Form(max_length=10)] = "", reason: Text = "",
           void_cause: Annotated[str, Form(max_length=5)] = "") -> Response:
    who = require_page_role(request, *STAFF)
    check_csrf(request, csrf)
    values = {"decision": decision, "reason": reason, "void_cause": void_cause == "true"}
    try:
        body = schemas.DecisionIn.model_validate(values)
        cmd = Decide(application_id, body.decision == "approve", body.reason, who.username,
                     void_cause=body.void_cause)  # R8.4.4: the cause itself is the error
        if not cmd.approve:
            actions.reject(cmd, c.uow())
        else:
            proposal = sanctions.propose_application_approval(cmd, who.role, c.uow(), c.policy, c.credit_policy)
            return done(f"/inspection/web/sanctions/{proposal.id}", "sanction.proposed")
    except ValidationError as exc:
        return _render_application(request, c, _application(c, application_id), errors=form_errors(exc),
                                   values=values, status=422)
    except SocregError as exc:
        return _render_application(request, c, _application(c, application_id), values=values,
                                   errors=refusal(exc, default="decision"), status=exc.status)
    return done(f"/inspection/web/credit/applications/{application_id}", "credit.decided")
