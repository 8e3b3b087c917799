"""Annual-report handlers (issue 3): load, call the domain, commit. Events leave through the outbox."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from services.registry.domain import regulatory, report_content
from services.registry.domain import uscc as uscc_rules
from services.registry.domain.annual_report import (AnnualReport, Filer, FilingOrganization, ReportPolicy, Transition,
                                                    adjusted_income, check_can_file, is_late)
from services.registry.domain.model import ORG_TYPES
from services.registry.domain.rating import RatingPolicy, absence_settled_on
from services.registry.domain.report_commands import (ReviewAnnualReport, SaveAnnualReport, SubmitAnnualReport,
                                                      UnlockAnnualReport)
from services.registry.service_layer import ratings
from services.registry.service_layer.ports import PriorFigures, UnitOfWork
from shared.errors import NotFound, RuleViolation


def save_draft(cmd: SaveAnnualReport, uow: UnitOfWork,
               policy: ReportPolicy | None = None) -> tuple[AnnualReport, FilingOrganization, bool]:
    """PUT: a draft is saved any number of times (a returned report: corrected). True if created."""
    with uow:
        org = filing_organization(uow, cmd.uscc)
        check_can_file(org, cmd.year, uow.clock.today())
        report, _ = uow.reports.filing(org.uscc, cmd.year)
        if report is not None:
            report.ensure_not_locked((policy or ReportPolicy()).max_returns)  # R4.4 [LOCAL]
        report, transitions, new = _edit(uow, report, org, cmd.year, cmd.content, cmd.by)
        _store(uow, report, new, transitions)
        uow.commit()
    return report, org, new


def filing_organization(uow: UnitOfWork, uscc: str) -> FilingOrganization:
    org = uow.reports.organization(uscc_rules.normalize(uscc))
    if org is None:
        raise NotFound(f"no organization with USCC {uscc}")
    return org


def _edit(uow: UnitOfWork, report: AnnualReport | None, org: FilingOrganization, year: int, content: dict[str, Any],
          by: str) -> tuple[AnnualReport, list[Transition], bool]:
    if report is None:
        report, created = AnnualReport.start(org.uscc, year, content, by, uow.clock.now())
        return report, [created], True
    corrected = report.save(content, by, uow.clock.now())  # a report under review or accepted: 409
    return report, [corrected] if corrected else [], False


def _store(uow: UnitOfWork, report: AnnualReport, new: bool, transitions: list[Transition]) -> None:
    if new:
        uow.reports.add(report)
    else:
        uow.reports.update(report)
    uow.reports.add_transitions(transitions)


def submit_report(cmd: SubmitAnnualReport, uow: UnitOfWork,
                  policy: ReportPolicy) -> tuple[AnnualReport, FilingOrganization]:
    """Submit (with the content, or the saved draft): complete and adding up, or 422 listing the
    fields; the regulatory findings (R10.3) are attached, never blocking."""
    with uow:
        org = filing_organization(uow, cmd.uscc)
        today, now = uow.clock.today(), uow.clock.now()
        check_can_file(org, cmd.year, today)
        report, prior = uow.reports.filing(org.uscc, cmd.year)
        if report is not None:
            report.ensure_not_locked(policy.max_returns)  # R4.4 [LOCAL]
        if cmd.content is not None:
            report, transitions, new = _edit(uow, report, org, cmd.year, cmd.content, cmd.by)
        else:
            report, transitions, new = _draft(report, org.uscc, cmd.year), [], False
        report.ensure_open("be submitted again")  # a report under review or accepted: 409 first
        filer = Filer.of(org, cmd.year)
        report_content.check_complete(report.content, filer, policy.audit_required(filer))
        transitions.append(report.submit(cmd.by, now, today, findings_for(filer, report, prior, policy)))
        _store(uow, report, new, transitions)
        announce_submission(uow, org, report, policy)
        uow.commit()
    return report, org


def _draft(report: AnnualReport | None, uscc: str, year: int) -> AnnualReport:
    if report is None:
        raise RuleViolation(f"{uscc} has no {year} report to submit: save a draft first (PUT), or send the "
                            "report with the submission", rule="R4 a report is saved before it is submitted")
    return report


def findings_for(filer: Filer, report: AnnualReport, register: PriorFigures,
                 policy: ReportPolicy) -> list[dict[str, Any]]:
    prior = declared_prior(report.content)
    for year, (income, assets, adjusted) in register.items():
        prior[year] = regulatory.PriorYear(year, income, assets, adjusted)  # the register's own reports win
    return regulatory.findings(subject(filer, report.year), report.year, report.content["finances"], prior,
                               policy.regulatory)


def declared_prior(content: dict[str, Any]) -> dict[int, regulatory.PriorYear]:
    declared = (content.get("finances") or {}).get("previous_years") or []
    return {int(p["year"]): regulatory.PriorYear(
        int(p["year"]), _dec(p.get("total_income")), _dec(p.get("year_end_net_assets")),
        adjusted_income(_dec(p.get("total_income")), p.get("restricted_to_later_years"),
                        p.get("released_from_time_restriction"))) for p in declared}


def subject(filer: Filer, year: int) -> regulatory.Subject:
    new = filer.charity_since is not None and filer.charity_since > date(year - 1, 12, 31)
    return regulatory.Subject(filer.type, filer.charity, filer.public_fundraising, filer.foundation_kind, new)


def announce_submission(uow: UnitOfWork, org: FilingOrganization, report: AnnualReport, policy: ReportPolicy,
                         on: date | None = None) -> None:
    assert report.first_submitted_on is not None and report.submitted_by is not None
    deadline = policy.deadline(org.type, report.year)
    uow.publish("registry.annual_report.submitted", org.uscc, {
        "uscc": org.uscc, "year": report.year, "submitted_on": (on or uow.clock.today()).isoformat(),
        "first_submitted_on": report.first_submitted_on.isoformat(), "deadline": deadline.isoformat(),
        "late": is_late(report, deadline), "resubmission": report.submissions > 1,
        "submitted_by": report.submitted_by, "unmet_findings": sum(1 for f in report.findings if f["met"] is False)})


def review_report(cmd: ReviewAnnualReport, uow: UnitOfWork,
                  policy: ReportPolicy) -> tuple[AnnualReport, FilingOrganization]:
    """The registrar accepts (with the 年检 conclusion, R4.3, where one is given) or returns with reasons."""
    with uow:
        org = filing_organization(uow, cmd.uscc)
        report, _ = uow.reports.filing(org.uscc, cmd.year)
        if report is None:
            raise NotFound(f"{org.uscc} has no {cmd.year} annual report")
        now = uow.clock.now()
        if cmd.decision == "accept":
            transition = report.accept(cmd.by, now, cmd.conclusion)
        else:
            transition = report.give_back(cmd.by, now, list(cmd.reasons))
        _store(uow, report, False, [transition])
        announce_review(uow, org, report, policy)
        if cmd.decision == "accept":
            ratings.downgrade_for_conclusion(uow, org, report)
        uow.commit()
    return report, org


def unlock_report(cmd: UnlockAnnualReport, uow: UnitOfWork,
                  policy: ReportPolicy) -> tuple[AnnualReport, FilingOrganization]:
    """The registrar lifts the R4.4 lock (Fujian 2022, LOCAL): the organization may correct and
    resubmit again; the lock counts the returns after this one. Kept as a transition with the reason."""
    with uow:
        org = filing_organization(uow, cmd.uscc)
        report, _ = uow.reports.filing(org.uscc, cmd.year)
        if report is None:
            raise NotFound(f"{org.uscc} has no {cmd.year} annual report")
        transition = report.unlock(cmd.by, uow.clock.now(), policy.max_returns, cmd.reason)
        _store(uow, report, False, [transition])
        uow.commit()
    return report, org


def announce_review(uow: UnitOfWork, org: FilingOrganization, report: AnnualReport, policy: ReportPolicy,
                    on: date | None = None) -> None:
    assert report.first_submitted_on is not None
    on = on or uow.clock.today()
    base = {"uscc": org.uscc, "year": report.year, "first_submitted_on": report.first_submitted_on.isoformat()}
    if report.state == "accepted":
        deadline = policy.deadline(org.type, report.year)
        uow.publish("registry.annual_report.accepted", org.uscc, {
            **base, "accepted_on": on.isoformat(), "accepted_by": report.reviewed_by, "deadline": deadline.isoformat(),
            "late": is_late(report, deadline), "conclusion": report.conclusion})
    else:
        uow.publish("registry.annual_report.returned", org.uscc, {
            **base, "returned_on": on.isoformat(), "returned_by": report.reviewed_by,
            "reasons": report.return_reasons})


def sweep_overdue(uow_factory: Callable[[], UnitOfWork], policy: ReportPolicy,
                  rating_policy: RatingPolicy | None = None) -> int:
    """The daily job (R4.5): registry.annual_report.overdue once per organization and year whose
    report was not submitted by its deadline, and a rated organization's grade one down (R9.6, L39
    art. 30: 未参加年度检查) - at the deadline if a late report counts as absence (a setting, off by
    default), else once a report is still missing when the inspection year closes. One transaction
    per report year and deadline."""
    late_is_absent = (rating_policy or RatingPolicy()).late_report_counts_as_absent
    today = uow_factory().clock.today()
    announced = 0
    for year in range(policy.first_year, today.year):
        for deadline, obliged in due_groups(policy, year, today):
            with uow_factory() as uow:
                uow.reports.lock_overdue_sweep()
                sweep_id = str(uuid.uuid4())
                if uow.reports.mark_overdue(year, deadline, obliged, today, sweep_id):
                    # set-based: the facts just inserted become their events (outbox, same transaction)
                    announced += uow.reports.announce_overdue(sweep_id, uow.source, uow.clock.now())
                    if late_is_absent:
                        ratings.downgrade_for_overdue(uow, sweep_id)  # R9.6: same transaction
                uow.commit()
        if not late_is_absent and absence_settled_on(year) < today:
            with uow_factory() as uow:
                uow.reports.lock_overdue_sweep()
                ratings.downgrade_for_absence(uow, year)  # R9.6: still missing at the year's end
                uow.commit()
    return announced


def due_groups(policy: ReportPolicy, year: int, today: date) -> list[tuple[date, list[tuple[str, date]]]]:
    """The organization types whose deadline for `year` has passed, grouped by deadline, each with
    the last registration date that still owes the report (R4.2)."""
    groups: dict[date, list[tuple[str, date]]] = {}
    for org_type in ORG_TYPES:
        deadline = policy.deadline(org_type, year)
        if deadline < today:
            groups.setdefault(deadline, []).append((org_type, policy.registered_by(org_type, year)))
    return sorted(groups.items())


def _dec(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))
