"""A corpus for the search tests: the registry's synthetic demo organizations as search documents,
with some former names, grades, list entries and ended organizations mixed in, and an oracle that
answers every query by brute force (plain substring tests), to hold both backends against."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from services.registry.demo_data import generate_register
from services.search.domain import text
from services.search.domain.document import Bundle, Document, build_document, facet_values
from services.search.domain.query import SearchQuery, rating_filter_grades

TODAY = date(2026, 6, 1)
GRADES = ("5A", "4A", "3A", "2A", "1A")


def uscc_for(i: int, level: str = "city") -> str:
    return f"51350200MJ{i:07d}X" if level == "city" else f"52350203MJ{i:07d}Y"


def organization(i: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"uscc": uscc_for(i, body["level"]), "name": body["name"], "type": body["type"],
            "category": body["category"], "level": body["level"], "district": body["district"],
            "domicile": body["domicile"], "registered_funds": str(body["registered_funds"]),
            "business_scope": body["business_scope"], "supervising_unit": body.get("supervising_unit"),
            "foundation_kind": body.get("foundation_kind"), "established_on": date.fromisoformat(body["established_on"]),
            "registered_on": date.fromisoformat(body["established_on"]), "status": "active", "ended_on": None,
            "charity": bool(body.get("charity")), "charity_since": None, "fundraising_qualified_on": None, "version": 1}


def bundle(i: int, body: dict[str, Any]) -> Bundle:
    org = organization(i, body)
    former, ratings, entries = [], [], []
    if i % 9 == 0:
        former.append({"name": f"旧名{body['name'][-6:]}研究社", "until": date(2015, 1, 1)})
    if i % 17 == 0:
        org["status"], org["ended_on"] = "deregistered", date(2024, 1, 1)
    if i % 5 == 0:
        awarded = date(2022 + i % 3, 3, 1)
        ratings.append({"grade": GRADES[i % 5 if i % 2 else (i // 5) % 5], "awarded_on": awarded,
                        "expires_on": awarded.replace(year=awarded.year + 5), "cancelled_on": None})
    if i % 23 == 0:
        ratings.append({"grade": "5A", "awarded_on": date(2019, 1, 1), "expires_on": date(2024, 1, 1),
                        "cancelled_on": None})  # expired: not shown
    if i % 11 == 0:
        entries.append({"entry_id": f"e{i}", "list": "abnormal", "reason": "未按规定报送年度工作报告",
                        "trigger": "annual_report", "legal_basis": "社会组织信用信息管理办法第十七条",
                        "added_on": TODAY - timedelta(days=40), "removed_on": None})
    if i % 29 == 0:
        entries.append({"entry_id": f"r{i}", "list": "red", "reason": "表彰", "trigger": "award",
                        "legal_basis": "办法第十二条", "added_on": date(2025, 1, 1), "removed_on": None})
    if i % 31 == 0:
        org["fundraising_qualified_on"], org["charity"] = date(2023, 1, 1), True
    return Bundle(org, former_names=former, ratings=ratings, list_entries=entries)


@lru_cache(maxsize=1)
def documents(n: int = 1200) -> tuple[Document, ...]:
    bodies = generate_register()[:n]
    docs = [build_document(bundle(i, b), TODAY) for i, b in enumerate(bodies)]
    return tuple(docs)


def matches(doc: Document, q: str) -> int | None:
    """The tier (0 exact .. 3 scope only) a document matches a text query in, or None."""
    norm = text.normalize(q)
    name = text.normalize(doc.name)
    if name == norm:
        return 0
    if name.startswith(norm):
        return 1
    if norm in name or any(norm in text.normalize(f) for f in doc.former_names):
        return 2
    if norm in text.normalize(doc.business_scope):
        return 3
    return None


def passes(doc: Document, filters: dict[str, str]) -> bool:
    values = facet_values(doc)
    for key, want in filters.items():
        accepted = rating_filter_grades(want) if key == "rating" else (want,)
        if not set(values[key]) & set(accepted):
            return False
    return True


def oracle(docs: tuple[Document, ...], query: SearchQuery) -> tuple[list[tuple[int, str]], dict[str, dict[str, int]]]:
    hits = []
    for doc in docs:
        tier = matches(doc, query.q) if text.normalize(query.q) else 0
        if tier is not None and passes(doc, query.filters):
            hits.append((tier, doc.uscc))
    facets: dict[str, dict[str, int]] = {f: {} for f in query.facets}
    by_uscc = {d.uscc: d for d in docs}
    for _tier, uscc in hits:
        for field, values in facet_values(by_uscc[uscc]).items():
            if field in facets:
                for v in values:
                    facets[field][v] = facets[field].get(v, 0) + 1
    return hits, facets
