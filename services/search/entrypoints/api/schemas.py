"""The search API's public shapes (api.md): what a search, a profile and the statistics answer."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

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
