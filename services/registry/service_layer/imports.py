"""Bringing a register's past in whole (a migrated register, the demo): annual reports with their
transitions and ratings with their history, in bulk. Every rule of the single-item handlers applies
(the year bounds, completeness, the regulatory findings; eligibility, exclusions, one rating per
validity period), checked against the register and within the batch; one transaction per batch.
Each item announces its final state (a submitted, accepted or returned report; an awarded and, if
past, expired grade), so the read side learns the history as it learns the present."""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from services.registry.domain import rating as rules
from services.registry.domain import report_content
from services.registry.domain.annual_report import (FILED, AnnualReport, Filer, FilingOrganization, ReportPolicy,
                                                    Transition, check_can_file)
from services.registry.domain.rating import Award, Rating, RatingPolicy
from services.registry.domain.report_commands import AwardRating, ImportedReport
from services.registry.service_layer.ports import UnitOfWork
from services.registry.service_layer.ratings import announce_award, announce_expiry, last_report_due
from services.registry.service_layer.reports import announce_review, announce_submission, findings_for
from shared.clock import CHINA
from shared.errors import NotFound

Figures = dict[int, tuple[Decimal | None, Decimal | None, Decimal | None]]


def import_reports(cmds: list[ImportedReport], uow: UnitOfWork, policy: ReportPolicy) -> int:
    with uow:
        orgs = uow.reports.organizations_of(sorted({c.uscc for c in cmds}))
        today, prior = uow.clock.today(), {}  # type: ignore[var-annotated]
        made: list[AnnualReport] = []
        steps: list[Transition] = []
        for cmd in sorted(cmds, key=lambda c: (c.uscc, c.year)):
            org = _known(orgs, cmd.uscc)
            check_can_file(org, cmd.year, today)
            report, transitions = _replay(cmd, org, policy, prior.setdefault(cmd.uscc, {}))
            made.append(report)
            steps += transitions
            if report.state in FILED:
                prior[cmd.uscc][cmd.year] = (report.income_total, report.net_assets_total, report.income_adjusted)
        uow.reports.import_many(made, steps)
        for report in made:
            _announce(uow, orgs[report.uscc], report, policy)
        uow.commit()
    return len(made)


def _known(orgs: dict[str, FilingOrganization], uscc: str) -> FilingOrganization:
    if uscc not in orgs:
        raise NotFound(f"no organization with USCC {uscc}")
    return orgs[uscc]


def _replay(cmd: ImportedReport, org: FilingOrganization, policy: ReportPolicy,
            prior: Figures) -> tuple[AnnualReport, list[Transition]]:
    report, created = AnnualReport.start(cmd.uscc, cmd.year, cmd.content, cmd.by, cmd.created_at)
    steps = [created]
    if cmd.submitted_at is None:
        return report, steps
    filer = Filer.of(org, cmd.year)
    report_content.check_complete(report.content, filer, policy.audit_required(filer))
    findings = findings_for(filer, report, prior, policy)
    steps.append(report.submit(cmd.by, cmd.submitted_at, _day(cmd.submitted_at), findings))
    if cmd.returned_at is not None:
        steps.append(report.give_back(cmd.reviewer, cmd.returned_at, list(cmd.return_reasons)))
        if cmd.resubmitted_at is not None:
            steps += [t for t in (report.save(cmd.content, cmd.by, cmd.resubmitted_at),) if t is not None]
            steps.append(report.submit(cmd.by, cmd.resubmitted_at, _day(cmd.resubmitted_at), findings))
    if cmd.accepted_at is not None and report.state == "submitted":
        steps.append(report.accept(cmd.reviewer, cmd.accepted_at, cmd.conclusion))
    return report, steps


def _announce(uow: UnitOfWork, org: FilingOrganization, report: AnnualReport, policy: ReportPolicy) -> None:
    if report.state == "submitted" and report.submitted_at is not None:
        announce_submission(uow, org, report, policy, on=_day(report.submitted_at))
    elif report.state in ("accepted", "returned") and report.reviewed_at is not None:
        announce_review(uow, org, report, policy, on=_day(report.reviewed_at))


def _day(at: datetime) -> date:
    return at.astimezone(CHINA).date()


def import_ratings(cmds: list[AwardRating], uow: UnitOfWork, policy: RatingPolicy, report_policy: ReportPolicy) -> int:
    with uow:
        usccs = sorted({c.uscc for c in cmds})
        orgs = uow.reports.organizations_of(usccs)
        standings, penalties = uow.reports.standings_for(usccs), uow.ratings.penalty_dates_for(usccs)
        histories, today = uow.ratings.histories_for(usccs), uow.clock.today()
        cases = uow.investigations.of_many(usccs)
        made: list[Rating] = []
        for cmd in sorted(cmds, key=lambda c: (c.awarded_on, c.uscc)):
            org = _known(orgs, cmd.uscc)
            award = Award(cmd.grade, cmd.score, cmd.awarded_on, cmd.evaluating_body)
            history = histories.setdefault(cmd.uscc, [])
            _check(org, award, history, standings.get(cmd.uscc, {}), penalties.get(cmd.uscc, []), today, policy,
                   report_policy)
            rules.check_not_investigated(org.uscc, award.awarded_on, cases.get(cmd.uscc, []))
            rating = rules.new_rating(org, award, cmd.by, datetime.combine(cmd.awarded_on, time(10), CHINA), policy)
            if rating.expires_on <= today:
                rating.expire()
            history.append(rating)
            made.append(rating)
        uow.ratings.import_many(made)
        for rating in made:
            announce_award(uow, rating)
            if rating.status == "expired":
                announce_expiry(uow, rating)
        uow.commit()
    return len(made)


def _check(org: FilingOrganization, award: Award, history: list[Rating], standing: dict, penalties: list[date],
           today: date, policy: RatingPolicy, report_policy: ReportPolicy) -> None:
    org.ensure_active("be rated")
    rules.check_fields(org, award, today, policy)
    replaced = rules.check_period(award, history, policy)
    rules.check_eligible(org, award, history, policy)
    due = last_report_due(org.type, award.awarded_on, report_policy)
    rules.check_not_excluded(org, award, due, standing,
                             lambda y: report_policy.obliged(org.type, org.registered_on, y), penalties)
    if replaced is not None:
        replaced.status, replaced.ended_on = "superseded", award.awarded_on
