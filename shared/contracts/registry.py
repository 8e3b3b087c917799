"""registry.* events (v1). No personal data (ID numbers, phones) ever travels in an event."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

OrgType = Literal["social_group", "social_service", "foundation"]
Category = Literal["industry_association", "science_technology", "charity", "community_service", "other"]
Level = Literal["city", "district"]
Status = Literal["active", "deregistered", "revoked"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OrganizationFacts(_Data):
    uscc: str
    name: str
    type: OrgType
    category: Category
    level: Level
    district: str
    domicile: str
    legal_representative_name: str
    registered_funds: Decimal
    business_scope: str
    supervising_unit: str | None = None
    established_on: date
    registered_on: date
    status: Status
    charity: bool = False
    charity_since: date | None = None
    fundraising_qualified_on: date | None = None
    foundation_kind: Literal["public", "non_public"] | None = None


class FieldChange(_Data):
    field: str
    old: str | None
    new: str | None


class OrganizationChanged(_Data):
    uscc: str
    changed_on: date
    changed_by: str
    changes: list[FieldChange]
    organization: OrganizationFacts


class OrganizationDeregistered(_Data):
    uscc: str
    deregistered_on: date
    liquidation_report: str
    decided_by: str


class OrganizationRevoked(_Data):
    uscc: str
    revoked_on: date
    legal_basis: str
    decision_number: str | None = None
    decided_by: str


class CharityRecognized(_Data):
    uscc: str
    recognized_on: date
    decided_by: str


class FundraisingQualified(_Data):
    uscc: str
    qualified_on: date
    decided_by: str


EVENTS = {
    "registry.organization.registered": (1, OrganizationFacts, "An organization was registered (成立登记)"),
    "registry.organization.changed": (1, OrganizationChanged, "Change registration (变更登记) with old and new values"),
    "registry.organization.deregistered": (1, OrganizationDeregistered, "Deregistration (注销登记)"),
    "registry.organization.revoked": (1, OrganizationRevoked, "Revocation (撤销登记)"),
    "registry.organization.charity_recognized": (1, CharityRecognized, "Recognized as a charity (认定为慈善组织)"),
    "registry.organization.fundraising_qualified": (1, FundraisingQualified, "Public-fundraising qualification (公开募捐资格)"),
}
