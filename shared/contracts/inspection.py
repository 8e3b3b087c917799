"""inspection.* events (v1) that other services consume (random inspections, 双随机、一公开).

Events about one organization have its USCC as subject; plan and draw events, which concern many
organizations, have the plan id as subject (so one plan's events stay in order). No personal data
travels: inspectors appear by their pool id only.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

PenaltyKind = Literal["warning", "fine", "confiscation", "replace_officials", "suspension", "revocation"]
PlanKind = Literal["scheduled", "unscheduled"]
Outcome = Literal["compliant", "rectification", "penalty"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PenaltyMeasure(_Data):
    kind: PenaltyKind
    amount: Decimal | None = None
    period_days: int | None = None
    fine_basis: Literal["turnover", "gains", "fixed"] | None = None
    basis_amount: Decimal | None = None


class PenaltyImposed(_Data):
    uscc: str
    penalty_id: str
    kind: PenaltyKind
    amount: Decimal | None = None
    period_days: int | None = None
    legal_basis: str
    effective_on: date
    decision_number: str | None = None
    # added by issue 4 (optional, so v1 stays compatible)
    suspension_ends_on: date | None = None
    task_id: str | None = None
    decided_on: date | None = None
    # added by issue 13 (optional): a penalty is a decision whose measures are all listed here; kind, amount and
    # period_days above are its most severe measure's
    measures: list[PenaltyMeasure] = []


class PenaltyAnnulled(_Data):
    """Issue 13: an objection (异议, R8.4.4) against the penalty decision was upheld: the decision is void as
    an error, so it stops counting for the credit lists' repeat rule (R8.3 #5), the red list, the registry's
    penalty windows (R10.1-10.2, R9.3) and the grade it lowered (R9.6) is given back."""
    uscc: str
    penalty_id: str
    kind: PenaltyKind  # the decision's most severe measure, as inspection.penalty.imposed said
    effective_on: date
    annulled_on: date
    reason: str
    legal_basis: str
    decision_number: str | None = None
    application_id: str | None = None


class RevocationRequested(_Data):
    """Issue 12: an inspection found grounds for 撤销登记; the registry decides it (a registrar proposes,
    an approver approves). Nothing is revoked by this event."""
    uscc: str
    request_id: str
    legal_basis: str
    facts: str
    found_on: date
    requested_on: date
    task_id: str | None = None


class Scope(_Data):
    types: list[str] = []
    categories: list[str] = []
    levels: list[str] = []
    districts: list[str] = []
    charity: bool | None = None
    credit_lists: list[str] = []
    risk_signals: list[str] = []
    ratings: list[str] = []


class PlanCreated(_Data):
    plan_id: str
    year: int
    kind: PlanKind
    title: str
    scope: Scope
    ratio: Decimal | None = None
    count: int | None = None
    inspectors_per_task: int
    check_items: list[str]
    method: str
    rounds: int
    draw_dates: list[date]
    created_on: date
    reason: str | None = None  # issue 12: an unscheduled plan's type, sector or topic (optional: v1 compatible)


class DrawCommitted(_Data):
    plan_id: str
    draw_id: str
    round: int
    commitment: str
    algorithm: str
    committed_at: datetime
    draw_on: date | None = None
    # issue 12 (optional, so v1 stays compatible): a redraw is the next attempt at a round, with its reason;
    # the external public random value's source and announcement day are bound into the commitment
    attempt: int = 1
    redraw_of: str | None = None
    redraw_reason: str | None = None
    random_source: str | None = None
    random_announced_on: date | None = None


class DrawCompleted(_Data):
    plan_id: str
    draw_id: str
    round: int
    commitment: str
    seed: str
    frame_hash: str
    frame_size: int
    public_random: str
    target_count: int
    targets: list[str]
    algorithm: str
    drawn_at: datetime
    attempt: int = 1  # issue 12 (optional): a redraw's attempt and the draw it replaces
    redraw_of: str | None = None
    # issue 13 (optional): the plan's kind and year, so a reader counts the L45 art. 5 yearly share of
    # scheduled sampling (R6.2) without the plan events
    plan_kind: PlanKind | None = None
    plan_year: int | None = None


class TaskCompleted(_Data):
    uscc: str
    task_id: str
    plan_id: str
    draw_id: str
    outcome: Outcome
    check_items: list[str]
    failed_items: list[str]
    completed_on: date
    publish_by: date
    rectification_id: str | None = None
    penalty_id: str | None = None


class UncontactableFound(_Data):
    """R8.2 trigger 6 (L60): the organization cannot be contacted at its registered domicile."""

    uscc: str
    task_id: str
    found_on: date
    first_letter_on: date
    second_letter_on: date
    legal_basis: str


class RectificationOrdered(_Data):
    uscc: str
    rectification_id: str
    number: str
    task_id: str
    legal_basis: str
    problems: list[str]
    issued_on: date
    deadline: date


class RectificationOverdue(_Data):
    """R7.1 (L60 trigger 3): the deadline passed without an accepted rectification."""

    uscc: str
    rectification_id: str
    number: str
    deadline: date
    detected_on: date
    # added by issue 13 (optional): the first day the notice counts as unmet - the day after the deadline, or,
    # for a response given in time and rejected after the deadline, the day of that review (R7.1)
    overdue_from: date | None = None


class RectificationAccepted(_Data):
    uscc: str
    rectification_id: str
    number: str
    deadline: date
    accepted_on: date
    on_time: bool


EVENTS = {
    "inspection.penalty.imposed": (1, PenaltyImposed, "An administrative penalty took effect (行政处罚)"),
    "inspection.penalty.annulled": (1, PenaltyAnnulled,
                                    "A penalty decision was voided as an error: an objection was upheld (异议成立)"),
    "inspection.revocation.requested": (1, RevocationRequested,
                                        "An inspection asks the registry to revoke an organization (撤销登记建议)"),
    "inspection.plan.created": (1, PlanCreated, "A random-inspection plan was made (抽查计划)"),
    "inspection.draw.committed": (1, DrawCommitted, "The commitment (SHA-256 of the secret seed) of a coming draw"),
    "inspection.draw.completed": (1, DrawCompleted, "A draw was run: seed revealed, targets picked (双随机)"),
    "inspection.task.completed": (1, TaskCompleted, "An inspection's outcome was recorded (抽查结果)"),
    "inspection.finding.uncontactable": (1, UncontactableFound,
                                         "Uncontactable at the registered domicile (活动异常名录 trigger 6)"),
    "inspection.rectification.ordered": (1, RectificationOrdered, "A rectification notice was issued (整改通知书)"),
    "inspection.rectification.overdue": (1, RectificationOverdue, "A rectification deadline passed unmet"),
    "inspection.rectification.accepted": (1, RectificationAccepted, "A rectification was accepted (整改验收)"),
}
