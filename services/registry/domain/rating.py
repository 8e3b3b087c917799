"""Evaluation ratings (社会组织评估等级, domain-rules §9; 民政部令第39号 = L39). Plain Python.

Five grades, 5A highest (R9.1); eligibility (R9.2, L39 art. 6), exclusions (R9.3, L39 art. 7 and
the national rule on credit lists and the annual-report duty), validity of 5 years (R9.4, L39
art. 28), one grade down on a penalty or a failed annual inspection (R9.6, L39 art. 30).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from services.registry.domain.annual_report import FilingOrganization
from services.registry.domain.investigation import Investigation
from services.registry.domain.model import Organization

OrgFacts = Organization | FilingOrganization
from shared.errors import RuleFailures, RuleViolation

GRADES = ("1A", "2A", "3A", "4A", "5A")  # low to high (R9.1, L39 art. 26)
STATUSES = {"valid": "有效", "expired": "已到期", "superseded": "已被新等级取代", "cancelled": "已取消"}
RULE_ONE_PER_PERIOD = "L39 art. 28 (valid 5 years) and art. 6: one rating per validity period"
RULE_EXCLUDED = "L39 art. 7 (不予评估); R9.3"
RULE_DOWNGRADE = "L39 art. 30 (降级); R9.6"
RULE_SERIOUS_LIST = "L60 (严重违法失信名单: 降低或者取消评估等级的重要参考); R8.5.1, R9.6"
RULE_INVESTIGATED = "L39 art. 7(4) (正在被有关政府部门或者司法机关立案调查: 不予评估); R9.3"
SERIOUS_LIST_EFFECTS = ("downgrade", "cancel", "none")  # R9.6/R8.5.1 [UNCONFIRMED]: a setting
# serious-list triggers (R8.3 #3, #4, #5, #7; the credit engine's codes) that are penalties: the
# penalty lowers the grade itself (R9.6), so a downgrade for the listing would count one act twice
PENALTY_TRIGGERS = frozenset({"suspension", "large_fine", "repeat_penalties", "revoked"})


@dataclass(frozen=True)
class RatingPolicy:
    validity_years: int = 5  # R9.4 L39 art. 28
    min_full_years: int = 2  # R9.2 L39 art. 6
    promotion_after_years: int = 0  # R9.2 晋级评估 [LOCAL]; 0: not allowed
    score_bands: tuple[Decimal, ...] = ()  # R9.8 [LOCAL]: lowest score of 1A..5A; empty: not checked
    serious_list_effect: str = "downgrade"  # R8.5.1/R9.6 [UNCONFIRMED]: downgrade | cancel | none
    # R9.6 上年度未参加年度检查: a report filed after its deadline counts as not taking part only if the
    # rulebook says so (it does not); off: only a report still missing when the inspection year closes
    late_report_counts_as_absent: bool = False


@dataclass(frozen=True)
class Award:
    grade: str
    score: Decimal
    awarded_on: date
    evaluating_body: str


@dataclass(frozen=True)
class ReportStanding:
    """What the rating rules need of one year's annual report."""

    year: int
    state: str
    conclusion: str | None
    first_submitted_on: date | None


@dataclass
class RatingChange:
    rating_id: int
    uscc: str
    changed_on: date
    from_grade: str
    to_grade: str | None
    reason: str
    legal_basis: str
    cause: str
    recorded_at: datetime
    id: int | None = None


