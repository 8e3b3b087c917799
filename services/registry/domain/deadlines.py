"""Deadlines the law sets on registration acts (domain-rules.md §2.2, §10.1-10.2, §11), each naming its
article. A missed deadline does not void the act: the act is recorded with the dates the deadline runs
between and flagged late, so the lateness stays visible (history, events). Plain Python."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.registry.domain.model import Organization
from shared.errors import FieldError, InvalidInput, RuleViolation

CHARITY_LAW_IN_FORCE = date(2016, 9, 1)  # 《慈善法》 (CSF16) took effect: no charity status before it
CHANGE_DAYS = 30  # R2.2.1: SHT art. 18, MFQ art. 15 (from the 业务主管单位's approval); JJH art. 15 names none
DECISION_DAYS = 20  # R10.1.1 CSF23 art. 10 (recognition), R10.2.1 CSF23 art. 22 (public fundraising): 自受理之日起
RULE_CHANGE = {"social_group": "SHT art. 18", "social_service": "MFQ art. 15"}
RULE_CHARITY_SINCE = "CSF16 (in force 2016-09-01); R10.1/R10.2.1 charity status dated from recognition"


@dataclass(frozen=True)
class Deadline:
    """The dates a deadline runs between: from `start` (an approval, an application's acceptance) to `due_on`."""

    start: date
    due_on: date | None
    late: bool


def sponsor_approval(org: Organization, had_sponsor: bool, approved_on: date | None, today: date) -> Deadline | None:
    """R2.2.1: a 社团 or 民非 with a 业务主管单位 applies for change registration within 30 days of the sponsor's
    approval, whose date is therefore required; a foundation records it when given (JJH art. 15: no day count)."""
    article = RULE_CHANGE.get(org.type, "JJH art. 15")
    if approved_on is None:
        if org.type in RULE_CHANGE and (had_sponsor or org.supervising_unit):
            raise InvalidInput(f"a change of a {org.type} with a 业务主管单位 rests on its approval: give "
                               "sponsor_approved_on (R2.2.1)", rule=article,
                               errors=[FieldError("sponsor_approved_on", "required: the sponsor's approval date",
                                                  article)])
        return None
    _check_day("sponsor_approved_on", approved_on, org, today, article)
    if org.type not in RULE_CHANGE:
        return Deadline(approved_on, None, False)
    due = approved_on + timedelta(days=CHANGE_DAYS)
    return Deadline(approved_on, due, today > due)


def decision(org: Organization, applied_on: date | None, today: date, article: str) -> Deadline:
    """R10.1.1 / R10.2.1: decided within 20 days of the application's acceptance (受理); default today."""
    applied = applied_on or today
    _check_day("applied_on", applied, org, today, article)
    due = applied + timedelta(days=DECISION_DAYS)
    return Deadline(applied, due, today > due)


def charity_since(registered_on: date, given: date | None, today: date) -> date:
    """R10.1/R10.2.1: charity status dates from registration as a charity or from recognition, never before the
    Charity Law took effect; a charity migrated in without its recognition date counts from that day."""
    if given is None:
        return max(registered_on, CHARITY_LAW_IN_FORCE)
    problems = [(given < CHARITY_LAW_IN_FORCE, f"precedes the Charity Law ({CHARITY_LAW_IN_FORCE})"),
                (given < registered_on, f"precedes the registration ({registered_on})"),
                (given > today, "lies in the future")]
    for failed, message in problems:
        if failed:
            raise InvalidInput(f"charity_since {given} {message}", rule=RULE_CHARITY_SINCE,
                               errors=[FieldError("charity_since", message, RULE_CHARITY_SINCE)])
    return given


def check_recognition_day(today: date) -> None:
    if today < CHARITY_LAW_IN_FORCE:
        raise RuleViolation(f"no recognition as a charity before the Charity Law took effect ({CHARITY_LAW_IN_FORCE})",
                            rule=RULE_CHARITY_SINCE)


def _check_day(field: str, day: date, org: Organization, today: date, article: str) -> None:
    if day > today:
        raise InvalidInput(f"{field} {day} lies in the future", rule=article,
                           errors=[FieldError(field, "lies in the future", article)])
    if day < org.registered_on:
        raise InvalidInput(f"{field} {day} precedes the registration ({org.registered_on})", rule=article,
                           errors=[FieldError(field, f"precedes the registration ({org.registered_on})", article)])
