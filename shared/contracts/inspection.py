"""inspection.* events (v1) that other services consume."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

PenaltyKind = Literal["warning", "fine", "confiscation", "suspension", "revocation"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PenaltyImposed(_Data):
    uscc: str
    penalty_id: str
    kind: PenaltyKind
    amount: Decimal | None = None
    period_days: int | None = None
    legal_basis: str
    effective_on: date
    decision_number: str | None = None


EVENTS = {
    "inspection.penalty.imposed": (1, PenaltyImposed, "An administrative penalty took effect (行政处罚)"),
}
