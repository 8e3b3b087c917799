"""Commands: what a registrar (or an incoming event) asks the registry to do. Small and immutable."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.registry.domain.governance import Governance


@dataclass(frozen=True)
class LegalRepresentative:
    name: str
    id_number: str
    phone: str


@dataclass(frozen=True)
class RegisterOrganization:
    name: str
    type: str
    category: str
    level: str
    district: str
    domicile: str
    legal_representative: LegalRepresentative
    registered_funds: Decimal
    business_scope: str
    established_on: date
    supervising_unit: str | None = None
    members_individual: int | None = None
    members_unit: int | None = None
    foundation_kind: str | None = None
    charity: bool = False
    uscc: str | None = None  # an existing organization migrated in
    registered_on: date | None = None  # defaults to today; migrated organizations keep their own
    by: str = "system"
    governance: Governance | None = None  # a foundation's board (R2.1.4, JJH arts 20-24)
    charity_since: date | None = None  # a charity migrated in: its recognition (R10.1; not before 2016-09-01)


@dataclass(frozen=True)
class ChangeRegistration:
    uscc: str
    changes: dict[str, object]
    by: str
    expected_version: int | None = None
    general_election: bool = False  # 换届 (R5.1: needs a financial audit first)
    governance: Governance | None = None  # a foundation's new or amended board (JJH arts 20-24)
    sponsor_approved_on: date | None = None  # the 业务主管单位's approval: 30 days to apply (R2.2.1)


@dataclass(frozen=True)
class RecordAudit:
    """A financial audit (换届审计 / 离任审计) of the organization, recorded by the registrar (R5.1)."""

    uscc: str
    kind: str
    firm: str
    report_number: str
    issued_on: date
    by: str


@dataclass(frozen=True)
class Deregister:
    uscc: str
    liquidation_report: str
    liquidation_completed_on: date
    by: str


@dataclass(frozen=True)
class Revoke:
    uscc: str
    legal_basis: str
    by: str
    decision_number: str | None = None
    effective_on: date | None = None


@dataclass(frozen=True)
class RecognizeCharity:
    uscc: str
    by: str
    applied_on: date | None = None  # the application's acceptance (受理): decided within 20 days (CSF23 art. 10)


@dataclass(frozen=True)
class QualifyFundraising:
    uscc: str
    by: str
    applied_on: date | None = None  # the application's acceptance (受理): decided within 20 days (CSF23 art. 22)


@dataclass(frozen=True)
class ApplyCreditStatus:
    uscc: str
    lists: tuple[str, ...]


@dataclass(frozen=True)
class RecordPenalty:
    penalty_id: str
    uscc: str
    kind: str
    effective_on: date
    legal_basis: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class AnnulPenalty:
    """From inspection.penalty.annulled: an upheld objection voided the penalty decision (R8.4.4)."""

    penalty_id: str
    uscc: str
    kind: str
    effective_on: date
    legal_basis: str
    annulled_on: date
    reason: str


@dataclass(frozen=True)
class AddUser:
    username: str
    password: str
    role: str
    uscc: str | None = None
