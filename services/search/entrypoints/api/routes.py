"""The search paths of api.md: public search, profiles, published credit lists and statistics."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from services.search.adapters import views
from services.search.domain.document import CATEGORIES, CREDIT_LISTS, FACETS, LEVELS, ORG_TYPES, STATUSES
from services.search.domain.query import MAX_SIZE, MAX_WINDOW, SearchQuery
from services.search.entrypoints.api import schemas
from services.search.entrypoints.api.deps import Container
from shared.errors import FieldError, InvalidInput, NotFound

router = APIRouter(prefix="/search", tags=["search"])
Page = Annotated[int, Query(ge=1, le=MAX_WINDOW, description="1-based page")]
Size = Annotated[int, Query(ge=1, le=MAX_SIZE, description="results per page")]
Q = Annotated[str, Query(max_length=100, description="Chinese or other text, or a (partial) USCC")]


def public(doc: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in doc.items() if k not in ("version", "checksum")}
    out.update(type_name=ORG_TYPES.get(doc["type"], doc["type"]),
               category_name=CATEGORIES.get(doc["category"], doc["category"]),
               level_name=LEVELS.get(doc["level"], doc["level"]), status_name=STATUSES.get(doc["status"], doc["status"]))
    return out


def _window(page: int, size: int) -> None:
    if page * size > MAX_WINDOW:
        raise InvalidInput(f"page * size may not exceed {MAX_WINDOW}; narrow the search instead",
                           rule="search.result_window", errors=[FieldError("page", f"page * size > {MAX_WINDOW}")])


def _facets(value: str | None) -> tuple[str, ...]:
    if value is None:
        return FACETS
    wanted = tuple(f for f in (p.strip() for p in value.split(",")) if f and f != "none")
    unknown = [f for f in wanted if f not in FACETS]
    if unknown:
        raise InvalidInput(f"unknown facet {unknown[0]!r}; facets are {', '.join(FACETS)} (or none)",
                           rule="search.facets", errors=[FieldError("facets", "unknown facet")])
    return wanted


@router.get("/organizations", response_model=schemas.SearchPage)
def search_organizations(
    c: Container, q: Q = "", page: Page = 1, size: Size = 20,
    type: schemas.OrgType | None = None, category: schemas.Category | None = None,
    level: schemas.Level | None = None, district: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    rating: schemas.Rating | None = None, credit_list: schemas.CreditList | None = None,
    org_status: Annotated[schemas.Status | None, Query(alias="status")] = None,
    charity: bool | None = None, fundraising: bool | None = None,
    facets: Annotated[str | None, Query(max_length=200, description="comma-separated facets, or none")] = None,
) -> dict[str, Any]:
    _window(page, size)
    filters = {"type": type, "category": category, "level": level, "district": district, "rating": rating,
               "credit_list": credit_list, "status": org_status,
               "charity": None if charity is None else str(charity).lower(),
               "fundraising": None if fundraising is None else str(fundraising).lower()}
    query = SearchQuery(q=q, filters={k: v for k, v in filters.items() if v is not None}, page=page, size=size,
                        facets=_facets(facets))
    result = c.index.search(query)
    return {"total": result.total, "page": page, "size": size, "items": [public(d) for d in result.items],
            "facets": result.facets}


@router.get("/organizations/{uscc}", response_model=schemas.Profile)
def organization_profile(uscc: Annotated[str, Path(min_length=1, max_length=40)], c: Container) -> dict[str, Any]:
    doc = c.index.get(uscc.strip().upper())
    if doc is None:
        raise NotFound(f"no organization with USCC {uscc}")
    return public(doc)


@router.get("/credit-lists/{list_name}", response_model=schemas.CreditListPage)
def published_list(list_name: Annotated[schemas.CreditList, Path()], c: Container, q: Q = "",
                   page: Page = 1, size: Size = 50) -> dict[str, Any]:
    _window(page, size)
    result = c.index.search(SearchQuery(q=q, filters={"credit_list": list_name}, page=page, size=size, facets=()))
    items = [{"uscc": d["uscc"], "name": d["name"], "district": d["district"], "status": d["status"],
              "entries": [e for e in d["list_entries"] if e["list"] == list_name]} for d in result.items]
    return {"list": list_name, "list_name": CREDIT_LISTS[list_name], "total": result.total, "page": page,
            "size": size, "items": items}


@router.get("/stats", response_model=schemas.Statistics, description=(
    "Counts and ratios as of a day (default today) and progress toward the plan's goals. "
    "rated_3a_plus_city_level is the 25% goal (R9.9: city-level organizations, both variants); "
    "rated_3a_plus_breakdown gives the same share by type (city-level organizations) and by district "
    "(350200: the city level; a district code: that district's district-level organizations, which do not "
    "count toward the city goal and are shown for comparison)."))
def statistics(c: Container, as_of: Annotated[date | None, Query(description="YYYY-MM-DD; default today")] = None
               ) -> dict[str, Any]:
    day = as_of or c.clock.today()
    if not date(1949, 10, 1) <= day <= date(2200, 1, 1):
        raise InvalidInput("as_of must lie between 1949-10-01 and 2200-01-01", rule="search.as_of",
                           errors=[FieldError("as_of", "out of range")])
    with c.db.read_session() as session:
        return views.statistics(session, day, c.goals)
