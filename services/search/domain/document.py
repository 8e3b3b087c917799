"""The search document: one per organization, the public view only (plain Python).

It is built from the projection's rows by `build_document`, a pure function of those rows and the
day it is built for (a rating is shown only while it is valid). Nothing personal is in it: the
events carry no ID numbers or phones, and the legal representative's name and the staff who
decided are not copied either.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

ORG_TYPES = {"social_group": "社会团体", "social_service": "民办非企业单位（社会服务机构）", "foundation": "基金会"}
CATEGORIES = {
    "industry_association": "行业协会商会类", "science_technology": "科技类", "charity": "公益慈善类",
    "community_service": "城乡社区服务类", "other": "其他",
}
LEVELS = {"city": "市级", "district": "区级"}
STATUSES = {"active": "正常", "deregistered": "已注销", "revoked": "已撤销"}
CREDIT_LISTS = {"abnormal": "活动异常名录", "serious": "严重违法失信名单", "red": "红名单"}
OUTCOMES = {"compliant": "未发现问题", "rectification": "责令整改", "penalty": "依法处罚"}
CONCLUSIONS = {"qualified": "合格", "basically_qualified": "基本合格", "unqualified": "不合格"}
REPORT_STATES = {"submitted": "已报送", "returned": "退回修改", "accepted": "已通过", "overdue": "逾期未报"}
GRADES = ("5A", "4A", "3A", "2A", "1A")
RATINGS = (*GRADES, "none")
FACETS = ("type", "category", "level", "district", "status", "rating", "credit_list", "charity", "fundraising")


@dataclass(frozen=True)
class Bundle:
    """What the projection holds about one organization (plain dicts from the repository)."""

    organization: dict[str, Any]
    former_names: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    list_entries: list[dict[str, Any]] = field(default_factory=list)
    penalties: list[dict[str, Any]] = field(default_factory=list)
    annual_reports: list[dict[str, Any]] = field(default_factory=list)
    rating_steps: list[dict[str, Any]] = field(default_factory=list)
    inspections: list[dict[str, Any]] = field(default_factory=list)  # completed ones only
    credit_timeline: dict[str, Any] | None = None


@dataclass(frozen=True)
class Document:
    uscc: str
    name: str
    former_names: list[str]
    type: str
    category: str
    level: str
    district: str
    status: str
    business_scope: str
    domicile: str
    supervising_unit: str | None
    registered_funds: str
    foundation_kind: str | None
    established_on: str
    registered_on: str
    ended_on: str | None
    charity: bool
    charity_since: str | None
    fundraising: bool
    fundraising_qualified_on: str | None
    rating: dict[str, str] | None
    credit_lists: list[str]
    list_entries: list[dict[str, Any]]
    penalties: list[dict[str, Any]]
    annual_reports_filed: list[int]
    annual_reports_overdue: list[int]
    version: int
    annual_reports: list[dict[str, Any]] = field(default_factory=list)
    inspections: list[dict[str, Any]] = field(default_factory=list)
    credit_timeline: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rating_grade(self) -> str:
        return self.rating["grade"] if self.rating else "none"

    def to_dict(self) -> dict[str, Any]:
        """The stored form (JSON-ready: the fields hold only str, int, bool, None, lists and dicts)."""
        body = {name: getattr(self, name) for name in _FIELDS}
        body["checksum"] = checksum(body)
        return body

    def to_json(self) -> tuple[str, str]:
        """The stored form as JSON, and its checksum, with one serialization."""
        content = _canonical({name: getattr(self, name) for name in _FIELDS if name != "version"})
        digest = hashlib.sha1(content.encode()).hexdigest()
        return content[:-1] + f',"version":{int(self.version)},"checksum":"{digest}"}}', digest

    @classmethod
    def from_dict(cls, body: dict[str, Any]) -> "Document":
        return cls(**{k: v for k, v in body.items() if k != "checksum"})


_FIELDS = tuple(f.name for f in fields(Document))


def _canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def checksum(body: dict[str, Any]) -> str:
    """A stable digest of a document's content (its version excluded: same facts, same sum)."""
    return hashlib.sha1(_canonical({k: v for k, v in body.items() if k not in ("checksum", "version")})
                        .encode()).hexdigest()


def _iso(value: Any) -> str | None:
    return None if value is None else (value.isoformat() if isinstance(value, date) else str(value))


def grade_on(rating: dict[str, Any], steps: list[dict[str, Any]], on: date) -> str | None:
    """The grade a rating holds on `on`: the award lowered by every downgrade taken by then (steps
    only lower it, so the lowest wins whatever order they were learnt in); None if none is left."""
    grade: str | None = rating["grade"]
    for step in steps:
        if step["awarded_on"] == rating["awarded_on"] and step["on"] <= on:
            if step["to_grade"] is None:
                return None
            grade = max(grade, step["to_grade"], key=_GRADE_ORDER.__getitem__)  # type: ignore[arg-type]
    return grade


_GRADE_ORDER = {g: i for i, g in enumerate(GRADES)}


def valid_rating(ratings: list[dict[str, Any]], on: date,
                 steps: list[dict[str, Any]] | None = None) -> dict[str, str] | None:
    """The grade valid on `on` (R9.9): awarded by then, not expired, not cancelled or downgraded away by
    then; of several, the latest award (a new rating supersedes the old)."""
    valid = [r for r in ratings if r["awarded_on"] <= on < r["expires_on"]
             and (r.get("cancelled_on") is None or r["cancelled_on"] > on)]
    if not valid:
        return None
    best = max(valid, key=lambda r: r["awarded_on"])
    grade = grade_on(best, steps or [], on)
    if grade is None:
        return None
    out = {"grade": grade, "awarded_on": _iso(best["awarded_on"]) or "", "expires_on": _iso(best["expires_on"]) or ""}
    if grade != best["grade"]:
        out["awarded_grade"] = best["grade"]
    return out


