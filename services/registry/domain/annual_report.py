"""Annual reports (年度工作报告; 年检改年报, domain-rules §4, §5): one per organization and year.

Workflow: draft (saved any number of times) -> submitted -> accepted, or returned with reasons ->
corrected -> resubmitted. Every transition is kept with who and when. Plain Python.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from services.registry.domain.model import STATUSES as STATUSES_ORG
from services.registry.domain.model import Organization
from services.registry.domain.regulatory import RegulatoryPolicy
from shared.errors import RuleFailures, RuleViolation

STATES = {"draft": "草稿", "submitted": "已报送", "accepted": "已通过", "returned": "已退回"}
FILED = ("submitted", "accepted", "returned")  # states a submission has reached
CONCLUSIONS = {"qualified": "合格", "basically_qualified": "基本合格", "unqualified": "不合格"}  # R4.3
RULE_ONE_REPORT = "R4 one report per organization and year (SHT art. 28; MFQ art. 23; JJH art. 36)"
RULE_LOCKED = "R4.4 Fujian 2022 [LOCAL]: filing locked after more than N returns (setting SOCREG_ANNUAL_REPORT_MAX_RETURNS)"


@dataclass(frozen=True)
class ReportPolicy:
    """The settings the report rules read (R4.1, R4.2 and R5 are partly LOCAL: settings)."""

    first_year: int = 2020  # R4.4 年检改年报: the first year the register holds (and sweeps)
    deadline_foundation: tuple[int, int] = (3, 31)  # R4.1 JJH art. 36
    deadline_other: tuple[int, int] = (5, 31)  # R4.1 SHT art. 28; MFQ art. 23
    exempt_months: tuple[tuple[str, int], ...] = (("social_group", 6), ("social_service", 6), ("foundation", 0))
    audit_foundations: bool = True  # R5.1 JJH art. 36
    audit_public_fundraising: bool = True  # R5.1 CSF23 art. 78
    max_returns: int = 5  # R4.4 Fujian 2022 [LOCAL]: locked after more than 5 returns; 0: never locked
    regulatory: RegulatoryPolicy = field(default_factory=RegulatoryPolicy)

    def deadline(self, org_type: str, year: int) -> date:
        """R4.1: the last day to submit the report on `year` (foundations 31 March, others 31 May)."""
        month, day = self.deadline_foundation if org_type == "foundation" else self.deadline_other
        return date(year + 1, month, min(day, calendar.monthrange(year + 1, month)[1]))

    def registered_by(self, org_type: str, year: int) -> date:
        """R4.2: an organization registered after this day is exempt from the report on `year`
        (L27 art. 3: a 民非 registered less than 6 months before 31 December)."""
        months = dict(self.exempt_months).get(org_type, 0)
        month, y = 12 - months, year
        if month <= 0:
            month, y = month + 12, year - 1
        return date(y, month, calendar.monthrange(y, month)[1])

    def obliged(self, org_type: str, registered_on: date, year: int) -> bool:
        return year >= self.first_year and registered_on <= self.registered_by(org_type, year)

    def audit_required(self, filer: "Filer") -> bool:
        """R5.1/R5.2: foundations (JJH art. 36) and public-fundraising charities (CSF23 art. 78)."""
        return ((self.audit_foundations and filer.type == "foundation")
                or (self.audit_public_fundraising and filer.charity and filer.public_fundraising))


@dataclass(frozen=True)
class FilingOrganization:
    """What filing needs of the organization (read as plain data: filing changes only the report)."""

    uscc: str
    type: str
    status: str
    registered_on: date
    charity: bool
    charity_since: date | None
    fundraising_qualified_on: date | None
    foundation_kind: str | None
    credit_lists: str = ""

    def on_list(self, name: str) -> bool:
        return name in self.credit_lists.split(",")

    def ensure_active(self, action: str) -> None:
        if self.status != "active":
            raise RuleViolation(
                f"{self.uscc} is {STATUSES_ORG[self.status]} ({self.status}) and can no longer {action}",
                rule="R2.3/R2.4 deregistered or revoked organizations are closed "
                     "(SHT art. 33; MFQ art. 28; JJH art. 44)")


@dataclass(frozen=True)
class Filer:
    """What the report rules know of the organization, as it stood at the end of the report year."""

    uscc: str
    type: str
    charity: bool
    public_fundraising: bool
    foundation_kind: str | None
    charity_since: date | None

    @classmethod
    def of(cls, org: Organization | FilingOrganization, year: int) -> "Filer":
        year_end = date(year, 12, 31)
        charity = org.charity and org.charity_since is not None and org.charity_since <= year_end
        fundraising = org.fundraising_qualified_on is not None and org.fundraising_qualified_on <= year_end
        return cls(org.uscc, org.type, charity, charity and fundraising, org.foundation_kind,
                   org.charity_since if charity else None)


def check_can_file(org: Organization | FilingOrganization, year: int, today: date) -> None:
    """A report covers a completed year since registration (R4.1), by an active organization (R2.3/R2.4)."""
    org.ensure_active("file an annual report")
    failures = RuleFailures()
    if year < org.registered_on.year:
        failures.add("year", f"{org.uscc} was registered on {org.registered_on}: no report on {year} "
                     "(a report covers a year since registration)", "R4.1 year.since_registration")
    if year >= today.year:
        failures.add("year", f"the report on {year} can be filed once the year is over (today is {today})",
                     "R4.1 year.completed")
    failures.raise_if_any()


@dataclass
class Transition:
    uscc: str
    year: int
    action: str  # created | corrected | submitted | resubmitted | accepted | returned
    from_state: str | None
    to_state: str
    actor: str
    at: datetime
    note: str | None = None
    id: int | None = None


@dataclass
class AnnualReport:
    uscc: str
    year: int
    created_by: str
    created_at: datetime
    state: str = "draft"
    content: dict[str, Any] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)
    return_reasons: list[str] = field(default_factory=list)
    conclusion: str | None = None
    updated_by: str | None = None
    updated_at: datetime | None = None
    first_submitted_at: datetime | None = None
    first_submitted_on: date | None = None
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    submissions: int = 0
    returns: int = 0
    income_total: Decimal | None = None
    net_assets_total: Decimal | None = None
    version: int = 1
    income_adjusted: Decimal | None = None  # N189 art. 10 上年总收入 of this year (R10.3.2)
    returns_unlocked: int = 0  # returns the registrar has unlocked (R4.4 lock counts those after)

    @classmethod
    def start(cls, uscc: str, year: int, content: dict[str, Any], by: str,
              at: datetime) -> tuple["AnnualReport", Transition]:
        report = cls(uscc, year, by, at, content=content, updated_by=by, updated_at=at)
        report._figures()
        return report, Transition(uscc, year, "created", None, "draft", by, at)

    def save(self, content: dict[str, Any], by: str, at: datetime) -> Transition | None:
        """A draft is saved any number of times; a returned report is corrected (kept as a transition)."""
        self.ensure_open("be changed")
        self.content, self.updated_by, self.updated_at = content, by, at
        self._figures()
        if self.state == "returned":
            return Transition(self.uscc, self.year, "corrected", "returned", "returned", by, at)
        return None

    def submit(self, by: str, at: datetime, today: date, findings: list[dict[str, Any]]) -> Transition:
        self.ensure_open("be submitted again")
        action = "resubmitted" if self.state == "returned" else "submitted"
        previous = self.state
        if self.first_submitted_at is None:
            self.first_submitted_at, self.first_submitted_on = at, today
        self.state, self.submitted_by, self.submitted_at, self.findings = "submitted", by, at, findings
        self.submissions += 1
        return Transition(self.uscc, self.year, action, previous, "submitted", by, at)

    def accept(self, by: str, at: datetime, conclusion: str | None) -> Transition:
        self._ensure_under_review()
        self.state, self.reviewed_by, self.reviewed_at, self.conclusion = "accepted", by, at, conclusion
        self.return_reasons = []
        note = f"conclusion: {CONCLUSIONS[conclusion]} ({conclusion})" if conclusion else None
        return Transition(self.uscc, self.year, "accepted", "submitted", "accepted", by, at, note)

    def give_back(self, by: str, at: datetime, reasons: list[str]) -> Transition:
        self._ensure_under_review()
        self.state, self.reviewed_by, self.reviewed_at, self.return_reasons = "returned", by, at, list(reasons)
        self.returns += 1
        return Transition(self.uscc, self.year, "returned", "submitted", "returned", by, at, "; ".join(reasons))

    def locked(self, max_returns: int) -> bool:
        """R4.4 (Fujian 2022, LOCAL): after more than `max_returns` returns the organization can no
        longer correct or resubmit the report; the registrar can unlock it."""
        return max_returns > 0 and self.returns - self.returns_unlocked > max_returns

    def ensure_not_locked(self, max_returns: int) -> None:
        if self.locked(max_returns):
            raise RuleViolation(f"the {self.year} report of {self.uscc} was returned {self.returns} times "
                                f"(more than {max_returns}): filing is locked until the registrar unlocks it",
                                rule=RULE_LOCKED)

    def unlock(self, by: str, at: datetime, max_returns: int, reason: str) -> Transition:
        if not self.locked(max_returns):
            raise RuleViolation(f"the {self.year} report of {self.uscc} is not locked "
                                f"({self.returns - self.returns_unlocked} return(s) counted, limit {max_returns})",
                                rule=RULE_LOCKED)
        self.returns_unlocked = self.returns
        return Transition(self.uscc, self.year, "unlocked", self.state, self.state, by, at, reason)

    def ensure_open(self, action: str) -> None:
        if self.state == "submitted":
            raise RuleViolation(f"the {self.year} report of {self.uscc} was submitted on {self.first_submitted_on} "
                                f"and awaits review: it cannot {action} until it is returned", rule=RULE_ONE_REPORT)
        if self.state == "accepted":
            raise RuleViolation(f"the {self.year} report of {self.uscc} was accepted: it is final",
                                rule=RULE_ONE_REPORT)

    def _ensure_under_review(self) -> None:
        if self.state != "submitted":
            raise RuleViolation(f"only a submitted report can be reviewed; the {self.year} report of {self.uscc} "
                                f"is {STATES[self.state]} ({self.state})", rule="R4 review follows submission")

    def _figures(self) -> None:
        """Two figures kept as columns, for the next years' spending rules (R10.3 averages)."""
        finances = self.content.get("finances") or {}
        income = finances.get("income") or {}
        self.income_total = _amount(income.get("total"))
        self.net_assets_total = _amount((finances.get("net_assets") or {}).get("total"))
        self.income_adjusted = adjusted_income(self.income_total, income.get("restricted_to_later_years"),
                                               income.get("released_from_time_restriction"))


def adjusted_income(total: Decimal | None, restricted_to_later_years: object,
                    released_from_time_restriction: object) -> Decimal | None:
    """N189 art. 10 (R10.3.2): 上年总收入 = the year's actual income − income restricted to later years
    + net assets released from time restriction in the year (an adjustment not given counts as 0)."""
    if total is None:
        return None
    return total - (_amount(restricted_to_later_years) or 0) + (_amount(released_from_time_restriction) or 0)


def is_late(report: AnnualReport, deadline: date) -> bool:
    return report.first_submitted_on is not None and report.first_submitted_on > deadline


def _amount(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))