@dataclass
class Rating:
    uscc: str
    grade: str
    original_grade: str
    score: Decimal
    awarded_on: date
    expires_on: date
    evaluating_body: str
    awarded_by: str
    awarded_at: datetime
    status: str = "valid"
    ended_on: date | None = None
    version: int = 1
    id: int | None = None

    def valid_on(self, day: date) -> bool:
        end = self.ended_on if self.status in ("superseded", "cancelled") and self.ended_on else self.expires_on
        return self.awarded_on <= day < min(end, self.expires_on)

    def downgrade(self, on: date, reason: str, cause: str, at: datetime) -> RatingChange:
        """One grade down (every MCA example); below 1A no grade is left."""
        lower = GRADES.index(self.grade) - 1
        to_grade = GRADES[lower] if lower >= 0 else None
        assert self.id is not None
        change = RatingChange(self.id, self.uscc, on, self.grade, to_grade, reason, RULE_DOWNGRADE, cause, at)
        if to_grade is None:
            self.status, self.ended_on = "cancelled", on
        else:
            self.grade = to_grade
        return change

    def cancel(self, on: date, reason: str, cause: str, at: datetime, legal_basis: str) -> RatingChange:
        """取消评估等级: no grade is left (R9.6; the grounds are a setting where the rules are UNCONFIRMED)."""
        assert self.id is not None
        change = RatingChange(self.id, self.uscc, on, self.grade, None, reason, legal_basis, cause, at)
        self.status, self.ended_on = "cancelled", on
        return change

    def expire(self) -> None:
        self.status, self.ended_on = "expired", self.expires_on


