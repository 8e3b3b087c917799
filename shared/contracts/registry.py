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
    # added by issue 13 (optional): the 业务主管单位's approval the change rests on, and whether the change was
    # applied for later than 30 days after it (R2.2.1, SHT art. 18, MFQ art. 15)
    sponsor_approved_on: date | None = None
    late: bool | None = None


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
    # added by issue 13 (optional): the application's acceptance (受理), the 20-day decision deadline of CSF23
    # art. 10 and whether the decision came after it
    applied_on: date | None = None
    decide_by: date | None = None
    late: bool | None = None


class FundraisingQualified(_Data):
    uscc: str
    qualified_on: date
    decided_by: str
    # added by issue 13 (optional): as for a recognition, under CSF23 art. 22
    applied_on: date | None = None
    decide_by: date | None = None
    late: bool | None = None


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


class RatingRestored(_Data):
    """Issue 13: the penalty that lowered the grade (R9.6) was voided as an error (an upheld objection, R8.4.4):
    the grade goes back up by the step it lost, from `on`."""
    uscc: str
    rating_id: int
    awarded_on: date
    expires_on: date
    from_grade: Grade | None
    to_grade: Grade
    on: date
    reason: str
    legal_basis: str
    trigger: str


# rating certificates and plaques (issue 13 item 9; R9.1, R9.6)
class RatingCertificateIssued(_Data):
    uscc: str
    rating_id: int
    number: str
    grade: Grade
    issued_on: date
    valid_until: date
    replaces: str | None = None  # the number of the set returned in exchange (换发)


class RatingCertificateRecalled(_Data):
    uscc: str
    rating_id: int
    number: str
    grade: Grade
    recalled_on: date
    return_due_on: date
    reason: str
    to_grade: Grade | None = None


class RatingCertificateReturned(_Data):
    uscc: str
    rating_id: int
    number: str
    returned_on: date
    return_due_on: date
    late: bool


class RatingCertificateVoided(_Data):
    uscc: str
    rating_id: int
    number: str
    voided_on: date
    notice: str


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
    "registry.rating.restored": (1, RatingRestored,
                                 "A grade lowered for a penalty voided as an error was given back (R8.4.4, R9.6)"),
    "registry.rating.certificate_issued": (1, RatingCertificateIssued,
                                           "A 3A+ grade's certificate and plaque were issued (R9.1)"),
    "registry.rating.certificate_recalled": (1, RatingCertificateRecalled,
                                             "A lowered or cancelled grade's certificate and plaque are due back "
                                             "within 15 days (R9.6)"),
    "registry.rating.certificate_returned": (1, RatingCertificateReturned,
                                             "A recalled certificate and plaque were returned (R9.6)"),
    "registry.rating.certificate_voided": (1, RatingCertificateVoided,
                                           "A certificate and plaque not returned were publicly declared void "
                                           "(公告作废, R9.6)"),
}
