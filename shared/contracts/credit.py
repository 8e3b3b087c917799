"""credit.* events (v1): what the credit-list engine tells the other services."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

CreditList = Literal["abnormal", "serious", "red"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimelineStep(_Data):
    """One automatic step the engine will take if nothing changes (e.g. escalate_to_serious on a date)."""

    on: date
    step: str  # escalate_to_serious | auto_removal | eligible_for_removal | join_red_list | leave_red_list
    list: CreditList
    legal_basis: str


class CreditStatusChanged(_Data):
    uscc: str
    lists: list[CreditList]
    changed_on: date
    # added by issue 5 (optional, so v1 stays compatible): the projected timeline
    timeline: list[TimelineStep] | None = None


class CreditEntry(_Data):
    uscc: str
    entry_id: str
    list: CreditList
    trigger: str
    legal_basis: str
    on: date
    reason: str | None = None
    # added by issue 5 (optional, so v1 stays compatible)
    included_on: date | None = None
    removed_reason: str | None = None  # credit.entry.removed: why (also in `reason`)
    decided_by: str | None = None  # an inspector's account, or "system" for the engine's own steps
    source_event_id: str | None = None  # the event whose trigger listed the organization


# issue 13: an objection to the credit information itself (a penalty decision, a report flagged late) is
# on no list of its own: its `list` is "info" and `target` names the information
ApplicationList = Literal["abnormal", "serious", "red", "info"]


class ApplicationSubmitted(_Data):
    """A removal application (信用修复) or an objection (异议) reached the registrar (issue 5)."""

    uscc: str
    application_id: str
    kind: Literal["removal", "objection"]
    list: ApplicationList
    entry_ids: list[str]
    submitted_on: date
    decide_by: date
    target: str | None = None  # issue 13 (optional): the information an objection names, e.g. penalty:PE-...


class ApplicationDecided(_Data):
    uscc: str
    application_id: str
    kind: Literal["removal", "objection"]
    list: ApplicationList
    state: Literal["approved", "rejected"]
    decided_on: date
    reason: str
    target: str | None = None  # issue 13 (optional)
    voided: list[str] = []  # issue 13 (optional): the information an upheld objection voided (its keys)


EVENTS = {
    "credit.status.changed": (1, CreditStatusChanged, "An organization's current list memberships changed"),
    "credit.entry.added": (1, CreditEntry, "An organization was put on a credit list"),
    "credit.entry.removed": (1, CreditEntry, "An organization was removed from a credit list"),
    "credit.entry.escalated": (1, CreditEntry, "An abnormal-list entry was escalated to the serious list"),
    "credit.application.submitted": (1, ApplicationSubmitted, "A removal application or objection was submitted"),
    "credit.application.decided": (1, ApplicationDecided, "A removal application or objection was decided"),
}
