"""The search API's public shapes (api.md): what a search, a profile and the statistics answer."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

OrgType = Literal["social_group", "social_service", "foundation"]
Category = Literal["industry_association", "science_technology", "charity", "community_service", "other"]
Level = Literal["city", "district"]
Status = Literal["active", "deregistered", "revoked"]
CreditList = Literal["abnormal", "serious", "red"]
Rating = Literal["5A", "4A", "3A", "2A", "1A", "none", "3A+"]


class Profile(BaseModel):
    """An organization's public profile: registration facts, rating, list status with reasons."""

    model_config = ConfigDict(extra="allow")
    uscc: str
    name: str
    former_names: list[str]
    type: str
    type_name: str
    category: str
    category_name: str
    level: str
    level_name: str
    district: str
    status: str
    status_name: str
    registered_on: str
    rating: dict[str, str] | None
    credit_lists: list[str]
    list_entries: list[dict[str, Any]]
    annual_reports_filed: list[int]
    annual_reports_overdue: list[int] = []
    annual_reports: list[dict[str, Any]] = []  # per year: state, submitted_on, deadline, late, conclusion
    inspections: list[dict[str, Any]] = []  # published random-inspection results
    credit_timeline: list[dict[str, Any]] = []  # the credit engine's projected steps {on, step, list, legal_basis}
    charity: bool
    fundraising: bool


class SearchPage(BaseModel):
    total: int
    page: int
    size: int
    items: list[Profile]
    facets: dict[str, dict[str, int]]


class ListEntryOut(BaseModel):
    uscc: str
    name: str
    district: str
    status: str
    entries: list[dict[str, Any]]


class CreditListPage(BaseModel):
    list: str
    list_name: str
    total: int
    page: int
    size: int
    items: list[ListEntryOut]


# ------------------------------------------------------------------------------------------ statistics

class RatedShare(BaseModel):
    """One R9.9 share: organizations with a valid 3A, 4A or 5A grade over the population."""

    rated_3a_plus: int = Field(description="numerator: active on the day, with a valid grade of 3A or higher")
    denominator: int = Field(description="the population: active on the day (variant_eligible: and registered "
                                         "on or before registered_on_or_before)")
    share: float | None = Field(description="rated_3a_plus / denominator, 4 decimals; null when the denominator is 0")
    goal: float
    meets_goal: bool | None


class RatedVariants(BaseModel):
    variant_all: RatedShare
    variant_eligible: RatedShare


class RatedBreakdown(BaseModel):
    """The 25% goal's share (R9.9, both variants) by type and by district."""

    registered_on_or_before: str = Field(description="variant_eligible counts only organizations registered on or "
                                                     "before this day (two full years before as_of)")
    by_type: dict[str, RatedVariants] = Field(description=(
        "city-level organizations (the goal's population) by type; the rows add up to rated_3a_plus_city_level"))
    by_district: dict[str, RatedVariants] = Field(description=(
        "by registration division (USCC positions 3-8). 350200 is the city level itself, equal to "
        "rated_3a_plus_city_level. Each district code holds that district's own (district-level) organizations: "
        "R9.9 counts only USCCs of 350200 toward the city's 25% goal, so district-level organizations do not count "
        "toward it; their shares use the same definition and are shown against the same 25% for comparison. "
        "City-level organizations are not split by district (the register has no district for them)."))


class Statistics(BaseModel):
    """GET /search/stats: counts and ratios as of a day, and progress toward the plan's goals."""

    model_config = ConfigDict(extra="allow")
    as_of: str
    total: dict[str, Any]
    by_type: dict[str, int]
    by_level: dict[str, int]
    by_district: dict[str, int]
    by_category: dict[str, int]
    charities: int
    rating_distribution: dict[str, int]
    rated_3a_plus_city_level: dict[str, Any] = Field(description=(
        "R9.9: the share of city-level organizations (USCC positions 3-8 = 350200) with a valid 3A+ grade; "
        "variant_all over every active city-level organization, variant_eligible over those registered two full "
        "years"))
    rated_3a_plus_breakdown: RatedBreakdown
    credit_lists: dict[str, int]
    annual_report_filing: list[dict[str, Any]]
    inspections: list[dict[str, Any]]
