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


# annual reports and evaluation ratings (issue 3)
Grade = Literal["5A", "4A", "3A", "2A", "1A"]
Conclusion = Literal["qualified", "basically_qualified", "unqualified"]


class AnnualReportSubmitted(_Data):
    uscc: str
    year: int
    submitted_on: date
    first_submitted_on: date
    deadline: date
    late: bool
    resubmission: bool
    submitted_by: str
    unmet_findings: int = 0


class AnnualReportAccepted(_Data):
    uscc: str
    year: int
    accepted_on: date
    accepted_by: str
    first_submitted_on: date
    deadline: date
    late: bool
    conclusion: Conclusion | None = None


class AnnualReportReturned(_Data):
    uscc: str
    year: int
    returned_on: date
    returned_by: str
    reasons: list[str]
    first_submitted_on: date


class AnnualReportOverdue(_Data):
    uscc: str
    year: int
    deadline: date
    detected_on: date
    submitted_on: date | None = None  # filed, but after the deadline


class RatingAwarded(_Data):
    uscc: str
    rating_id: int
    grade: Grade
    score: Decimal
    awarded_on: date
    expires_on: date
    evaluating_body: str
    awarded_by: str


class RatingExpired(_Data):
    uscc: str
    rating_id: int
    grade: Grade
    awarded_on: date
    expired_on: date


class RatingDowngraded(_Data):
    uscc: str
    rating_id: int
    awarded_on: date
    expires_on: date
    from_grade: Grade
    to_grade: Grade | None  # None: no grade is left (downgraded below 1A)
    on: date
    reason: str
    legal_basis: str
    trigger: str


EVENTS = {
    "registry.organization.registered": (1, OrganizationFacts, "An organization was registered (成立登记)"),
    "registry.organization.changed": (1, OrganizationChanged, "Change registration (变更登记) with old and new values"),
    "registry.organization.deregistered": (1, OrganizationDeregistered, "Deregistration (注销登记)"),
    "registry.organization.revoked": (1, OrganizationRevoked, "Revocation (撤销登记)"),
    "registry.organization.charity_recognized": (1, CharityRecognized, "Recognized as a charity (认定为慈善组织)"),
    "registry.organization.fundraising_qualified": (1, FundraisingQualified, "Public-fundraising qualification (公开募捐资格)"),
    "registry.annual_report.submitted": (1, AnnualReportSubmitted, "An annual report was submitted (年度报告报送)"),
    "registry.annual_report.accepted": (1, AnnualReportAccepted, "The registrar accepted an annual report"),
    "registry.annual_report.returned": (1, AnnualReportReturned, "The registrar returned an annual report with reasons"),
    "registry.annual_report.overdue": (1, AnnualReportOverdue, "No annual report was submitted by the deadline (R4.5)"),
    "registry.rating.awarded": (1, RatingAwarded, "An evaluation grade was awarded (社会组织评估等级, L39)"),
    "registry.rating.expired": (1, RatingExpired, "An evaluation grade reached the end of its validity (L39 art. 28)"),
    "registry.rating.downgraded": (1, RatingDowngraded, "An evaluation grade was lowered (降级, L39 art. 30)"),
}
