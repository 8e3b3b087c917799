"""credit.* events (v1): what the credit-list engine tells the other services."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

CreditList = Literal["abnormal", "serious", "red"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CreditStatusChanged(_Data):
    uscc: str
    lists: list[CreditList]
    changed_on: date


class CreditEntry(_Data):
    uscc: str
    entry_id: str
    list: CreditList
    trigger: str
    legal_basis: str
    on: date
    reason: str | None = None


EVENTS = {
    "credit.status.changed": (1, CreditStatusChanged, "An organization's current list memberships changed"),
    "credit.entry.added": (1, CreditEntry, "An organization was put on a credit list"),
    "credit.entry.removed": (1, CreditEntry, "An organization was removed from a credit list"),
    "credit.entry.escalated": (1, CreditEntry, "An abnormal-list entry was escalated to the serious list"),
}
