"""The annual-report form as flat HTML fields <-> the report content of the JSON API.

Field names are the content's own paths (``finances.income.donations``, ``activities.0.spending``), so
an error the service names by path lands next to the field that caused it. Repeating groups are
rows; blank rows are dropped and the rest renumbered before validation, so row numbers in errors
match the rows shown again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

YUAN, COUNT, TEXT, LONG, DATE, BOOL, CHOICE, CHECK = "yuan", "count", "text", "long", "date", "bool", "choice", "check"

INCOME = ("donations", "government_grants", "services", "membership_dues", "investment", "other", "total",
          "restricted_to_later_years", "released_from_time_restriction")
EXPENSES = ("business_activities", "charitable_activities", "management", "fundraising", "other", "staff_and_office",
            "total")
NET_ASSETS = ("restricted", "unrestricted", "total")
STAFF = ("full_time", "part_time", "volunteers", "volunteer_hours")

SCALARS: dict[str, str] = {
    "registration.confirmed": BOOL,
    **{f"finances.income.{k}": YUAN for k in INCOME},
    **{f"finances.expenses.{k}": YUAN for k in EXPENSES},
    **{f"finances.net_assets.{k}": YUAN for k in NET_ASSETS},
    **{f"staff.{k}": COUNT for k in STAFF},
    "party.established": BOOL, "party.form": CHOICE, "party.members": COUNT,
    "audit.firm": TEXT, "audit.report_number": TEXT, "audit.opinion": CHOICE, "audit.issued_on": DATE,
}


@dataclass(frozen=True)
class Group:
    path: str
    columns: tuple[tuple[str, str], ...]  # (column, kind)
    minimum: int  # rows shown even when none is filled
    maximum: int  # the schema's max_length


EVENT_COLUMNS = (("occurred_on", DATE), ("description", LONG), ("reference", TEXT))
GROUPS: tuple[Group, ...] = (
    Group("registration.changes", (("item", CHOICE), ("current", TEXT), ("proposed", TEXT)), 1, 20),
    Group("finances.previous_years", (("year", COUNT), ("total_income", YUAN), ("year_end_net_assets", YUAN),
                                      ("restricted_to_later_years", YUAN),
                                      ("released_from_time_restriction", YUAN)), 1, 3),
    Group("activities", (("name", TEXT), ("description", LONG), ("beneficiaries", COUNT), ("spending", YUAN),
                         ("charitable", CHECK)), 2, 200),
    Group("major_events.changes", EVENT_COLUMNS, 1, 50),
    Group("major_events.penalties", EVENT_COLUMNS, 1, 50),
    Group("major_events.litigation", EVENT_COLUMNS, 1, 50),
)
GROUP_BY_PATH = {g.path: g for g in GROUPS}
_ROW = re.compile(r"^(?P<group>[a-z_.]+)\.(?P<index>\d{1,4})\.(?P<column>[a-z_]+)$")

Rows = dict[str, list[dict[str, str]]]


@dataclass
class FormValues:
    """What the form shows: scalar values and the rows of each repeating group, all as text."""

    scalars: dict[str, str]
    rows: Rows

    def value(self, name: str) -> str:
        return self.scalars.get(name, "")

    def shown_rows(self, path: str) -> list[dict[str, str]]:
        """The filled rows, then blank ones up to the group's minimum (always one spare, within the maximum)."""
        group = GROUP_BY_PATH[path]
        filled = self.rows.get(path, [])
        count = min(group.maximum, max(group.minimum, len(filled) + 1))
        return filled + [{} for _ in range(count - len(filled))]

    def field_names(self) -> set[str]:
        names = set(SCALARS)
        for group in GROUPS:
            for i in range(len(self.shown_rows(group.path))):
                names.update(f"{group.path}.{i}.{column}" for column, _ in group.columns)
        return names


def from_form(form: FormData) -> FormValues:
    """The submitted fields; blank rows dropped and the others renumbered from 0."""
    scalars = {name: str(form.get(name) or "").strip() for name in SCALARS}
    found: dict[str, dict[int, dict[str, str]]] = {}
    for key, raw in form.multi_items():
        match = _ROW.match(key)
        if match is None or match["group"] not in GROUP_BY_PATH or not isinstance(raw, str):
            continue
        found.setdefault(match["group"], {}).setdefault(int(match["index"]), {})[match["column"]] = raw.strip()
    rows = {path: [row for _, row in sorted(by_index.items()) if any(row.values())]
            for path, by_index in found.items()}
    return FormValues(scalars, rows)


