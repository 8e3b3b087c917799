"""Supervision rules (domain-rules.md §2.4, §6, §7, §8.2), each naming its article.

Field rules collect into a 422 listing every failing field; rules that forbid an action in the
present state raise 409 with the rule named.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from services.inspection.domain.model import (CHECK_ITEMS, SCHEDULED_CHECK_ITEMS, Conflict, DirectoryEntry,
                                              Rectification)
from shared.errors import InvalidInput, RuleFailures, RuleViolation

RULE_INSPECTORS = "R6.4 L45 art. 7; CSF23 art. 105 (不得少于二人)"
RULE_CONFLICT = "R6.4 L45 art. 7 (回避)"
RULE_ITEMS = "R6.3 L45 art. 6 (scheduled: annual report, disclosure, governance, finances, activities)"
RULE_NOTICE = "R6.3 L45 (the organization is told what will be checked and what is required)"
RULE_UNCONTACTABLE = "R8.2.1 L60 (two special letters unsigned; interval [DRAFT-ONLY])"
RULE_PENALTY = "R2.4.2 SHT art. 30; MFQ art. 25; JJH art. 42"


@dataclass(frozen=True)
class Policy:
    """The settings the rules read (values domain-rules.md tags UNCONFIRMED/LOCAL/DRAFT live here)."""

    min_ratio_city: Decimal = Decimal(4)
    min_ratio_district: Decimal = Decimal(3)
    default_ratio_charity: Decimal = Decimal(100)
    min_inspectors_per_task: int = 2
    conflict_years: int = 2
    publication_working_days: int = 20
    holidays: frozenset[date] = frozenset()
    letter_interval_days: tuple[int, int] = (20, 60)
    notice_prefix: str = "厦民社整"
    entry_working_days: int = 5  # R8.1.2 L60: information entered within 5 working days of the facts


# ------------------------------------------------------------------------------------------ dates


def years_after(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def add_working_days(start: date, days: int, holidays: frozenset[date]) -> date:
    """The day `days` working days after `start` (weekends and the configured holidays skipped)."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            left -= 1
    return current


# ------------------------------------------------------------------------------------------ plans


def minimum_ratio(levels: list[str], policy: Policy) -> Decimal:
    """A scheduled plan's default ratio: the L45 art. 5 share of its level (district-level only: the
    district's, anything else the city's). The share itself binds per authority per year, not per plan
    (domain.coverage)."""
    return policy.min_ratio_district if levels == ["district"] else policy.min_ratio_city


def default_ratio(levels: list[str], charity: bool | None, policy: Policy) -> Decimal:
    if charity is True:
        return policy.default_ratio_charity  # R6.6 [LOCAL]: every charity, every year
    return minimum_ratio(levels, policy)


def check_plan_fields(kind: str, year: int, check_items: list[str], draw_dates: list[date], today: date,
                      ratio: Decimal | None, count: int | None) -> None:
    f = RuleFailures()
    if ratio is not None and count is not None:
        f.add("count", "give a ratio or a count, not both", "plan.ratio_or_count")
    unknown = [i for i in check_items if i not in CHECK_ITEMS]
    for item in unknown:
        f.add("check_items", f"unknown check item {item!r}; known: {', '.join(CHECK_ITEMS)}", "plan.check_items")
    if len(set(check_items)) != len(check_items):
        f.add("check_items", "a check item is listed twice", "plan.check_items")
    if draw_dates != sorted(set(draw_dates)):
        f.add("draw_dates", "draw dates must be ascending and distinct (one per round)", "plan.draw_dates")
    for d in draw_dates:
        if d.year != year:
            f.add("draw_dates", f"draw date {d} lies outside the plan year {year}", "plan.draw_dates")
    f.raise_if_any()
    if year < today.year:
        raise RuleViolation(f"a plan for {year} cannot be made in {today.year}", rule="plan.year not in the past")
    missing = [i for i in SCHEDULED_CHECK_ITEMS if i not in check_items]
    if kind == "scheduled" and missing:
        raise RuleViolation(f"a scheduled inspection checks every item of L45 art. 6; missing: {', '.join(missing)}",
                            rule=RULE_ITEMS)


def check_inspectors_per_task(per_task: int, policy: Policy) -> None:
    if per_task < policy.min_inspectors_per_task:
        raise RuleViolation(f"每项检查的执法检查人员不得少于{policy.min_inspectors_per_task}人; got {per_task}",
                            rule=RULE_INSPECTORS)


# -------------------------------------------------------------------------------------- conflicts


def conflict_applies(conflict: Conflict, on: date, policy: Policy) -> bool:
    """Former work binds for `conflict_years` after it ended; relatives and declared conflicts always."""
    if conflict.kind == "former_employment":
        return conflict.ended_on is None or on <= years_after(conflict.ended_on, policy.conflict_years)
    return True


def withdrawn_by_target(conflicts: Iterable[Conflict], targets: set[str] | None, on: date,
                        policy: Policy) -> dict[str, list[str]]:
    """For each organization (of `targets`, or all): the inspectors who must withdraw on `on`."""
    out: dict[str, set[str]] = {}
    for c in conflicts:
        if (targets is None or c.uscc in targets) and conflict_applies(c, on, policy):
            out.setdefault(c.uscc, set()).add(c.inspector_id)
    return {uscc: sorted(ids) for uscc, ids in out.items()}


def check_conflict_fields(kind: str, ended_on: date | None, today: date) -> None:
    if kind == "former_employment" and ended_on is None:
        raise InvalidInput("former employment needs the date the work ended (ended_on)",
                           rule="conflict.former_employment.ended_on")
    if ended_on is not None and ended_on > today:
        raise InvalidInput(f"ended_on ({ended_on}) lies in the future", rule="conflict.ended_on.not_future")


