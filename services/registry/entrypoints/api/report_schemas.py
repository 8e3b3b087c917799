"""Bodies of the annual-report and rating paths (api.md; issue 3).

A draft may leave out any part, but every value it gives is well-typed (wrong types, negative
amounts, unknown fields: 422 here). Completeness and sums are checked on submission (domain).
Amounts are yuan with at most 2 decimals, as the 民间非营利组织会计制度 statements give them.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.schema_types import LongText, ShortText

Yuan = Annotated[Decimal, Field(ge=0, le=Decimal("1e13"), max_digits=16, decimal_places=2)]
SignedYuan = Annotated[Decimal, Field(ge=Decimal("-1e13"), le=Decimal("1e13"), max_digits=16, decimal_places=2)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Year = Annotated[int, Field(ge=1949, le=2100)]
Day = Annotated[date, Field(ge=date(1949, 10, 1), le=date(2100, 12, 31))]
RegistrableItem = Literal["name", "domicile", "business_scope", "legal_representative", "registered_funds",
                          "supervising_unit", "members", "category", "foundation_kind", "other"]
Grade = Literal["5A", "4A", "3A", "2A", "1A"]
Conclusion = Literal["qualified", "basically_qualified", "unqualified"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegistrationChange(_Body):
    item: RegistrableItem
    current: ShortText | None = None
    proposed: ShortText


class RegistrationPart(_Body):
    """登记事项: confirmed as registered, or the items to change (变更登记 follows separately)."""

    confirmed: bool | None = None
    changes: list[RegistrationChange] = Field(default_factory=list, max_length=20)


class Income(_Body):
    donations: Yuan | None = None  # 捐赠收入
    government_grants: Yuan | None = None  # 政府补助收入
    services: Yuan | None = None  # 提供服务收入
    membership_dues: Yuan | None = None  # 会费收入
    investment: Yuan | None = None  # 投资收益
    other: Yuan | None = None  # 其他收入
    total: Yuan | None = None
    # N189 art. 10 (上年总收入 of the next year's charity rules): not part of the total's sum
    restricted_to_later_years: Yuan | None = Field(None, description="of the total, income restricted to later "
                                                   "years (限定用于以后年度的收入)")
    released_from_time_restriction: Yuan | None = Field(None, description="net assets released from time "
                                                        "restriction in the year (解除时间限定的净资产)")


class Expenses(_Body):
    business_activities: Yuan | None = None  # 业务活动成本 (charitable activities or business)
    charitable_activities: Yuan | None = None  # of which 慈善活动支出 / 公益事业支出 (charities, foundations)
    management: Yuan | None = None  # 管理费用
    fundraising: Yuan | None = None  # 筹资费用
    other: Yuan | None = None  # 其他费用
    staff_and_office: Yuan | None = None  # 工作人员工资福利和行政办公支出 (foundations: JJH art. 29)
    total: Yuan | None = None


class NetAssets(_Body):
    restricted: SignedYuan | None = None  # 限定性净资产
    unrestricted: SignedYuan | None = None  # 非限定性净资产
    total: SignedYuan | None = None


class PriorYear(_Body):
    year: Year
    total_income: Yuan | None = None
    year_end_net_assets: SignedYuan | None = None
    restricted_to_later_years: Yuan | None = None  # N189 art. 10
    released_from_time_restriction: Yuan | None = None  # N189 art. 10


class Finances(_Body):
    standard: Literal["民间非营利组织会计制度"] = "民间非营利组织会计制度"
    income: Income | None = None
    expenses: Expenses | None = None
    net_assets: NetAssets | None = None
    previous_years: list[PriorYear] = Field(default_factory=list, max_length=3,
                                            description="declared figures of earlier years the register lacks")


class Activity(_Body):
    name: ShortText
    description: LongText | None = None
    beneficiaries: Count | None = None
    spending: Yuan | None = None
    charitable: bool = False


class Staff(_Body):
    full_time: Count | None = None
    part_time: Count | None = None
    volunteers: Count | None = None
    volunteer_hours: Count | None = None


class Party(_Body):
    established: bool | None = None
    form: Literal["committee", "general_branch", "branch", "joint_branch", "instructor"] | None = None
    members: Count | None = None


class MajorEvent(_Body):
    occurred_on: Day | None = None
    description: LongText
    reference: ShortText | None = None


class MajorEvents(_Body):
    changes: list[MajorEvent] | None = Field(None, max_length=50)
    penalties: list[MajorEvent] | None = Field(None, max_length=50)
    litigation: list[MajorEvent] | None = Field(None, max_length=50)


class Audit(_Body):
    firm: ShortText | None = None
    report_number: ShortText | None = None
    opinion: Literal["unqualified", "qualified", "adverse", "disclaimer"] | None = None
    issued_on: Day | None = None


class ReportIn(_Body):
    registration: RegistrationPart | None = None
    finances: Finances | None = None
    activities: list[Activity] | None = Field(None, max_length=200)
    staff: Staff | None = None
    party: Party | None = None
    major_events: MajorEvents | None = None
    audit: Audit | None = None

    def content(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class ReviewIn(_Body):
    decision: Literal["accept", "return"]
    reasons: list[LongText] = Field(default_factory=list, max_length=20)
    conclusion: Conclusion | None = Field(None, description="年检 conclusion (R4.3), with accept only")

    @model_validator(mode="after")
    def _reasons_with_return(self) -> "ReviewIn":
        if self.decision == "return" and not self.reasons:
            raise ValueError("a returned report needs at least one reason")
        if self.decision == "return" and self.conclusion is not None:
            raise ValueError("a conclusion is given with accept only")
        return self


class UnlockIn(_Body):
    reason: LongText


class InvestigationIn(_Body):
    """立案调查 by a government department or judicial organ (R9.3, L39 art. 7(4))."""

    opened_on: Day
    authority: ShortText = Field(description="the department or judicial organ that opened the case")
    case_number: ShortText
    legal_basis: LongText


class InvestigationClosureIn(_Body):
    closed_on: Day
    outcome: LongText


class InvestigationOut(BaseModel):
    id: int
    uscc: str
    opened_on: date
    authority: str
    case_number: str
    legal_basis: str
    recorded_by: str
    closed_on: date | None
    outcome: str | None
    closed_by: str | None
    open_today: bool


class InvestigationsOut(BaseModel):
    uscc: str
    items: list[InvestigationOut]


class Transition(BaseModel):
    action: str
    from_state: str | None
    to_state: str
    by: str
    at: datetime
    note: str | None


class ReportOut(BaseModel):
    uscc: str
    year: int
    state: str
    state_name: str
    required: bool | None = None
    deadline: date | None = None
    late: bool | None = None
    overdue: bool | None = None
    first_submitted_on: date | None = None
    submitted_at: datetime | None = None
    submitted_by: str | None = None
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None
    conclusion: Conclusion | None = None
    return_reasons: list[str] = []
    submissions: int = 0
    returns: int = 0
    locked: bool = Field(False, description="R4.4 [LOCAL]: returned more than the limit; the registrar unlocks")
    content: dict[str, Any] | None = None
    findings: list[dict[str, Any]] = []
    transitions: list[Transition] | None = None


class ReportsOut(BaseModel):
    uscc: str
    items: list[ReportOut]


class RatingIn(_Body):
    grade: Grade
    score: Annotated[Decimal, Field(ge=0, le=1000, max_digits=7, decimal_places=2)]
    awarded_on: Day
    evaluating_body: ShortText


class RatingChangeOut(BaseModel):
    on: date
    from_grade: str
    to_grade: str | None
    reason: str
    legal_basis: str
    trigger: str


class RatingOut(BaseModel):
    id: int
    uscc: str
    grade: str
    original_grade: str
    score: str
    awarded_on: date
    expires_on: date
    evaluating_body: str
    awarded_by: str
    status: str
    status_name: str
    valid_today: bool
    ended_on: date | None
    changes: list[RatingChangeOut] = []


class RatingsOut(BaseModel):
    uscc: str
    current: RatingOut | None
    items: list[RatingOut]
