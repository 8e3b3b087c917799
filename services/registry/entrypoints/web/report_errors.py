"""The service's answers about a report, in the page's language: schema errors (the API's 422 on
types) and the domain's completeness failures (422 with field paths), each turned into a message
next to its field; anything not tied to a field becomes a form-level message."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError

from services.registry.entrypoints.web import report_form as rf
from shared.errors import FieldError

Translate = Callable[..., str]
_SUM = re.compile(r" is (?P<given>\S+) but .* = (?P<sum>\S+)$")

_TYPE_KEYS = {
    "missing": "err.required", "string_too_short": "err.required", "literal_error": "err.choose",
    "bool_parsing": "err.choose", "bool_type": "err.choose", "greater_than_equal": "err.negative",
    "less_than_equal": "err.too_large", "decimal_max_digits": "err.too_large", "decimal_max_places": "err.decimals",
    "decimal_parsing": "err.number", "decimal_type": "err.number", "int_parsing": "err.count",
    "int_from_float": "err.count", "int_type": "err.count", "string_too_long": "err.too_long",
    "too_long": "err.too_many", "value_error": "err.control",
}
_DOMAIN_KEYS = {
    "registration.confirmed": "err.registration_confirm", "party.established": "err.party_established",
    "party.members": "err.party_members", "finances.income.restricted_to_later_years": "err.restricted_over_total",
}


def kind_of(name: str) -> str | None:
    if name in rf.SCALARS:
        return rf.SCALARS[name]
    match = re.match(r"^(.+)\.\d+\.([a-z_]+)$", name)
    group = rf.GROUP_BY_PATH.get(match[1]) if match else None
    return dict(group.columns).get(match[2]) if group and match else None


def label(t: Translate, name: str) -> str:
    """A field's label, with its row for a repeating group ("活动/项目第 2 行的支出金额")."""
    match = re.match(r"^(.+)\.(\d+)\.([a-z_]+)$", name)
    if match is None:
        return t("rf." + name)
    group, column = match[1], match[3]
    column_key = "rf." + re.sub(r"^major_events\.[a-z]+", "major_events.*", group) + ".*." + column
    return t("rf.row", group=t("rf." + group), n=int(match[2]) + 1, column=t(column_key))


def schema_errors(t: Translate, error: ValidationError) -> list[tuple[str, str]]:
    """(field, message) for each error of the API's schema, in the page's language."""
    out = []
    for e in error.errors():
        name = ".".join(str(part) for part in e["loc"])
        kind = kind_of(name)
        key = "err.date" if kind == rf.DATE else _TYPE_KEYS.get(e["type"], "err.invalid")
        if key == "err.negative" and kind == rf.COUNT:
            key = "err.count"
        if key == "err.number" and kind == rf.COUNT:
            key = "err.count"
        limit = (e.get("ctx") or {}).get("max_length", "")
        out.append((name, t(key, label=label(t, name) if name else t("err.form"), max=limit)))
    return out


def domain_errors(t: Translate, errors: Iterable[FieldError]) -> list[tuple[str, str]]:
    """(field, message) for each failure of the domain's completeness and sum checks."""
    return [(e.field, _domain_message(t, e)) for e in errors]


def _domain_message(t: Translate, e: FieldError) -> str:
    name, message = e.field, e.message
    summed = _SUM.search(message) if name.endswith(".total") else None
    if summed:
        return t("err.sum", label=label(t, name), given=_amount(summed["given"]), sum=_amount(summed["sum"]))
    if name in _DOMAIN_KEYS:
        return t(_DOMAIN_KEYS[name])
    if name == "registration.changes":
        return t("err.registration_changes_missing" if "not confirmed" in message else "err.registration_changes_extra")
    if name == "finances.expenses.charitable_activities":
        return t("err.charitable_over" if "not more" in message else "err.charitable_required")
    if name == "finances.expenses.staff_and_office":
        return t("err.staff_office_over" if "exceed" in message else "err.staff_office_required")
    if message.endswith("is required") and kind_of(name) is not None:
        return t("err.choose" if kind_of(name) in (rf.BOOL, rf.CHOICE) else "err.required", label=label(t, name))
    return t("err.other", label=label(t, name) if kind_of(name) or name in _SECTIONS else t("err.form"),
             detail=message)


def _amount(text: str) -> str:
    try:
        return f"{Decimal(text):,.2f}"
    except InvalidOperation:
        return text


_SECTIONS = {"registration", "finances", "activities", "staff", "party", "major_events", "audit"}


def split(errors: list[tuple[str, str]], fields: set[str]) -> tuple[dict[str, str], list[str]]:
    """Messages next to fields the form shows (the first per field), and the rest for the whole form."""
    inline: dict[str, str] = {}
    general: list[str] = []
    for name, message in errors:
        if name in fields:
            inline.setdefault(name, message)
        else:
            general.append(message)
    return inline, general


def findings(t: Translate, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Regulatory findings (R10.3) as shown: a named check, met / not met / unknown, and the figures."""
    state = {True: ("ok", "finding.met"), False: ("error", "finding.not_met"), None: ("", "finding.unknown")}
    return [{**f, "name": t(f"finding.{f.get('check')}"), "kind": state[f.get("met")][0],
             "verdict": t(state[f.get("met")][1])} for f in items]