# --------------------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Finding:
    item: str
    compliant: bool
    problem: str | None = None


def check_findings(findings: list[Finding], check_items: list[str], outcome: str) -> list[Finding]:
    """Every announced item is assessed once; a problem is described; the outcome follows the findings."""
    f = RuleFailures()
    items = [x.item for x in findings]
    for item in sorted(set(items) - set(check_items)):
        f.add("findings", f"{item!r} is not a check item of this plan ({', '.join(check_items)})", "finding.item")
    for item in [i for i in check_items if i not in items]:
        f.add("findings", f"check item {item!r} has no finding", RULE_NOTICE)
    if len(set(items)) != len(items):
        f.add("findings", "an item is assessed twice", "finding.item_once")
    for x in findings:
        if not x.compliant and not x.problem:
            f.add("findings", f"{x.item}: describe the problem found", "finding.problem")
    failed = [x for x in findings if not x.compliant]
    if outcome == "compliant" and failed:
        f.add("outcome", f"outcome compliant, but {failed[0].item} has a problem", "outcome.follows_findings")
    if outcome != "compliant" and not failed:
        f.add("outcome", f"outcome {outcome} needs at least one finding with a problem", "outcome.follows_findings")
    f.raise_if_any()
    return failed


def check_uncontactable(first: date, second: date, today: date, policy: Policy) -> None:
    low, high = policy.letter_interval_days
    if not (first < second <= today):
        raise InvalidInput("the two letters' dates must be ascending and not in the future", rule=RULE_UNCONTACTABLE)
    gap = (second - first).days
    if not low <= gap <= high:
        raise RuleViolation(f"两次专函的间隔应在{low}至{high}日之间; got {gap} days", rule=RULE_UNCONTACTABLE)


# ---------------------------------------------------------------------------------- rectification

LEGAL_BASIS_BY_TYPE = {
    "social_group": "《社会团体登记管理条例》第三十条",
    "social_service": "《民办非企业单位登记管理暂行条例》第二十五条",
    "foundation": "《基金会管理条例》第四十二条",
}


def default_legal_basis(org_type: str) -> str:
    return LEGAL_BASIS_BY_TYPE.get(org_type, "《社会组织信用信息管理办法》")


def check_deadline(deadline: date, today: date) -> None:
    if deadline <= today:
        raise InvalidInput(f"the rectification deadline ({deadline}) must come after today ({today})",
                           rule="R7.1 整改文书 sets a future deadline")


def notice_number(prefix: str, year: int, serial: int) -> str:
    return f"{prefix}〔{year}〕{serial:04d}号"


def ensure_can_respond(r: Rectification) -> None:
    if r.status == "accepted":
        raise RuleViolation(f"rectification {r.number} was already accepted", rule="R7.3 rectification.accepted")


def ensure_can_review(r: Rectification) -> None:
    if r.status != "responded":
        raise RuleViolation(f"rectification {r.number} is {r.status}: only a response can be reviewed",
                            rule="R7.3 review follows the organization's response")


def is_overdue(r: Rectification, today: date) -> bool:
    """R7.1 (L60 trigger 3): past the deadline and not accepted - unless the organization answered by the
    deadline and the answer still awaits the bureau's review: a late review is not the organization's delay
    (if the answer is then rejected, the notice counts as unmet from that review: overdue_from)."""
    return r.status != "accepted" and r.deadline < today and not answered_in_time(r)


def answered_in_time(r: Rectification) -> bool:
    """The organization's response awaits review and was given by the deadline (R7.1)."""
    return r.status == "responded" and r.responded_on is not None and r.responded_on <= r.deadline


def overdue_from(r: Rectification) -> date:
    """The first day a notice counts as unmet (R7.1): the day after the deadline, or - for an answer the bureau
    rejected after the deadline (the organization could not answer again in time) - the day of that review."""
    if (r.status == "rejected" and r.reviewed_on is not None and r.reviewed_on > r.deadline
            and r.responded_on is not None and r.responded_on <= r.deadline):
        return r.reviewed_on
    return r.deadline + timedelta(days=1)


# --------------------------------------------------------------------------------------- penalties


def check_penalty(kind: str, amount: Decimal | None, period_days: int | None, effective_on: date,
                  org: DirectoryEntry, today: date) -> None:
    f = RuleFailures()
    if kind == "fine" and (amount is None or amount <= 0):
        f.add("amount", "a fine states its amount (罚款数额)", RULE_PENALTY)
    if kind == "confiscation" and amount is not None and amount <= 0:
        f.add("amount", "the confiscated illegal gains are a positive amount", RULE_PENALTY)
    if kind not in ("fine", "confiscation") and amount is not None:
        f.add("amount", f"a {kind} carries no amount", "penalty.amount")
    if kind == "suspension" and not period_days:
        f.add("period_days", "限期停止活动 states its period", "R2.4.2 SHT art. 30; MFQ art. 25")
    if kind != "suspension" and period_days is not None:
        f.add("period_days", f"a {kind} has no period", "penalty.period_days")
    if effective_on > today:
        f.add("effective_on", f"record a penalty when it takes effect; {effective_on} is after today",
              "penalty.effective_on.not_future")
    if effective_on < org.registered_on:
        f.add("effective_on", f"{effective_on} precedes the registration ({org.registered_on})", "penalty.effective_on")
    f.raise_if_any()
    org.ensure_active("be penalized")
