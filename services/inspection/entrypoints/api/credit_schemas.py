"""Request and response bodies of the credit-list API. The public record is typed, so only the fields
listed here leave through the public path (no personal data: no inspector or account names)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

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
    """Exactly one of entry_id, penalty_id, report_year, information: what the objection disputes."""

    entry_id: str | None = Field(None, pattern=r"^[A-Za-z0-9\-]{1,40}$", description="a list entry")
    penalty_id: str | None = Field(None, pattern=r"^[A-Za-z0-9\-]{1,40}$",
                                   description="a penalty decision itself (e.g. annulled on review): upheld, it stops "
                                               "counting for the repeat rule (R8.3 #5), the red list and the "
                                               "registry's penalty windows, and the grade it lowered comes back")
    report_year: int | None = Field(None, ge=2000, le=2199,
                                    description="an annual report wrongly flagged late or missing (R8.2 #1): upheld, "
                                                "the year counts as filed on time")
    information: str | None = Field(None, pattern=r"^[a-z_]{1,30}:[A-Za-z0-9\-]{1,60}$",
                                    description="any other credit information by its key, as an entry's trigger_key "
                                                "shows it (rectification:<id>, uncontactable:<task id>, manual:<id>)")
    statement: LongText = Field(description="陈述申辩意见: why the entry is wrong, with its evidence")

    @model_validator(mode="after")
    def _one_target(self) -> "ObjectionIn":
        given = [v for v in (self.entry_id, self.penalty_id, self.report_year, self.information) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of entry_id, penalty_id, report_year, information")
        return self

    def target(self) -> str | None:
        """The information's key, or None for an objection to an entry."""
        if self.penalty_id is not None:
            return f"penalty:{self.penalty_id}"
        if self.report_year is not None:
            return f"annual_report:{self.report_year}"
        return self.information


class DecisionIn(_Body):
    decision: Literal["approve", "reject"] = Field(
        description="removal (信用修复): approve removes the organization from the list; objection (异议): approve "
                    "upholds it and voids the entry as an error")
    reason: LongText
    kind: Literal["removal", "objection"] | None = Field(None, description="optional: the kind the decider expects")
    void_cause: bool = Field(False, description="objection to an entry (异议, R8.4.4): the entry's cause itself is the "
                                                "error (e.g. the penalty was annulled on review), so upholding voids the "
                                                "cause too - it stops counting for the repeat rule, the red list and "
                                                "the registry's penalty windows. An objection to the information itself "
                                                "always voids it")


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