def from_content(content: dict[str, Any] | None) -> FormValues:
    """A saved report's content shown in the form."""
    content = content or {}
    scalars = {}
    for name in SCALARS:
        value = _get(content, name)
        scalars[name] = "" if value is None else _text(value)
    rows: Rows = {}
    for group in GROUPS:
        items = _get(content, group.path) or []
        rows[group.path] = [{column: _text(item.get(column)) for column, _ in group.columns if item.get(column)
                             not in (None, False)} for item in items if isinstance(item, dict)]
    return FormValues(scalars, rows)


def to_content(values: FormValues, audit_required: bool) -> dict[str, Any]:
    """The body the JSON API would receive (typed later by the API's own schema)."""
    content: dict[str, Any] = {"finances": {"income": {}, "expenses": {}, "net_assets": {}}, "staff": {},
                               "party": {}}
    for name, kind in SCALARS.items():
        parsed = _parse(values.value(name), kind)
        if parsed is not None:
            _put(content, name, parsed)
    if not content["party"]:
        del content["party"]
    if audit_required:
        content.setdefault("audit", {})
    for group in GROUPS:
        items = []
        for row in values.rows.get(group.path, []):
            item = {column: _parse(row.get(column, ""), kind) for column, kind in group.columns}
            items.append({k: v for k, v in item.items() if v is not None})
        if items or group.path != "finances.previous_years":
            _put(content, group.path, items)
    return content


def _parse(text: str, kind: str) -> Any:
    if kind == CHECK:
        return bool(text)
    if text == "":
        return None
    if kind == BOOL:
        return {"true": True, "false": False}.get(text, text)
    if kind in (YUAN, COUNT):
        return re.sub(r"[,，¥￥\s]", "", text)
    return text


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _get(content: dict[str, Any], path: str) -> Any:
    node: Any = content
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _put(content: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = content
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


# How the form and the read-only view lay the content out: (section title, parts); a part is
# ("fields", legend key or None, field names) or ("group", group path).
Part = tuple[Any, ...]
LAYOUT: tuple[tuple[str, tuple[Part, ...]], ...] = (
    ("sec.registration", (("fields", None, ("registration.confirmed",)), ("group", "registration.changes"))),
    ("sec.finances", (("fields", "rf.finances.income", tuple(f"finances.income.{k}" for k in INCOME)),
                     ("fields", "rf.finances.expenses", tuple(f"finances.expenses.{k}" for k in EXPENSES)),
                     ("fields", "rf.finances.net_assets", tuple(f"finances.net_assets.{k}" for k in NET_ASSETS)),
                     ("group", "finances.previous_years"))),
    ("sec.activities", (("group", "activities"),)),
    ("sec.staff", (("fields", None, tuple(f"staff.{k}" for k in STAFF)),)),
    ("sec.party", (("fields", None, ("party.established", "party.form", "party.members")),)),
    ("sec.major_events", (("group", "major_events.changes"), ("group", "major_events.penalties"),
                         ("group", "major_events.litigation"))),
    ("sec.audit", (("fields", None, ("audit.firm", "audit.report_number", "audit.opinion", "audit.issued_on")),)),
)

# the choices of CHOICE fields: (value, message key)
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "item": tuple((k, f"item.{k}") for k in ("name", "domicile", "business_scope", "legal_representative",
                                             "registered_funds", "supervising_unit", "members", "category",
                                             "foundation_kind", "other")),
    "party.form": tuple((k, f"party.{k}") for k in ("committee", "general_branch", "branch", "joint_branch",
                                                    "instructor")),
    "audit.opinion": tuple((k, f"opinion.{k}") for k in ("unqualified", "qualified", "adverse", "disclaimer")),
}


def choices(name: str) -> tuple[tuple[str, str], ...]:
    """The choices of a field or a row column (``registration.changes.0.item`` -> ``item``)."""
    return CHOICES.get(name) or CHOICES.get(name.rsplit(".", 1)[-1], ())


def required_fields(audit_required: bool) -> frozenset[str]:
    """The fields a submission must have (report_content.check_complete), marked * in the form."""
    names = {"registration.confirmed", "party.established",
             *(f"finances.income.{k}" for k in INCOME[:7]),
             *(f"finances.expenses.{k}" for k in ("business_activities", "management", "fundraising", "other",
                                                  "total")),
             *(f"finances.net_assets.{k}" for k in NET_ASSETS), *(f"staff.{k}" for k in STAFF[:3])}
    if audit_required:
        names.update(("audit.firm", "audit.report_number", "audit.opinion", "audit.issued_on"))
    return frozenset(names)
