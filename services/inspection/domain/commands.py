"""Commands: what an inspector, an organization, the scheduler or an incoming event asks the
inspection service to do. Small and immutable."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from services.inspection.domain.binding import RandomSource
from services.inspection.domain.rules import Finding


# ----------------------------------------------------------------- the directory (registry events)

@dataclass(frozen=True)
class RecordOrganization:
    """registry.organization.registered / .changed: the organization's current facts."""

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


@dataclass(frozen=True)
class CloseOrganization:
    """registry.organization.deregistered / .revoked."""

    uscc: str
    status: str
    on: date


@dataclass(frozen=True)
class MarkOrganization:
    """registry.organization.charity_recognized / .fundraising_qualified, registry.annual_report.*,
    registry.rating.*, credit.status.changed: one fact about the organization changed."""

    uscc: str
    charity: bool | None = None
    fundraising_qualified: bool | None = None
    credit_lists: tuple[str, ...] | None = None
    risk_on: str | None = None
    risk_off: str | None = None
    rating: str | None = None
    rating_cleared: bool = False


# ------------------------------------------------------------------------------------- inspectors

@dataclass(frozen=True)
class DeclareConflict:
    uscc: str
    kind: str
    ended_on: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class AddInspector:
    name: str
    department: str
    qualifications: tuple[str, ...] = ()
    username: str | None = None
    badge_number: str | None = None
    conflicts: tuple[DeclareConflict, ...] = ()
    active: bool = True
    by: str = "system"  # the admin who adds the member (recorded in the change log)


@dataclass(frozen=True)
class UpdateInspector:
    inspector_id: str
    active: bool | None = None
    department: str | None = None
    qualifications: tuple[str, ...] | None = None
    relink: bool = False  # True: link the member to `username` (None: unlink)
    username: str | None = None
    by: str = "system"


# ------------------------------------------------------------------------------------ plans, draws

@dataclass(frozen=True)
class CreatePlan:
    year: int
    kind: str
    title: str
    scope: dict[str, Any]
    inspectors_per_task: int
    check_items: tuple[str, ...]
    method: str
    ratio: Decimal | None = None
    count: int | None = None
    draw_dates: tuple[date, ...] = ()
    by: str = "system"
    reason: str | None = None  # 不定期抽查: the type, sector or topic (R6.2)
    random_sources: tuple[RandomSource, ...] = ()  # one per round: the external public random value (R6.1)


@dataclass(frozen=True)
class RunDraw:
    plan_id: str
    public_random: str = ""
    by: str = "scheduler"


# ------------------------------------------------------------------------------------------ tasks

@dataclass(frozen=True)
class SendNotice:
    task_id: str
    method: str
    requirements: str
    by: str


@dataclass(frozen=True)
class RectificationOrder:
    deadline: date
    legal_basis: str | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Measure:
    """One measure of a penalty decision (SHT art. 30, MFQ art. 25, JJH art. 42). A fine states what it is
    computed from: `turnover` (违法经营额, 1-3×), `gains` (违法所得, 3-5×) with `basis_amount`, or `fixed`."""

    kind: str
    amount: Decimal | None = None
    period_days: int | None = None
    fine_basis: str | None = None
    basis_amount: Decimal | None = None


@dataclass(frozen=True)
class ImposePenalty:
    uscc: str
    kind: str
    legal_basis: str
    effective_on: date
    facts: str
    by: str
    decision_number: str | None = None
    amount: Decimal | None = None
    period_days: int | None = None
    task_id: str | None = None
    late_reason: str | None = None  # R8.1.2: why an act dated more than 5 working days back is recorded late
    measures: tuple[Measure, ...] = ()  # issue 13: the decision's measures; empty: the one of kind/amount/period
    fine_basis: str | None = None  # of a one-measure fine: turnover | gains | fixed
    basis_amount: Decimal | None = None

    def all_measures(self) -> tuple[Measure, ...]:
        return self.measures or (Measure(self.kind, self.amount, self.period_days, self.fine_basis,
                                         self.basis_amount),)


@dataclass(frozen=True)
class Uncontactable:
    first_letter_on: date
    second_letter_on: date


@dataclass(frozen=True)
class RecordResult:
    task_id: str
    outcome: str
    findings: tuple[Finding, ...]
    by: str
    rectification: RectificationOrder | None = None
    penalty: ImposePenalty | None = None
    uncontactable: Uncontactable | None = None


@dataclass(frozen=True)
class PublishResult:
    task_id: str
    by: str


# --------------------------------------------------------------------------------- rectifications

@dataclass(frozen=True)
class RespondToRectification:
    rectification_id: str
    report: str
    uscc: str | None  # the responding organization (None: staff acting for it)


@dataclass(frozen=True)
class ReviewRectification:
    rectification_id: str
    accept: bool
    note: str | None
    by: str