def years_after(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def full_years(registered_on: date, on: date) -> int:
    """Complete calendar years (年度) between registration and `on` (R9.2 满两个年度)."""
    first = registered_on.year if (registered_on.month, registered_on.day) == (1, 1) else registered_on.year + 1
    return max(0, on.year - first)


def new_rating(org: OrgFacts, award: Award, by: str, at: datetime, policy: RatingPolicy) -> Rating:
    return Rating(org.uscc, award.grade, award.grade, award.score, award.awarded_on,
                  years_after(award.awarded_on, policy.validity_years), award.evaluating_body, by, at)


def check_fields(org: OrgFacts, award: Award, today: date, policy: RatingPolicy) -> None:
    failures = RuleFailures()
    if award.awarded_on > today:
        failures.add("awarded_on", f"awarded_on {award.awarded_on} lies in the future (today is {today})",
                     "awarded_on.not_future")
    if award.awarded_on < org.registered_on:
        failures.add("awarded_on", f"awarded_on {award.awarded_on} precedes the registration ({org.registered_on})",
                     "awarded_on.after_registration")
    bands = policy.score_bands
    if bands:
        expected = next((GRADES[i] for i in range(len(bands) - 1, -1, -1) if award.score >= bands[i]), None)
        if expected != award.grade:
            failures.add("grade", f"a score of {award.score} gives {expected or 'no grade'}, not {award.grade} "
                         "(score bands: setting SOCREG_RATING_SCORE_BANDS)", "R9.8 score bands")
    failures.raise_if_any()


def check_period(award: Award, history: list[Rating], policy: RatingPolicy) -> Rating | None:
    """L39 arts 6, 28: no second rating while a grade is valid (unless promotion, [LOCAL], is allowed
    after N years: the grade it replaces is returned). Ratings are recorded in award order."""
    if not history:
        return None
    latest = max(history, key=lambda r: r.awarded_on)
    if award.awarded_on < latest.awarded_on:
        raise RuleViolation(f"a later rating ({latest.grade}, {latest.awarded_on}) is on record; ratings are "
                            "recorded in the order they were awarded", rule="L39 ratings in award order")
    if not latest.valid_on(award.awarded_on):
        return None
    promotion = policy.promotion_after_years
    if promotion and award.awarded_on >= years_after(latest.awarded_on, promotion):
        return latest
    raise RuleViolation(f"{latest.uscc} holds {latest.grade} awarded on {latest.awarded_on}, valid until "
                        f"{latest.expires_on}: a second rating in the same validity period is not allowed",
                        rule=RULE_ONE_PER_PERIOD)


def check_eligible(org: OrgFacts, award: Award, history: list[Rating], policy: RatingPolicy) -> None:
    """R9.2 (L39 art. 6): 2 full years registered and never evaluated, or the previous grade ended."""
    if history:
        return  # check_period made sure no grade is valid any more
    years = full_years(org.registered_on, award.awarded_on)
    if years < policy.min_full_years:
        raise RuleViolation(f"registered on {org.registered_on}: {years} full year(s) by {award.awarded_on}, "
                            f"{policy.min_full_years} needed (取得登记证书满两个年度)", rule="L39 art. 6; R9.2")


def check_not_excluded(org: OrgFacts, award: Award, due_year: int, standing: dict[int, ReportStanding],
                       obliged: Callable[[int], bool], penalties: list[date]) -> None:
    """R9.3 (L39 art. 7): the last annual report due (the previous year's, once its deadline has
    passed) missing, returned or failed; a penalty in the previous year (or since); on the abnormal
    or serious credit list."""
    if obliged(due_year):
        _check_report(org.uscc, award.awarded_on, due_year, standing)
    since = date(award.awarded_on.year - 1, 1, 1)
    recent = sorted(p for p in penalties if since <= p <= award.awarded_on)
    if recent:
        raise RuleViolation(f"administrative penalty of {recent[0]} (since {since}): 不予评估", rule=RULE_EXCLUDED)
    listed = [name for name in ("abnormal", "serious") if org.on_list(name)]
    if listed:
        raise RuleViolation(f"{org.uscc} is on the {' and '.join(listed)} credit list: 不予评估",
                            rule=f"{RULE_EXCLUDED} (national rule 2021: 活动异常名录 / 严重违法失信名单)")


def check_not_investigated(uscc: str, on: date, investigations: list[Investigation]) -> None:
    """R9.3 (L39 art. 7(4)): not evaluated while a case against the organization is open."""
    open_cases = [i for i in investigations if i.open_on(on)]
    if open_cases:
        case = open_cases[0]
        raise RuleViolation(f"{uscc} is under investigation by {case.authority} (case {case.case_number}, opened "
                            f"{case.opened_on}) on {on}: 不予评估", rule=RULE_INVESTIGATED)


def _check_report(uscc: str, on: date, year: int, standing: dict[int, ReportStanding]) -> None:
    report = standing.get(year)
    if report is None or report.first_submitted_on is None or report.first_submitted_on > on:
        raise RuleViolation(f"{uscc} had not submitted its {year} annual report by {on}: 不予评估",
                            rule=f"{RULE_EXCLUDED} (未履行上年度年度工作报告义务)")
    if report.state == "returned":
        raise RuleViolation(f"the {year} annual report of {uscc} was returned and not yet corrected: 不予评估",
                            rule=f"{RULE_EXCLUDED} (上年度年检)")
    if report.conclusion == "unqualified":
        raise RuleViolation(f"the {year} annual inspection of {uscc} concluded 不合格: 不予评估", rule=RULE_EXCLUDED)
    before = standing.get(year - 1)
    if report.conclusion == "basically_qualified" and before and before.conclusion == "basically_qualified":
        raise RuleViolation(f"{uscc} was 基本合格 in {year - 1} and {year}: 不予评估", rule=RULE_EXCLUDED)


def downgrade_reason_for_conclusion(year: int, conclusion: str | None, previous: str | None) -> str | None:
    """R9.6: 不合格 in the annual inspection, or 基本合格 for two consecutive years."""
    if conclusion == "unqualified":
        return f"{year} 年度检查不合格"
    if conclusion == "basically_qualified" and previous == "basically_qualified":
        return f"{year - 1}、{year} 年度检查连续两年基本合格"
    return None


def absence_settled_on(year: int) -> date:
    """R9.6 上年度未参加年度检查, when a late report does not count as absence (the default): the
    inspection of `year`'s report is held in the following year, so an organization that had submitted
    nothing by that year's end did not take part in it (a design choice; the rulebook names no day)."""
    return date(year + 1, 12, 31)
