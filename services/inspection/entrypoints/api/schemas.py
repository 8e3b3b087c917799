"""Request and response bodies of the inspection API (api.md). Public answers are typed, so only the
fields listed here ever leave through a public path (no personal data)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from services.inspection.domain.commands import ImposePenalty, Measure
from services.inspection.domain.penalty_decision import primary
from services.inspection.entrypoints.api.binding_schemas import RandomSourceIn
from shared.schema_types import LongText, Name, ShortText

OrgType = Literal["social_group", "social_service", "foundation"]
Category = Literal["industry_association", "science_technology", "charity", "community_service", "other"]
Level = Literal["city", "district"]
Division = Literal["350200", "350203", "350205", "350206", "350211", "350212", "350213"]
CreditList = Literal["abnormal", "serious", "red"]
RiskSignal = Literal["late_annual_report", "uncontactable", "rectification_overdue", "penalized"]
Rating = Literal["1A", "2A", "3A", "4A", "5A"]
Method = Literal["document", "onsite", "both"]
Item = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z_]{1,40}$")]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9\-]{1,40}$")]
Day = Annotated[date, Field(ge=date(1949, 10, 1), le=date(2199, 12, 31))]
Yuan = Annotated[Decimal, Field(gt=0, le=Decimal("1e13"), max_digits=16, decimal_places=2)]


def _uscc(value: str) -> str:
    value = value.strip().upper()
    if len(value) != 18 or any(c not in "0123456789ABCDEFGHJKLMNPQRTUWXY" for c in value):
        raise ValueError("a unified social credit code: 18 characters of GB 32100's set")
    return value


Uscc = Annotated[str, AfterValidator(_uscc)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ------------------------------------------------------------------------------------- inspectors

class ConflictIn(_Body):
    uscc: Uscc
    kind: Literal["former_employment", "relative", "declared"]
    ended_on: Day | None = Field(None, description="former_employment: the day the work there ended")
    note: ShortText | None = None


class InspectorIn(_Body):
    name: Name = Field(description="display name (the only thing the public sees)")
    department: ShortText
    qualifications: list[ShortText] = Field(default_factory=list, max_length=20)
    username: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]{1,100}$")] | None = None
    badge_number: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9\-]{1,50}$")] | None = None
    active: bool = True
    conflicts: list[ConflictIn] = Field(default_factory=list, max_length=200)


class InspectorPatch(_Body):
    active: bool | None = None
    department: ShortText | None = None
    qualifications: list[ShortText] | None = Field(None, max_length=20)
    username: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]{1,100}$")] | None = Field(
        None, description="link the member to this inspector account (null: unlink); an account links one member")


# ------------------------------------------------------------------------------------ plans, draws

class ScopeIn(_Body):
    types: list[OrgType] = Field(default_factory=list, max_length=3)
    categories: list[Category] = Field(default_factory=list, max_length=5)
    levels: list[Level] = Field(default_factory=list, max_length=2)
    districts: list[Division] = Field(default_factory=list, max_length=7)
    charity: bool | None = None
    credit_lists: list[CreditList] = Field(default_factory=list, max_length=3)
    risk_signals: list[RiskSignal] = Field(default_factory=list, max_length=4)
    ratings: list[Rating] = Field(default_factory=list, max_length=5)


class PlanIn(_Body):
    year: int = Field(ge=2000, le=2100)
    kind: Literal["scheduled", "unscheduled"] = Field(description="定期 or 不定期 sampling")
    title: ShortText
    scope: ScopeIn = Field(default_factory=ScopeIn)
    ratio: Decimal | None = Field(None, gt=0, le=100, max_digits=7, decimal_places=4,
                                  description="percent of the frame; default from settings (R6.2)")
    count: int | None = Field(None, ge=1, le=10_000_000)
    inspectors_per_task: int = Field(2, ge=1, le=10, description="at least 2 (L45; CSF23 art. 105)")
    check_items: list[Item] = Field(default_factory=lambda: ["annual_report", "information_disclosure",
                                                             "internal_governance", "financial_status",
                                                             "business_activities"], min_length=1, max_length=20)
    method: Method = "both"
    draw_dates: list[Day] = Field(default_factory=list, max_length=12, description="one per round (default 1 round)")
    reason: ShortText | None = Field(None, description="不定期抽查 (required): the type, sector or topic it samples (R6.2)")
    public_random_sources: list[RandomSourceIn] = Field(
        default_factory=list, max_length=12,
        description="定期抽查 (required), one per round: the external public random value the draw will use, "
                    "announced after today and not after the round's draw day (bound into the commitment)")


class DrawIn(_Body):
    public_random: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200,
                                                    pattern=r"^[^\x00-\x1f\x7f]*$")] = Field(
        "", description="a public random value entered at draw time (e.g. a lottery result)")


# ------------------------------------------------------------------------------------------ tasks

class NoticeIn(_Body):
    method: Method = "both"
    requirements: LongText = Field(description="what the organization must prepare (L45: told in advance)")


class FindingIn(_Body):
    item: Item
    compliant: bool
    problem: LongText | None = None


class RectificationIn(_Body):
    deadline: Day
    legal_basis: ShortText | None = None
    problems: list[LongText] = Field(default_factory=list, max_length=50)


PenaltyKind = Literal["warning", "fine", "confiscation", "replace_officials", "suspension", "revocation"]
FineBasis = Literal["turnover", "gains", "fixed"]
_FINE_BASIS = ("a fine: what it is computed from, turnover (违法经营额, 1-3×) or gains (违法所得, 3-5×) with "
               "basis_amount (SHT art. 30, MFQ art. 25), or fixed (an amount another law sets)")


class MeasureIn(_Body):
    """One measure of a penalty decision."""
    kind: PenaltyKind
    amount: Yuan | None = None
    period_days: int | None = Field(None, ge=1, le=3650, description="限期停止活动: the period in days")
    fine_basis: FineBasis | None = Field(None, description=_FINE_BASIS)
    basis_amount: Yuan | None = Field(None, description="the illegal turnover or gains a fine is computed from")


class PenaltyFields(_Body):
    """A penalty decision (行政处罚决定书): either one measure (`kind`, `amount`, `period_days`, `fine_basis`,
    `basis_amount`) or several (`measures`), under one decision number (issue 13)."""
    kind: PenaltyKind | None = Field(None, description="one measure; or give `measures`")
    measures: list[MeasureIn] = Field(default_factory=list, max_length=6,
                                      description="the decision's measures (e.g. 警告 + 罚款); each kind once")
    legal_basis: ShortText
    effective_on: Day
    facts: LongText
    decision_number: ShortText | None = None
    amount: Yuan | None = None
    period_days: int | None = Field(None, ge=1, le=3650, description="限期停止活动: the period in days")
    fine_basis: FineBasis | None = Field(None, description=_FINE_BASIS)
    basis_amount: Yuan | None = Field(None, description="the illegal turnover or gains a fine is computed from")
    late_reason: LongText | None = Field(None, description="required when effective_on lies more than 5 working "
                                                           "days back (R8.1.2): why it is recorded late")

    @model_validator(mode="after")
    def _one_way(self) -> "PenaltyFields":
        if (self.kind is None) == (not self.measures):
            raise ValueError("give either kind (one measure) or measures (several), not both")
        if self.measures and any(v is not None for v in (self.amount, self.period_days, self.fine_basis,
                                                          self.basis_amount)):
            raise ValueError("with measures, amounts and periods go inside each measure")
        return self

    def command(self, uscc: str, by: str, task_id: str | None) -> ImposePenalty:
        measures = tuple(Measure(m.kind, m.amount, m.period_days, m.fine_basis, m.basis_amount) for m in self.measures)
        kind = self.kind or primary(measures).kind
        return ImposePenalty(uscc, kind, self.legal_basis, self.effective_on, self.facts, by, self.decision_number,
                             self.amount, self.period_days, task_id, self.late_reason, measures, self.fine_basis,
                             self.basis_amount)


class PenaltyIn(PenaltyFields):
    uscc: Uscc
    task_id: Id | None = None


class UncontactableIn(_Body):
    first_letter_on: Day
    second_letter_on: Day


class ResultIn(_Body):
    outcome: Literal["compliant", "rectification", "penalty"]
    findings: list[FindingIn] = Field(min_length=1, max_length=20)
    rectification: RectificationIn | None = None
    penalty: PenaltyFields | None = None
    uncontactable: UncontactableIn | None = Field(None, description="通过登记的住所无法联系 (two unsigned letters)")


class ResponseIn(_Body):
    report: LongText = Field(description="the organization's rectification report")


class ReviewIn(_Body):
    decision: Literal["accept", "reject"]
    note: LongText | None = None


# ------------------------------------------------------------------------------- public answers

class Page(BaseModel):
    total: int
    page: int
    size: int


class DrawSummary(BaseModel):
    id: str
    plan_id: str
    plan_title: str
    year: int
    kind: str
    round: int
    rounds: int
    status: Literal["committed", "drawn"]
    commitment: str
    committed_at: datetime
    draw_on: date | None
    drawn_at: datetime | None
    frame_size: int | None
    target_count: int | None
    attempt: int = Field(1, description="1, or the redraw's attempt at the round")
    redraw_of: str | None = Field(None, description="the draw this redraw replaces (which stays published)")
    redraw_reason: str | None = None
    redrawn_as: str | None = Field(None, description="the redraw that replaced this draw, if any")


class DrawPage(Page):
    items: list[DrawSummary]


class PublicInspector(BaseModel):
    id: str
    name: str


class PublicSubstitution(BaseModel):
    replaced: PublicInspector
    substitute: PublicInspector
    skipped: list[str] = Field(description="pool ids passed over in the sequence (inactive or 回避), reason not published")
    reason: str
    at: datetime


class Target(BaseModel):
    position: int
    uscc: str
    name: str
    inspectors: list[PublicInspector]
    withdrawn: list[str] = Field(description="pool ids that withdrew for a conflict (回避), reason not published")
    substitutions: list[PublicSubstitution] = Field(default_factory=list,
                                                    description="substitutes picked by the draw's next step, in order")


class DrawOut(DrawSummary):
    seed: str | None = Field(description="revealed at the draw; null before")
    frame_hash: str | None
    public_random: str | None
    algorithm: str
    algorithm_steps: list[str]
    ratio: str | None
    count: int | None
    already_drawn: int | None
    inspectors_per_task: int | None
    inspector_pool: list[PublicInspector]
    targets: list[Target]
    random_source: str | None = Field(None, description="the external public random value fixed before the "
                                                        "commitment (source), bound into the commitment")
    random_announced_on: date | None = None
    plan_reason: str | None = Field(None, description="不定期抽查: the type, sector or topic sampled")
    scope: dict[str, Any] = Field(default_factory=dict, description="the plan's scope filters (fixed at the commitment)")


class FrameOut(BaseModel):
    draw_id: str
    frame_hash: str
    size: int
    usccs: list[str]


class MismatchOut(BaseModel):
    check: str
    detail: str


class VerificationOut(BaseModel):
    draw_id: str
    matches: bool
    mismatches: list[MismatchOut]
    inputs: dict[str, Any]
    algorithm: str
    algorithm_steps: list[str]


class PublicFinding(BaseModel):
    item: str
    item_name: str
    compliant: bool
    problem: str | None


class PublicResult(BaseModel):
    task_id: str
    uscc: str
    org_name: str
    plan_id: str
    plan_title: str
    year: int
    kind: str
    draw_id: str
    outcome: str
    outcome_name: str
    findings: list[PublicFinding]
    completed_on: date
    published_on: date
    rectification_number: str | None
    rectification_deadline: date | None
    rectification_status: str | None
    penalty_kind: str | None
    penalty_legal_basis: str | None
    penalty_effective_on: date | None
    penalty_annulled_on: date | None = Field(None, description="the penalty decision was voided as an error: an "
                                             "objection (异议, R8.4.4) was upheld")


class ResultPage(Page):
    items: list[PublicResult]
