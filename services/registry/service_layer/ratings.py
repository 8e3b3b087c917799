"""Evaluation-rating handlers (issue 3; domain-rules §9): award, expire, downgrade."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from services.registry.domain import rating as rules
from services.registry.domain.annual_report import AnnualReport, FilingOrganization, ReportPolicy
from services.registry.domain.model import Organization
from services.registry.domain.rating import Award, Rating, RatingChange, RatingPolicy
from services.registry.domain.report_commands import AwardRating, DowngradeForPenalty, DowngradeForSeriousList
from services.registry.service_layer import certificates
from services.registry.service_layer.lookups import organization
from services.registry.service_layer.ports import UnitOfWork

PENALTY_NAMES = {"warning": "警告", "fine": "罚款", "confiscation": "没收违法所得/非法财产", "suspension": "限期停止活动",
                 "revocation": "撤销登记"}


def award_rating(cmd: AwardRating, uow: UnitOfWork, policy: RatingPolicy, report_policy: ReportPolicy) -> Rating:
    """R9.2-R9.4: eligibility, exclusions, one rating per validity period (409 naming the rule)."""
    award = Award(cmd.grade, cmd.score, cmd.awarded_on, cmd.evaluating_body)
    with uow:
        org = organization(uow, cmd.uscc)
        org.ensure_active("be rated")
        rules.check_fields(org, award, uow.clock.today(), policy)
        uow.ratings.lock_organization(org.uscc)
        history = uow.ratings.history(org.uscc)
        replaced = check_award(uow, org, award, history, policy, report_policy)
        if replaced is not None:
            replaced.status, replaced.ended_on = "superseded", award.awarded_on
        rating = rules.new_rating(org, award, cmd.by, uow.clock.now(), policy)
        uow.ratings.add(rating)
        announce_award(uow, rating)
        certificates.issue_for_award(uow, rating)  # R9.1: 3A+ with its numbered certificate and plaque
        uow.commit()
    return rating


def check_award(uow: UnitOfWork, org: Organization, award: Award, history: list[Rating], policy: RatingPolicy,
                report_policy: ReportPolicy) -> Rating | None:
    replaced = rules.check_period(award, history, policy)
    rules.check_eligible(org, award, history, policy)
    due = last_report_due(org.type, award.awarded_on, report_policy)
    standing = uow.reports.standing(org.uscc, [due, due - 1])
    rules.check_not_excluded(org, award, due, standing,
                             lambda y: report_policy.obliged(org.type, org.registered_on, y),
                             uow.organizations.penalty_dates(org.uscc))
    rules.check_not_investigated(org.uscc, award.awarded_on, uow.investigations.of(org.uscc))
    return replaced


def last_report_due(org_type: str, on: date, policy: ReportPolicy) -> int:
    """The previous year's report once its deadline has passed, else the one before (R4.1)."""
    previous = on.year - 1
    return previous if policy.deadline(org_type, previous) < on else previous - 1


def announce_award(uow: UnitOfWork, rating: Rating) -> None:
    uow.publish("registry.rating.awarded", rating.uscc, {
        "uscc": rating.uscc, "rating_id": rating.id, "grade": rating.original_grade, "score": f"{rating.score:.2f}",
        "awarded_on": rating.awarded_on.isoformat(), "expires_on": rating.expires_on.isoformat(),
        "evaluating_body": rating.evaluating_body, "awarded_by": rating.awarded_by})


def announce_expiry(uow: UnitOfWork, rating: Rating) -> None:
    uow.publish("registry.rating.expired", rating.uscc, {
        "uscc": rating.uscc, "rating_id": rating.id, "grade": rating.grade,
        "awarded_on": rating.awarded_on.isoformat(), "expired_on": rating.expires_on.isoformat()})


def sweep_expired(uow_factory: Callable[[], UnitOfWork]) -> int:
    """The daily job (R9.4, L39 art. 28): registry.rating.expired once per grade at the end of its validity."""
    with uow_factory() as uow:
        uow.ratings.lock_expiry_sweep()
        due = uow.ratings.due_to_expire(uow.clock.today())
        for rating in due:
            rating.expire()
            announce_expiry(uow, rating)
        uow.commit()
    return len(due)


def downgrade_for_penalty(cmd: DowngradeForPenalty, uow: UnitOfWork) -> RatingChange | None:
    """R9.6 (L39 art. 30): an administrative penalty (a warning alone suffices) lowers the grade the
    organization held when it took effect by one. Inside the consumer's transaction; once per penalty."""
    current = _current(uow, cmd.uscc, cmd.effective_on)
    if current is None:
        return None
    reason = f"{cmd.effective_on} 受到行政处罚（{PENALTY_NAMES.get(cmd.kind, cmd.kind)}）"
    return _downgrade(uow, current, reason, f"penalty {cmd.penalty_id}")


