"""Commands of the credit-list engine (imperative, small, immutable)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.inspection.domain.credit import Fact


@dataclass(frozen=True)
class RecordCreditFacts:
    """What one event said about one organization (a trigger, a duty done, a grade, a closure ...)."""

    uscc: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class IncludeManually:
    list: str
    uscc: str
    trigger: str
    legal_basis: str
    reason: str
    by: str
    included_on: date | None = None


@dataclass(frozen=True)
class RemoveEntry:
    list: str
    entry_id: str
    reason: str
    legal_basis: str
    by: str


@dataclass(frozen=True)
class ApplyForRemoval:
    """信用修复: the organization applies to leave a list after correcting (R8.4.2, R8.4.3)."""

    uscc: str
    list: str
    statement: str
    by: str


@dataclass(frozen=True)
class Object:
    """异议: the organization disputes one entry, or the credit information itself (R8.4.4): `information` is
    its key - penalty:<penalty id>, annual_report:<year> (a report flagged late), rectification:<id> ..."""

    uscc: str
    entry_id: str | None
    statement: str
    by: str
    information: str | None = None


@dataclass(frozen=True)
class Decide:
    application_id: str
    approve: bool
    reason: str
    by: str
    kind: str | None = None
    void_cause: bool = False  # an objection to an entry upheld because its cause itself was wrong (R8.4.4)
