"""What a search asks and answers, and the default order of results (plain Python).

Order: exact name, then names starting with the query, then names (current or former) containing
it, then business scopes containing it; inside each tier the rank code orders active before ended,
city before district level, higher valid grades first, and so on; ties by a stable key, so pages
never overlap.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from services.search.domain.document import (CATEGORIES, CREDIT_LISTS, FACETS, GRADES, LEVELS, ORG_TYPES,
                                             STATUSES, Document)

MAX_WINDOW = 10_000  # page * size; beyond it a search is refused (as Elasticsearch's max_result_window)
MAX_SIZE = 100

# allowed values per filter (district is any 6-digit division code)
FILTER_VALUES: dict[str, tuple[str, ...]] = {
    "type": tuple(ORG_TYPES), "category": tuple(CATEGORIES), "level": tuple(LEVELS), "status": tuple(STATUSES),
    "rating": (*GRADES, "none", "3A+"), "credit_list": tuple(CREDIT_LISTS), "charity": ("true", "false"),
    "fundraising": ("true", "false"),
}


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    page: int = 1
    size: int = 20
    facets: tuple[str, ...] = FACETS

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


@dataclass
class SearchResult:
    total: int
    items: list[dict[str, Any]]
    facets: dict[str, dict[str, int]]
    page: int
    size: int


def rating_filter_grades(value: str) -> tuple[str, ...]:
    return ("5A", "4A", "3A") if value == "3A+" else (value,)


# the rank code: fields from the most significant bits down (name, bit width, value order)
_STATUS = ("active", "deregistered", "revoked")
_LEVEL = ("city", "district")
_RATING = (*GRADES, "none")
_TYPE = tuple(ORG_TYPES)
_CATEGORY = tuple(CATEGORIES)
_LISTS = ("abnormal", "serious", "red")
LAYOUT: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("status", 2, _STATUS), ("level", 1, _LEVEL), ("rating", 3, _RATING), ("type", 2, _TYPE),
    ("category", 3, _CATEGORY), ("credit_list", 3, _LISTS), ("charity", 1, ("false", "true")),
    ("fundraising", 1, ("false", "true")),
)
RANK_BITS = sum(bits for _, bits, _ in LAYOUT)


def shifts(low_bits: int = 0) -> dict[str, tuple[int, int]]:
    """Each field's (shift, mask) in a code whose lowest `low_bits` hold something else."""
    out, shift = {}, RANK_BITS + low_bits
    for name, bits, _values in LAYOUT:
        shift -= bits
        out[name] = (shift, (1 << bits) - 1)
    return out


_POSITION = {name: {v: i for i, v in enumerate(values)} for name, _bits, values in LAYOUT}


def rank_code(doc: Document) -> int:
    lists = sum(1 << i for i, lst in enumerate(_LISTS) if lst in doc.credit_lists)
    values = (_POSITION["status"][doc.status], _POSITION["level"][doc.level], _POSITION["rating"][doc.rating_grade],
              _POSITION["type"][doc.type], _POSITION["category"][doc.category], lists, int(doc.charity),
              int(doc.fundraising))
    code = 0
    for (_name, bits, _values), value in zip(LAYOUT, values):
        code = (code << bits) | value
    return code


@lru_cache(maxsize=1 << RANK_BITS)
def decode(code: int) -> dict[str, list[str]]:
    """The facet values of a rank code (the inverse of rank_code, lists as several values)."""
    out: dict[str, list[str]] = {}
    for name, (shift, mask) in shifts().items():
        value = (code >> shift) & mask
        values = dict((n, v) for n, _, v in LAYOUT)[name]
        if name == "credit_list":
            out[name] = [lst for i, lst in enumerate(values) if value & (1 << i)]
        else:
            out[name] = [values[value]]
    return out


def filter_codes(name: str, value: str) -> tuple[int, tuple[int, ...]] | None:
    """For a rank-code field: the values (or, for lists, the bit) a filter accepts."""
    values = dict((n, v) for n, _, v in LAYOUT).get(name)
    if values is None:
        return None
    if name == "credit_list":
        return 1, (1 << values.index(value),)
    if name == "rating":
        return 0, tuple(values.index(g) for g in rating_filter_grades(value))
    return 0, (values.index(value),)
