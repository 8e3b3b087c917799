"""An organization's own pages (its `org` account): its record and history, its annual reports by
year, and the annual-report form (save a draft, submit; a returned report corrected and resubmitted).

Writes go through the registry's own service layer, as the JSON routes do, in a worker thread
behind the container's write limiter. Errors come back next to the fields that caused them.
"""
from __future__ import annotations

from typing import Any

from anyio import to_thread
from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from services.registry.domain.report_commands import SaveAnnualReport, SubmitAnnualReport
from services.registry.entrypoints.api.deps import Container
from services.registry.entrypoints.api.report_schemas import ReportIn
from services.registry.entrypoints.web import report_errors, report_form
from services.registry.entrypoints.web.pages import pages
from services.registry.entrypoints.web.reading import (YearPath, audit_required, load_record, load_report,
                                                       report_page_context)
from services.registry.service_layer import reports
from shared.auth import Principal
from shared.errors import Forbidden, InvalidInput, SocregError
from shared.webui import check_csrf, page_router, require_page_role

router = page_router()
MY = "/registry/web/my"


def _own(request: Request) -> tuple[Principal, str]:
    who = require_page_role(request, "org")
    if who.uscc is None:
        raise Forbidden("this page is an organization's own: sign in with the organization's account")
    return who, who.uscc


@router.get(MY)
def my_organization(request: Request, c: Container) -> Response:
    _, uscc = _own(request)
    record, history, items = load_record(c, uscc)
    return pages.render(request, "my.html", title=record["name"], record=record, history=history, reports=items)


@router.get(MY + "/reports/{year}")
def report_form_page(request: Request, c: Container, year: YearPath, done: str | None = None) -> Response:
    _, uscc = _own(request)
    record, report = load_report(c, uscc, year)
    values = report_form.from_content(report.get("content"))
    return _render(request, c, record, report, values, done=done if done in ("saved", "submitted") else None)


@router.post(MY + "/reports/{year}")
async def report_form_post(request: Request, c: Container, year: YearPath) -> Response:
    who, uscc = _own(request)
    form = await request.form()
    check_csrf(request, str(form.get("csrf") or ""))
    record, report = load_report(c, uscc, year)
    values = report_form.from_form(form)
    submit = form.get("action") == "submit"
    t = _translator(request)
    try:
        content = ReportIn.model_validate(report_form.to_content(values, audit_required(c, record, year))).content()
    except ValidationError as exc:
        return _render(request, c, record, report, values, errors=report_errors.schema_errors(t, exc), status=422)
    saved = False
    try:
        await to_thread.run_sync(reports.save_draft, SaveAnnualReport(uscc, year, content, who.username), c.uow(),
                                 c.report_policy, limiter=c.write_limiter)
        saved = True
        if submit:
            await to_thread.run_sync(reports.submit_report, SubmitAnnualReport(uscc, year, who.username), c.uow(),
                                     c.report_policy, limiter=c.write_limiter)
    except InvalidInput as exc:
        errors = report_errors.domain_errors(t, exc.errors) if exc.errors else [("", exc.detail)]
        _, report = load_report(c, uscc, year)
        return _render(request, c, record, report, values, errors=errors, status=422, saved=saved)
    except SocregError as exc:
        if exc.status != 409:
            raise
        _, report = load_report(c, uscc, year)
        return _render(request, c, record, report, values, refused=exc.detail, status=409, saved=saved)
    return RedirectResponse(f"{MY}/reports/{year}?done={'submitted' if submit else 'saved'}", status_code=303)


def _translator(request: Request) -> Any:
    return lambda key, **params: pages.t(request, key, **params)


def _render(request: Request, c: Container, record: dict[str, Any], report: dict[str, Any],
            values: report_form.FormValues, *, errors: list[tuple[str, str]] | None = None, status: int = 200,
            done: str | None = None, saved: bool = False, refused: str | None = None) -> Response:
    inline, general = report_errors.split(errors or [], values.field_names())
    editable = report["state"] in ("not_filed", "draft", "returned") and not report.get("locked") \
        and record["status"] == "active"
    context = report_page_context(request, c, record, report)
    title = pages.t(request, "report.title", year=report["year"])
    return pages.render(request, "report_form.html", title=title, status=status, values=values, errors=inline,
                        general_errors=general, editable=editable, done=done, saved=saved, refused=refused,
                        action=f"{MY}/reports/{report['year']}", **context)