def report_years(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The public state of each year's annual report (R4): filed (first submission), late, reviewed."""
    out = []
    for r in sorted(reports, key=lambda r: r["year"]):
        first, deadline = r.get("first_submitted_on"), r.get("deadline")
        out.append({"year": r["year"], "state": r["state"], "state_name": REPORT_STATES.get(r["state"], r["state"]),
                    "submitted_on": _iso(first), "deadline": _iso(deadline),
                    "late": None if first is None or deadline is None else first > deadline,
                    "overdue": r.get("overdue_on") is not None,
                    "conclusion": r.get("conclusion"),
                    "conclusion_name": CONCLUSIONS.get(r.get("conclusion") or "")})
    return out


def inspection_results(rows: list[dict[str, Any]], penalties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Published results of random inspections (双随机、一公开): outcome, items checked and failed, and
    the penalty they led to; no inspector and no personal data travels in the events."""
    by_id = {p["penalty_id"]: p for p in penalties}
    out = []
    for r in sorted(rows, key=lambda r: (r["completed_on"], r.get("task_id") or r["key"])):
        penalty = by_id.get(r.get("penalty_id") or "")
        out.append({"task_id": r.get("task_id"), "plan_id": r.get("plan_id"), "outcome": r.get("outcome"),
                    "outcome_name": OUTCOMES.get(r.get("outcome") or ""),
                    "completed_on": _iso(r["completed_on"]), "check_items": _json_list(r.get("check_items")),
                    "failed_items": _json_list(r.get("failed_items")),
                    "rectification_id": r.get("rectification_id"),
                    "penalty": None if penalty is None else {
                        "kind": penalty["kind"], "effective_on": _iso(penalty["effective_on"]),
                        "legal_basis": penalty["legal_basis"], "decision_number": penalty.get("decision_number")}})
    return out


def _json_list(value: Any) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else list(json.loads(value))


def credit_timeline(held: dict[str, Any] | None) -> list[dict[str, Any]]:
    if held is None or held.get("timeline") is None:
        return []
    steps = held["timeline"] if isinstance(held["timeline"], list) else json.loads(held["timeline"])
    return sorted(steps, key=lambda s: s["on"])


def current_entries(entries: list[dict[str, Any]], on: date) -> list[dict[str, Any]]:
    open_ = [e for e in entries if e["added_on"] <= on and (e.get("removed_on") is None or e["removed_on"] > on)]
    return [{"list": e["list"], "list_name": CREDIT_LISTS.get(e["list"], e["list"]), "entry_id": e["entry_id"],
             "reason": e.get("reason"), "trigger": e.get("trigger"), "legal_basis": e.get("legal_basis"),
             "since": _iso(e["added_on"])} for e in sorted(open_, key=lambda e: (e["added_on"], e["entry_id"]))]


def build_document(bundle: Bundle, today: date) -> Document:
    org = bundle.organization
    entries = current_entries(bundle.list_entries, today)
    reports = bundle.annual_reports
    former = [n["name"] for n in sorted(bundle.former_names, key=lambda n: (n["until"], n["name"]))]
    return Document(
        uscc=org["uscc"], name=org["name"], former_names=list(dict.fromkeys(n for n in former if n != org["name"])),
        type=org["type"], category=org["category"], level=org["level"], district=org["district"],
        status=org["status"], business_scope=org["business_scope"], domicile=org["domicile"],
        supervising_unit=org.get("supervising_unit"), registered_funds=str(org["registered_funds"]),
        foundation_kind=org.get("foundation_kind"), established_on=_iso(org["established_on"]) or "",
        registered_on=_iso(org["registered_on"]) or "", ended_on=_iso(org.get("ended_on")),
        charity=bool(org["charity"]), charity_since=_iso(org.get("charity_since")),
        fundraising=org.get("fundraising_qualified_on") is not None,
        fundraising_qualified_on=_iso(org.get("fundraising_qualified_on")),
        rating=valid_rating(bundle.ratings, today, bundle.rating_steps),
        credit_lists=sorted({e["list"] for e in entries}),
        list_entries=entries,
        penalties=[{"kind": p["kind"], "effective_on": _iso(p["effective_on"]), "legal_basis": p["legal_basis"],
                    "decision_number": p.get("decision_number")}
                   for p in sorted(bundle.penalties, key=lambda p: (p["effective_on"], p["penalty_id"]))],
        annual_reports_filed=sorted(r["year"] for r in reports if r.get("first_submitted_on") is not None),
        annual_reports_overdue=sorted(r["year"] for r in reports if r.get("overdue_on") is not None),
        version=int(org["version"]),
        annual_reports=report_years(reports),
        inspections=inspection_results(bundle.inspections, bundle.penalties),
        credit_timeline=credit_timeline(bundle.credit_timeline),
    )


def facet_values(doc: Document) -> dict[str, list[str]]:
    """The values a document counts under, per facet (a document may sit on several lists)."""
    return {"type": [doc.type], "category": [doc.category], "level": [doc.level], "district": [doc.district],
            "status": [doc.status], "rating": [doc.rating_grade], "credit_list": list(doc.credit_lists),
            "charity": [str(doc.charity).lower()], "fundraising": [str(doc.fundraising).lower()]}