def downgrade_for_overdue(uow: UnitOfWork, sweep_id: str) -> list[RatingChange]:
    """R9.6 (L39 art. 30, 上年度未参加年度检查), where a late report counts as absence (setting
    SOCREG_RATING_LATE_REPORT_COUNTS_AS_ABSENT): a report not submitted by its deadline lowers the
    grade held on the deadline by one. In the overdue sweep's transaction; once per report year."""
    changes = []
    for uscc, year, deadline in uow.ratings.rated_in_overdue_sweep(sweep_id):
        reason = f"{year} 年度工作报告未在 {deadline} 前报送（未参加年度检查）"
        changes += _absent(uow, uscc, year, deadline, reason)
    return changes


def downgrade_for_absence(uow: UnitOfWork, year: int) -> list[RatingChange]:
    """R9.6 (L39 art. 30, 上年度未参加年度检查), the default: a report filed late is not absence; one
    still not submitted when the inspection year closes (rules.absence_settled_on) lowers the grade held
    on its deadline by one. In the overdue sweep's transaction; once per report year (the same cause as
    downgrade_for_overdue, so switching the setting never lowers a grade twice for one year)."""
    closed_on = rules.absence_settled_on(year)
    changes = []
    for uscc, year_, deadline in uow.ratings.rated_absent(year, closed_on):
        reason = f"{year_} 年度工作报告至 {closed_on} 仍未报送（未参加年度检查）"
        changes += _absent(uow, uscc, year_, deadline, reason)
    return changes


def _absent(uow: UnitOfWork, uscc: str, year: int, deadline: date, reason: str) -> list[RatingChange]:
    current = _current(uow, uscc, deadline)
    change = None if current is None else _downgrade(uow, current, reason, f"annual report {year} overdue")
    return [change] if change else []


def downgrade_for_serious_list(cmd: DowngradeForSeriousList, uow: UnitOfWork,
                               policy: RatingPolicy) -> RatingChange | None:
    """R8.5.1 and R9.6 (L60): the serious list is an important reference for lowering or cancelling
    the grade; what it does is a setting ([UNCONFIRMED]: downgrade by one, cancel, or nothing). A
    listing for a penalty is not downgraded again (the penalty did it). The grade held on the listing
    day; once per entry, whether it came as added or escalated, or again as a correction."""
    cancel = policy.serious_list_effect == "cancel"
    if policy.serious_list_effect == "none" or (not cancel and cmd.trigger in rules.PENALTY_TRIGGERS):
        return None  # a penalty's listing: the penalty itself lowered the grade (one act, one downgrade)
    current = _current(uow, cmd.uscc, cmd.on)
    if current is None:
        return None
    reason = f"{cmd.on} 被列入严重违法失信名单（{cmd.trigger}）"
    return _downgrade(uow, current, reason, f"serious list {cmd.entry_id}", cancel=cancel,
                      legal_basis=rules.RULE_SERIOUS_LIST)


def downgrade_for_conclusion(uow: UnitOfWork, org: Organization | FilingOrganization,
                             report: AnnualReport) -> RatingChange | None:
    """R9.6 (L39 art. 30): 年检不合格, or 基本合格 two years running, lowers the grade by one."""
    before = uow.reports.standing(org.uscc, [report.year - 1]).get(report.year - 1)
    reason = rules.downgrade_reason_for_conclusion(report.year, report.conclusion, before and before.conclusion)
    if reason is None:
        return None
    current = _current(uow, org.uscc, uow.clock.today())
    return None if current is None else _downgrade(uow, current, reason, f"annual report {report.year}")


def _current(uow: UnitOfWork, uscc: str, since: date) -> Rating | None:
    """The grade valid today that was already held on `since`."""
    today = uow.clock.today()
    held = [r for r in uow.ratings.history(uscc) if r.status == "valid" and r.valid_on(today) and r.awarded_on <= since]
    return held[-1] if held else None


def _downgrade(uow: UnitOfWork, rating: Rating, reason: str, cause: str, *, cancel: bool = False,
               legal_basis: str = rules.RULE_DOWNGRADE) -> RatingChange | None:
    assert rating.id is not None
    if uow.ratings.has_change(rating.id, cause):
        return None
    today, now = uow.clock.today(), uow.clock.now()
    if cancel:
        change = rating.cancel(today, reason, cause, now, legal_basis)
    else:
        change = rating.downgrade(today, reason, cause, now)
        change.legal_basis = legal_basis
    uow.ratings.add_change(change)
    uow.publish("registry.rating.downgraded", rating.uscc, {
        "uscc": rating.uscc, "rating_id": rating.id, "awarded_on": rating.awarded_on.isoformat(),
        "expires_on": rating.expires_on.isoformat(), "from_grade": change.from_grade, "to_grade": change.to_grade,
        "on": change.changed_on.isoformat(), "reason": reason, "legal_basis": change.legal_basis, "trigger": cause})
    certificates.recall_for(uow, rating, change)  # R9.6: the old certificate and plaque back within 15 days
    return change
