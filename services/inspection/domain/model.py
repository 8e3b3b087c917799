"""Supervision: the organization directory (a copy fed by registry events), the inspector pool, plans,
draws, tasks, rectification notices and penalties. Plain Python."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from shared.errors import RuleViolation

CITY_DIVISION = "350200"
DISTRICTS = {"350203": "思明区", "350205": "海沧区", "350206": "湖里区", "350211": "集美区",
             "350212": "同安区", "350213": "翔安区"}
ORG_TYPES = ("social_group", "social_service", "foundation")
CATEGORIES = ("industry_association", "science_technology", "charity", "community_service", "other")
LEVELS = ("city", "district")
CREDIT_LISTS = ("abnormal", "serious", "red")
RATINGS = ("1A", "2A", "3A", "4A", "5A")
# risk signals kept on the directory; late_annual_report waits for the registry's annual-report events
RISK_SIGNALS = {"late_annual_report": "年报逾期", "uncontactable": "通过登记的住所无法联系",
                "rectification_overdue": "逾期未整改", "penalized": "受过行政处罚"}

# R6.3 (L45 art. 6): what a scheduled inspection checks; unscheduled ones pick from the whole catalogue
SCHEDULED_CHECK_ITEMS = {"annual_report": "年度报告", "information_disclosure": "信息公开",
                         "internal_governance": "内部治理", "financial_status": "财务状况",
                         "business_activities": "业务活动"}
CHECK_ITEMS = {**SCHEDULED_CHECK_ITEMS, "domicile_contact": "住所联系情况", "fundraising": "公开募捐活动",
               "charitable_expenditure": "慈善活动支出和管理费用", "party_building": "党组织建设"}
METHODS = {"document": "书面检查", "onsite": "现场检查", "both": "书面检查和现场检查"}
CONFLICT_KINDS = {"former_employment": "近两年内曾在该组织任职", "relative": "近亲属在该组织任职",
                  "declared": "本人申报的其他利害关系"}
PENALTY_KINDS = {"warning": "警告", "fine": "罚款", "confiscation": "没收违法所得",
                 "replace_officials": "责令撤换直接负责的主管人员", "suspension": "限期停止活动", "revocation": "撤销登记"}
# the measure that names a decision (its `kind`): the most severe it contains
SEVERITY = ("revocation", "suspension", "fine", "confiscation", "replace_officials", "warning")
OUTCOMES = {"compliant": "未发现问题", "rectification": "责令整改", "penalty": "行政处罚"}


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(8)}"


def csv_set(value: str | None) -> set[str]:
    return {x for x in (value or "").split(",") if x}


def csv_of(values: set[str] | list[str]) -> str:
    return ",".join(sorted(set(values)))


@dataclass
class DirectoryEntry:
    """What inspection needs to know of an organization, learnt from registry.* events."""

    uscc: str
    name: str
    type: str
    category: str
    level: str
    district: str
    domicile: str
    registered_on: date
    status: str = "active"
    charity: bool = False
    fundraising_qualified: bool = False
    ended_on: date | None = None
    credit_lists: str = ""
    risk_signals: str = ""
    rating: str | None = None

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def ensure_active(self, action: str) -> None:
        if not self.is_active:
            raise RuleViolation(f"{self.uscc} is {self.status} and cannot {action}",
                                rule="R2.3/R2.4 deregistered or revoked organizations are closed")

    def add_risk(self, signal: str) -> None:
        self.risk_signals = csv_of(csv_set(self.risk_signals) | {signal})

    def remove_risk(self, signal: str) -> None:
        self.risk_signals = csv_of(csv_set(self.risk_signals) - {signal})


@dataclass
class Inspector:
    id: str
    name: str  # the display name: the only thing the public sees of an inspector
    department: str
    qualifications: list[str]
    active: bool = True
    username: str | None = None
    badge_number: str | None = None  # 执法证号: internal
    created_on: date | None = None


@dataclass
class Conflict:
    """An organization an inspector must not inspect (回避, R6.4)."""

    inspector_id: str
    uscc: str
    kind: str
    declared_at: datetime
    ended_on: date | None = None  # former_employment: when the work there ended
    note: str | None = None
    id: int | None = None


@dataclass
class Plan:
    id: str
    year: int
    kind: str
    title: str
    scope: dict[str, Any]
    ratio: Decimal | None
    count: int | None
    inspectors_per_task: int
    check_items: list[str]
    method: str
    rounds: int
    draw_dates: list[str]
    created_on: date
    created_by: str
    reason: str | None = None  # 不定期抽查: the type, sector or topic that justifies it (R6.2); public


@dataclass
class Draw:
    id: str
    plan_id: str
    round: int
    commitment: str
    seed: str  # secret until the draw is run
    committed_at: datetime
    algorithm: str
    draw_on: date | None = None
    status: str = "committed"
    drawn_at: datetime | None = None
    frame_hash: str | None = None
    frame_size: int | None = None
    public_random: str | None = None
    target_count: int | None = None
    already_drawn: int | None = None
    inspectors_per_task: int | None = None
    inspector_pool: list[str] = field(default_factory=list)
    drawn_by: str | None = None
    # issue 12, draws that bind: a redraw is a new attempt at the same round, published beside the first
    attempt: int = 1
    redraw_of: str | None = None
    redraw_reason: str | None = None
    redraw_by: str | None = None
    # the external public random value, fixed (source, announcement day) before the commitment
    random_source: str | None = None
    random_announced_on: date | None = None
    public_random_entered_by: str | None = None
    public_random_entered_at: datetime | None = None

    @property
    def is_drawn(self) -> bool:
        return self.status == "drawn"

    def reveal(self, at: datetime, by: str, *, frame_hash: str, frame_size: int, public_random: str,
               target_count: int, already_drawn: int, per_task: int, pool: list[str]) -> None:
        """Record the run: the seed becomes public with these inputs. A draw is run once, ever."""
        if self.is_drawn:
            raise RuleViolation(f"draw {self.id} was run at {self.drawn_at}; it never changes", rule="draw.once")
        self.status, self.drawn_at, self.drawn_by = "drawn", at, by
        self.frame_hash, self.frame_size, self.public_random = frame_hash, frame_size, public_random
        self.target_count, self.already_drawn = target_count, already_drawn
        self.inspectors_per_task, self.inspector_pool = per_task, list(pool)


@dataclass
class Task:
    id: str
    draw_id: str
    plan_id: str
    position: int
    uscc: str
    org_name: str
    status: str = "assigned"  # assigned -> notified -> completed; open ones -> superseded by a redraw
    notified_on: date | None = None
    notice_method: str | None = None
    notice_requirements: str | None = None
    outcome: str | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    completed_on: date | None = None
    recorded_by: str | None = None
    publish_by: date | None = None
    published_on: date | None = None
    rectification_id: str | None = None
    penalty_id: str | None = None


@dataclass
class Rectification:
    """整改通知书 (R7.3: number, legal basis, problems, deadline, service, response, acceptance)."""

    id: str
    number: str
    task_id: str
    uscc: str
    org_name: str
    legal_basis: str
    problems: list[str]
    issued_on: date
    deadline: date
    issued_by: str
    status: str = "ordered"  # ordered -> responded -> accepted | rejected -> responded ...
    response: str | None = None
    responded_on: date | None = None
    review_note: str | None = None
    reviewed_on: date | None = None
    reviewed_by: str | None = None
    accepted_on: date | None = None


@dataclass
class Penalty:
    id: str
    uscc: str
    org_name: str
    kind: str
    legal_basis: str
    effective_on: date
    decided_on: date
    decided_by: str
    facts: str
    decision_number: str | None = None
    amount: Decimal | None = None
    period_days: int | None = None
    suspension_ends_on: date | None = None
    task_id: str | None = None
    approved_by: str | None = None  # the approver of the two-person decision (issue 12); None before it existed
    recorded_at: datetime | None = None  # the instant it was recorded, beside effective_on and decided_on
    # issue 13: a penalty is a decision (决定书) that may combine measures; `kind`, `amount` and `period_days`
    # above are its most severe measure's, kept for the readers of one kind
    measures: list[dict[str, Any]] = field(default_factory=list)
    annulled_on: date | None = None  # issue 13: voided as an error by an upheld objection (R8.4.4)
    annulment_reason: str | None = None
