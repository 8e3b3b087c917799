"""Commands of annual reports and evaluation ratings (issue 3). Small and immutable."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class SaveAnnualReport:
    uscc: str
    year: int
    content: dict[str, Any]
    by: str


@dataclass(frozen=True)
class SubmitAnnualReport:
    uscc: str
    year: int
    by: str
    content: dict[str, Any] | None = None  # given: saved first, then submitted (one transaction)


@dataclass(frozen=True)
class ReviewAnnualReport:
    uscc: str
    year: int
    decision: str  # accept | return
    by: str
    reasons: tuple[str, ...] = ()
    conclusion: str | None = None  # R4.3: qualified | basically_qualified | unqualified


@dataclass(frozen=True)
class UnlockAnnualReport:
    """R4.4 (Fujian 2022, LOCAL): the registrar lifts the lock after too many returns."""

    uscc: str
    year: int
    by: str
    reason: str


@dataclass(frozen=True)
class ImportedReport:
    """A report of the past, brought in whole (a migrated register, the demo): its final state and
    the instants of its transitions."""

    uscc: str
    year: int
    content: dict[str, Any]
    by: str
    created_at: datetime
    submitted_at: datetime | None = None
    returned_at: datetime | None = None
    return_reasons: tuple[str, ...] = ()
    resubmitted_at: datetime | None = None
    accepted_at: datetime | None = None
    conclusion: str | None = None
    reviewer: str = "registrar"


@dataclass(frozen=True)
class AwardRating:
    uscc: str
    grade: str
    score: Decimal
    awarded_on: date
    evaluating_body: str
    by: str


@dataclass(frozen=True)
class DowngradeForPenalty:
    uscc: str
    penalty_id: str
    kind: str
    effective_on: date


@dataclass(frozen=True)
class DowngradeForSeriousList:
    """credit.entry.added / credit.entry.escalated onto the serious list (R8.5.1, R9.6)."""

    uscc: str
    entry_id: str
    on: date
    trigger: str


@dataclass(frozen=True)
class RecordInvestigation:
    """立案调查 by a government department or judicial organ (R9.3, L39 art. 7(4)), as recorded by the registrar."""

    uscc: str
    opened_on: date
    authority: str
    case_number: str
    legal_basis: str
    by: str


@dataclass(frozen=True)
class CloseInvestigation:
    uscc: str
    investigation_id: int
    closed_on: date
    outcome: str
    by: str
