"""Request and response bodies of the registry's HTTP API (api.md)."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from services.registry.entrypoints.api.governance_schemas import GovernanceIn
from shared.schema_types import LongText, Name, ShortText

OrgType = Literal["social_group", "social_service", "foundation"]
Category = Literal["industry_association", "science_technology", "charity", "community_service", "other"]
Level = Literal["city", "district"]
Division = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Yuan = Annotated[Decimal, Field(ge=0, le=Decimal("1e13"), max_digits=16, decimal_places=2)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_number(value: str) -> str:
    value = value.strip().upper()
    if not re.fullmatch(r"[0-9A-Z]{6,32}", value):
        raise ValueError("an identity document number: 6-32 letters or digits")
    if re.fullmatch(r"\d{17}[\dX]", value):  # a resident identity card: GB 11643 check digit
        expected = "10X98765432"[sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS)) % 11]
        if value[17] != expected:
            raise ValueError(f"resident ID check digit should be {expected} (GB 11643)")
    return value


IdNumber = Annotated[str, AfterValidator(_id_number)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 \-]{4,19}$")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LegalRepresentativeIn(_Body):
    name: Name
    id_number: IdNumber
    phone: Phone


class MembersIn(_Body):
    individual: Count = 0
    unit: Count = 0


class RegistrationIn(_Body):
    name: Name
    type: OrgType
    category: Category
    level: Level
    district: Division
    domicile: ShortText
    legal_representative: LegalRepresentativeIn
    registered_funds: Yuan
    business_scope: LongText
    supervising_unit: ShortText | None = None
    members: MembersIn | None = None
    established_on: date = Field(ge=date(1949, 10, 1))
    foundation_kind: Literal["public", "non_public"] | None = None
    charity: bool = False
    uscc: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None = None
    registered_on: date | None = Field(None, ge=date(1949, 10, 1))
    governance: GovernanceIn | None = Field(None, description="foundations only: the board (理事会), supervisors "
                                            "(监事) and charter terms, checked against JJH arts 20-24 (R2.1.4). "
                                            "Required for a new foundation; optional for one migrated in with "
                                            "its uscc and registered_on; not given for social groups and social "
                                            "services")
    charity_since: date | None = Field(None, description="a charity migrated in with its uscc: the day it was "
                                       "recognized (认定, R10.1), not before the Charity Law took effect "
                                       "(2016-09-01) nor its registration; without it a charity counts from its "
                                       "registration, or from 2016-09-01 if registered earlier")

    @model_validator(mode="after")
    def _members_only_for_groups(self) -> "RegistrationIn":
        if self.type == "social_group" and self.members is None:
            raise ValueError("members {individual, unit} is required for a social_group (SHT art. 10(1))")
        if self.type != "social_group" and self.members is not None:
            raise ValueError("members applies to social groups only")
        if self.registered_on is not None and self.uscc is None:
            raise ValueError("registered_on may only be given for an organization migrated in with its uscc")
        if self.charity_since is not None and (self.uscc is None or not self.charity):
            raise ValueError("charity_since may only be given for a charity migrated in with its uscc")
        return self


class LegalRepresentativeChange(_Body):
    name: Name | None = None
    id_number: IdNumber | None = None
    phone: Phone | None = None


class ChangeIn(_Body):
    name: Name | None = None
    domicile: ShortText | None = None
    business_scope: LongText | None = None
    legal_representative: LegalRepresentativeChange | None = Field(
        None, description="a new person (another id_number) needs a 离任审计 or 换届审计 recorded first (POST "
        ".../audits; SHT art. 27, MFQ art. 22, JJH art. 37: 409 without); a foundation's new chair comes with "
        "its board in `governance`")
    registered_funds: Yuan | None = None
    supervising_unit: ShortText | None = None
    members: MembersIn | None = None
    category: Category | None = None
    foundation_kind: Literal["public", "non_public"] | None = None
    expected_version: int | None = Field(None, ge=1, description="optimistic concurrency: the version you read")
    general_election: bool = Field(False, description="换届: the organization elected its leadership anew. A social "
                                   "group or foundation needs a 换届审计 recorded first (SHT art. 27, JJH art. 37: "
                                   "409 without); a foundation gives its new board in `governance`")
    governance: GovernanceIn | None = Field(None, description="foundations only: the board after the change "
                                            "(JJH arts 20-24), required with a 换届 or a new legal representative "
                                            "(the chair), with the meeting that elected the officers")
    sponsor_approved_on: date | None = Field(None, description="the day the 业务主管单位 approved the change (R2.2.1): "
                                             "required for a social group or social service with a sponsor (422 "
                                             "naming SHT art. 18 / MFQ art. 15 without); recorded in the history "
                                             "with the 30-day due date, and a change applied for later is flagged "
                                             "`late` (history and registry.organization.changed)")

    def changes(self) -> dict[str, Any]:
        body = self.model_dump(exclude_unset=True, exclude={"expected_version", "general_election", "governance",
                                                            "sponsor_approved_on"},
                               exclude_none=True)
        return body


class DeregistrationIn(_Body):
    liquidation_report: ShortText = Field(description="reference of the liquidation report (清算报告)")
    liquidation_completed_on: date


class RevocationIn(_Body):
    legal_basis: ShortText = Field(description="e.g. 《社会团体登记管理条例》第三十条")
    decision_number: ShortText | None = None
    effective_on: date | None = Field(None, description="default today; not in the future, not before the registration")
    request_id: str | None = Field(None, max_length=40, pattern=r"^[A-Za-z0-9\-]+$",
                                   description="the inspection's revocation request this proposal acts on")


class DecisionIn(_Body):
    note: ShortText | None = None


class CharityDecisionIn(DecisionIn):
    applied_on: date | None = Field(None, description="the day the application was accepted (受理), default today: "
                                    "the decision is due within 20 days (CSF23 arts 10, 22); the history records "
                                    "applied_on and due_on, and a later decision is flagged `late`")


class LegalRepresentativeOut(BaseModel):
    name: str
    id_number: str
    phone: str


class OrganizationOut(BaseModel):
    uscc: str
    name: str
    type: OrgType
    type_name: str
    category: Category
    category_name: str
    level: Level
    level_name: str
    district: str
    district_name: str | None
    domicile: str
    legal_representative: LegalRepresentativeOut
    registered_funds: str
    business_scope: str
    supervising_unit: str | None
    members: dict[str, int] | None
    foundation_kind: str | None
    established_on: date
    registered_on: date
    status: str
    status_name: str
    charity: bool
    charity_since: date | None
    fundraising_qualified_on: date | None
    ended_on: date | None
    end_reason: str | None
    credit_lists: list[str]
    version: int


class OrganizationPage(BaseModel):
    total: int
    page: int
    size: int
    items: list[OrganizationOut]


class HistoryEntry(BaseModel):
    id: int
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None
    changed_by: str
    changed_at: datetime
    legal_basis: str | None
    sponsor_approved_on: date | None = Field(None, description="change registration: the sponsor's approval (R2.2.1)")
    applied_on: date | None = Field(None, description="charity recognition / public fundraising: the application's "
                                    "acceptance (受理)")
    due_on: date | None = Field(None, description="the legal deadline: 30 days after the sponsor's approval, 20 days "
                                "after the acceptance (CSF23 arts 10, 22)")
    late: bool | None = Field(None, description="true when the act came after due_on")


class UsccFailureOut(BaseModel):
    position: str
    rule: str
    message: str


class UsccCheckOut(BaseModel):
    code: str
    valid: bool
    failures: list[UsccFailureOut]
    department: str | None
    category: str | None
    division: str | None
    region: str | None
    check_17_expected: str | None
    check_18_expected: str | None


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    role: str
    uscc: str | None = None
