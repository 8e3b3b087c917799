"""Request and response bodies of the credit-list API. The public record is typed, so only the fields
listed here leave through the public path (no personal data: no inspector or account names)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from services.inspection.domain.credit_policy import MANUAL_RULES
from services.inspection.entrypoints.api.schemas import CreditList, Day, Uscc, _Body
from shared.schema_types import LongText, ShortText

ManualTrigger = Literal[tuple(sorted({c for codes in MANUAL_RULES.values() for c in codes}))]  # type: ignore[valid-type]


class InclusionIn(_Body):
    uscc: Uscc
    trigger: ManualTrigger = Field(description="the R8.2 (abnormal) or R8.3 (serious) case; see GET /inspection/credit/policy")
    legal_basis: ShortText = Field(description="法律依据, e.g. the article and the decision it rests on")
    reason: LongText = Field(description="the facts: why the organization is listed")
    included_on: Day | None = Field(None, description="the day the listing takes effect (default today; not future, "
                                                      "not before the organization's registration)")
    late_reason: LongText | None = Field(None, description="required when included_on lies more than 5 working days "
                                                           "back (R8.1.2): why it is recorded late")


class RemovalIn(_Body):
    reason: LongText = Field(description="why the organization leaves the list (e.g. the duty it performed)")
    legal_basis: ShortText


class ApplicationIn(_Body):
    list: Literal["abnormal", "serious"]
    statement: LongText = Field(description="what the organization corrected, with its evidence")


class ObjectionIn(_Body):
    entry_id: str = Field(pattern=r"^[A-Za-z0-9\-]{1,40}$")
    statement: LongText = Field(description="陈述申辩意见: why the entry is wrong, with its evidence")


class DecisionIn(_Body):
    decision: Literal["approve", "reject"] = Field(
        description="removal (信用修复): approve removes the organization from the list; objection (异议): approve "
                    "upholds it and voids the entry as an error")
    reason: LongText
    kind: Literal["removal", "objection"] | None = Field(None, description="optional: the kind the decider expects")


class PublicEntry(BaseModel):
    id: str
    list: CreditList
    trigger: str
    trigger_zh: str
    legal_basis: str
    included_on: date
    reason: str | None


class PublicHistoryEntry(PublicEntry):
    removed_on: date | None
    removal_reason: str | None


class TimelineStep(BaseModel):
    on: date
    step: str = Field(description="escalate_to_serious | auto_removal | eligible_for_removal | join_red_list | "
                                  "leave_red_list")
    list: CreditList
    legal_basis: str
    description_zh: str


class PublicRecord(BaseModel):
    uscc: str
    name: str | None
    lists: list[CreditList]
    entries: list[PublicEntry]
    history: list[PublicHistoryEntry]
    timeline: list[TimelineStep]
