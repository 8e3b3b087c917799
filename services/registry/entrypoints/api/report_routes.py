"""The annual-report and rating paths of api.md (issue 3). Each route: check who asks, build a
command, call its handler. Writes run in a worker thread behind the container's write limiter."""
from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Path, Response, status

from services.registry.adapters import report_views
from services.registry.domain import uscc as uscc_rules
from services.registry.domain.report_commands import (AwardRating, ReviewAnnualReport, SaveAnnualReport,
                                                      SubmitAnnualReport, UnlockAnnualReport)
from services.registry.entrypoints.api import report_schemas as schemas
from services.registry.entrypoints.api.deps import Container, UsccPath
from services.registry.entrypoints.api.investigation_routes import investigation_router
from services.registry.entrypoints.api import certificate_routes, dormancy_routes
from services.registry.service_layer import ratings, reports
from shared.auth import Principal
from shared.errors import Forbidden, NotFound
from shared.web import CurrentPrincipal

report_router = APIRouter(tags=["annual reports and ratings"])
REPORTS = "/registry/organizations/{uscc}/annual-reports"
ReportYear = Annotated[int, Path(ge=1949, le=9999, description="the year the report covers")]


def _own_org(who: Principal, uscc: str) -> None:
    """PUT and submit: the organization's own account (api.md: "own org")."""
    who.require("org")
    if not who.may_see(uscc_rules.normalize(uscc)):
        raise Forbidden("an org account reaches only its own organization")


def _may_see(who: Principal, uscc: str) -> None:
    if not who.may_see(uscc_rules.normalize(uscc)):
        raise Forbidden("an org account reaches only its own organization")


def _facts(c: Container, uscc: str) -> Any:
    with c.db.read_session() as session:
        facts = report_views.organization_facts(session, uscc_rules.normalize(uscc))
    if facts is None:
        raise NotFound(f"no organization with USCC {uscc}")
    return facts


def _present(c: Container, report: Any, org: Any) -> dict[str, Any]:
    return report_views.present_report(report, c.report_policy, org.type, org.registered_on, c.clock.today())


@report_router.put(REPORTS + "/{year}", response_model=schemas.ReportOut)
async def save_draft(uscc: UsccPath, year: ReportYear, body: schemas.ReportIn, c: Container, who: CurrentPrincipal,
                     response: Response) -> dict[str, Any]:
    """Save a draft (any number of times; a returned report is corrected this way)."""
    _own_org(who, uscc)
    cmd = SaveAnnualReport(uscc, year, body.content(), who.username)
    report, org, created = await to_thread.run_sync(reports.save_draft, cmd, c.uow(), c.report_policy,
                                                    limiter=c.write_limiter)
    if created:
        response.status_code = status.HTTP_201_CREATED
    return _present(c, report, org)


@report_router.post(REPORTS + "/{year}/submit", response_model=schemas.ReportOut)
async def submit(uscc: UsccPath, year: ReportYear, c: Container, who: CurrentPrincipal,
                 body: schemas.ReportIn | None = None) -> dict[str, Any]:
    """Submit the saved draft, or the report given here (saved and submitted at once): complete and
    adding up, or 422 listing the fields; regulatory findings are attached, never blocking."""
    _own_org(who, uscc)
    cmd = SubmitAnnualReport(uscc, year, who.username, body.content() if body is not None else None)
    report, org = await to_thread.run_sync(reports.submit_report, cmd, c.uow(), c.report_policy,
                                           limiter=c.write_limiter)
    return _present(c, report, org)


@report_router.post(REPORTS + "/{year}/review", response_model=schemas.ReportOut)
async def review(uscc: UsccPath, year: ReportYear, body: schemas.ReviewIn, c: Container,
                 who: CurrentPrincipal) -> dict[str, Any]:
    """The registrar accepts (optionally with the 年检 conclusion) or returns with reasons."""
    who.require("registrar")
    cmd = ReviewAnnualReport(uscc, year, body.decision, who.username, tuple(body.reasons), body.conclusion)
    report, org = await to_thread.run_sync(reports.review_report, cmd, c.uow(), c.report_policy,
                                           limiter=c.write_limiter)
    return _present(c, report, org)


@report_router.post(REPORTS + "/{year}/unlock", response_model=schemas.ReportOut)
async def unlock(uscc: UsccPath, year: ReportYear, body: schemas.UnlockIn, c: Container,
                 who: CurrentPrincipal) -> dict[str, Any]:
    """The registrar lifts the lock after more than N returns (R4.4, Fujian 2022 [LOCAL]); not locked: 409."""
    who.require("registrar")
    cmd = UnlockAnnualReport(uscc, year, who.username, body.reason)
    report, org = await to_thread.run_sync(reports.unlock_report, cmd, c.uow(), c.report_policy,
                                           limiter=c.write_limiter)
    return _present(c, report, org)


@report_router.get(REPORTS, response_model=schemas.ReportsOut)
def list_reports(uscc: UsccPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """Every year and its state (not_filed, draft, submitted, accepted, returned), with transitions."""
    _may_see(who, uscc)
    facts = _facts(c, uscc)
    with c.db.read_session() as session:
        items = report_views.annual_reports_of(session, facts.uscc, facts.type, facts.registered_on,
                                               c.report_policy, c.clock.today())
    return {"uscc": facts.uscc, "items": items}


@report_router.get(REPORTS + "/{year}", response_model=schemas.ReportOut)
def get_report(uscc: UsccPath, year: ReportYear, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    _may_see(who, uscc)
    facts = _facts(c, uscc)
    with c.db.read_session() as session:
        items = report_views.annual_reports_of(session, facts.uscc, facts.type, facts.registered_on,
                                               c.report_policy, c.clock.today())
    found = next((i for i in items if i["year"] == year and i["state"] != "not_filed"), None)
    if found is None:
        raise NotFound(f"{facts.uscc} has no {year} annual report")
    return found


@report_router.post("/registry/organizations/{uscc}/ratings", status_code=status.HTTP_201_CREATED,
                    response_model=schemas.RatingOut)
async def award(uscc: UsccPath, body: schemas.RatingIn, c: Container, who: CurrentPrincipal,
                response: Response) -> dict[str, Any]:
    """Award an evaluation grade (L39): eligibility, exclusions, one rating per validity period."""
    who.require("registrar")
    cmd = AwardRating(uscc, body.grade, body.score, body.awarded_on, body.evaluating_body, who.username)
    rating = await to_thread.run_sync(ratings.award_rating, cmd, c.uow(), c.rating_policy, c.report_policy,
                                      limiter=c.write_limiter)
    response.headers["Location"] = f"/registry/organizations/{rating.uscc}/ratings"
    return report_views.present_rating(rating, c.clock.today(), [])


@report_router.get("/registry/organizations/{uscc}/ratings", response_model=schemas.RatingsOut)
def list_ratings(uscc: UsccPath, c: Container, who: CurrentPrincipal) -> dict[str, Any]:
    """The grade valid today (if any) and every grade awarded, with its downgrades."""
    _may_see(who, uscc)
    facts = _facts(c, uscc)
    with c.db.read_session() as session:
        return report_views.ratings_of(session, facts.uscc, c.clock.today())


# socreg/app.py mounts the registry's routers by name: the investigation paths ride on this one
report_router.routes.extend(investigation_router.routes)
# issue 13: the dormancy candidates (R2.4.3) and the rating certificates (R9.1, R9.6) ride on it too
report_router.routes.extend(dormancy_routes.router.routes)
report_router.routes.extend(certificate_routes.router.routes)
