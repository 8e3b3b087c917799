"""The registrar's pages: work queues (reports to review, returned reports, reports not filed for
a year), an organization's full record and history, and the review of a report (accept, or return
with reasons). Inspectors may read the record and the reports; only registrars review."""
from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response

from services.registry.adapters import report_views, web_views
from services.registry.domain import uscc as uscc_rules
from services.registry.domain.annual_report import CONCLUSIONS
from services.registry.domain.report_commands import ReviewAnnualReport, UnlockAnnualReport
from services.registry.entrypoints.api.deps import Container, UsccPath
from services.registry.entrypoints.web import report_form
from services.registry.entrypoints.web.pages import pages
from services.registry.entrypoints.web.reading import YearPath, load_record, load_report, report_page_context
from services.registry.service_layer import reports
from shared.errors import Forbidden, SocregError
from shared.webui import check_csrf, page_principal, page_router, require_page_role

router = page_router()
WEB = "/registry/web"


@router.get(WEB + "/queue")
def queue(request: Request, c: Container, view: Annotated[str, Query(pattern="^(submitted|returned|unfiled)$")]
          = "submitted", year: Annotated[int | None, Query(ge=1949, le=9999)] = None,
          page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    require_page_role(request, "registrar")
    today, policy = c.clock.today(), c.report_policy
    filing_year = today.year - 1
    year = year or filing_year
    with c.db.read_session() as session:
        counts = web_views.queue_counts(session, year, policy, today)
        if view == "unfiled":
            found = web_views.unfiled(session, year, policy, today, page=page)
        else:
            found = web_views.reports_in_state(session, view, page=page)
    years = list(range(filing_year, policy.first_year - 1, -1))
    return pages.render(request, "queue.html", title=pages.t(request, "queue.title"), view=view, found=found,
                        counts=counts, year=year, years=years, filing_year=filing_year, today=today,
                        page_url=lambda p: f"{WEB}/queue?view={view}&year={year}&page={p}")


def _elsewhere(request: Request, uscc: str, year: int | None = None) -> str | None:
    """Registrars and inspectors read any organization (None: stay); an org account is sent to its
    own pages for its own organization and refused any other (403)."""
    who = page_principal(request)
    if who is not None and who.role == "org":
        if who.uscc != uscc_rules.normalize(uscc):
            raise Forbidden("an org account reaches only its own organization")
        return f"{WEB}/my/reports/{year}" if year is not None else f"{WEB}/my"
    require_page_role(request, "registrar", "inspector")
    return None


@router.get(WEB + "/organizations/{uscc}")
def organization(request: Request, c: Container, uscc: UsccPath) -> Response:
    if (target := _elsewhere(request, uscc)) is not None:
        return RedirectResponse(target, status_code=303)
    record, history, items = load_record(c, uscc)
    with c.db.read_session() as session:
        rating = report_views.ratings_of(session, record["uscc"], c.clock.today())
    return pages.render(request, "organization.html", title=record["name"], record=record, history=history,
                        reports=items, ratings=rating)


@router.get(WEB + "/organizations/{uscc}/reports/{year}")
def review_page(request: Request, c: Container, uscc: UsccPath, year: YearPath, done: str | None = None) -> Response:
    if (target := _elsewhere(request, uscc, year)) is not None:
        return RedirectResponse(target, status_code=303)
    record, report = load_report(c, uscc, year)
    return _render(request, c, record, report, done=done if done in ("accepted", "returned", "unlocked") else None)


@router.post(WEB + "/organizations/{uscc}/reports/{year}")
async def review_post(request: Request, c: Container, uscc: UsccPath, year: YearPath) -> Response:
    who = require_page_role(request, "registrar")
    form = await request.form()
    check_csrf(request, str(form.get("csrf") or ""))
    record, report = load_report(c, uscc, year)
    decision, conclusion = str(form.get("decision") or ""), str(form.get("conclusion") or "") or None
    reasons = [line.strip() for line in str(form.get("reasons") or "").splitlines() if line.strip()]
    errors = _review_errors(request, decision, reasons, conclusion)
    if errors:
        return _render(request, c, record, report, errors=errors, status=422, posted=form)
    cmd = ReviewAnnualReport(record["uscc"], year, decision, who.username, tuple(reasons), conclusion)
    try:
        await to_thread.run_sync(reports.review_report, cmd, c.uow(), c.report_policy, limiter=c.write_limiter)
    except SocregError as exc:
        if exc.status not in (409, 422):
            raise
        _, report = load_report(c, uscc, year)
        return _render(request, c, record, report, refused=exc.detail, status=exc.status, posted=form)
    done = "accepted" if decision == "accept" else "returned"
    return RedirectResponse(f"{WEB}/organizations/{record['uscc']}/reports/{year}?done={done}", status_code=303)


@router.post(WEB + "/organizations/{uscc}/reports/{year}/unlock")
async def unlock_post(request: Request, c: Container, uscc: UsccPath, year: YearPath) -> Response:
    """R4.4 [LOCAL]: after more than N returns filing is locked; the registrar lifts the lock with a reason."""
    who = require_page_role(request, "registrar")
    form = await request.form()
    check_csrf(request, str(form.get("csrf") or ""))
    record, report = load_report(c, uscc, year)
    reason = str(form.get("unlock_reason") or "").strip()
    if not reason or len(reason) > 5000:
        errors = {"unlock_reason": pages.t(request, "review.unlock_reason_required")}
        return _render(request, c, record, report, errors=errors, status=422, posted=form)
    try:
        await to_thread.run_sync(reports.unlock_report, UnlockAnnualReport(record["uscc"], year, who.username, reason),
                                 c.uow(), c.report_policy, limiter=c.write_limiter)
    except SocregError as exc:
        if exc.status != 409:
            raise
        _, report = load_report(c, uscc, year)
        return _render(request, c, record, report, refused=exc.detail, status=409, posted=form)
    return RedirectResponse(f"{WEB}/organizations/{record['uscc']}/reports/{year}?done=unlocked", status_code=303)


def _review_errors(request: Request, decision: str, reasons: list[str], conclusion: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if decision not in ("accept", "return"):
        errors["decision"] = pages.t(request, "review.decision_required")
    elif decision == "return" and not reasons:
        errors["reasons"] = pages.t(request, "review.reasons_required")
    elif decision == "return" and conclusion is not None:
        errors["conclusion"] = pages.t(request, "review.conclusion_with_accept")
    if conclusion is not None and conclusion not in CONCLUSIONS:
        errors["conclusion"] = pages.t(request, "review.conclusion_invalid")
    if any(len(r) > 5000 for r in reasons) or len(reasons) > 20:
        errors["reasons"] = pages.t(request, "review.reasons_too_long")
    return errors


def _render(request: Request, c: Container, record: dict[str, Any], report: dict[str, Any], *,
            errors: dict[str, str] | None = None, status: int = 200, done: str | None = None,
            refused: str | None = None, posted: Any = None) -> Response:
    who = page_principal(request)
    registrar = who is not None and who.role == "registrar"
    may_review = registrar and report["state"] == "submitted"
    may_unlock = registrar and bool(report.get("locked"))
    context = report_page_context(request, c, record, report)
    title = pages.t(request, "review.title", name=record["name"], year=report["year"])
    return pages.render(request, "review.html", title=title, status=status, errors=errors or {}, done=done,
                        refused=refused, may_review=may_review, may_unlock=may_unlock,
                        values=report_form.from_content(report.get("content")),
                        posted={k: str(v) for k, v in (posted or {}).items() if k != "csrf"},
                        action=f"{WEB}/organizations/{record['uscc']}/reports/{report['year']}", **context)
