"""What a submitted annual report must contain (R4.1 content; R4.6; R5; 民间非营利组织会计制度, R5.3).

Drafts may be incomplete (the HTTP schema already checks every value's type); a submission must be
complete and its sums must add up. Every failure names its field, so the answer is a 422 listing them.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.registry.domain.annual_report import Filer
from shared.errors import RuleFailures

INCOME_SOURCES = ("donations", "government_grants", "services", "membership_dues", "investment", "other")
EXPENSE_ITEMS = ("business_activities", "management", "fundraising", "other")
NET_ASSETS = ("restricted", "unrestricted")
STAFF = ("full_time", "part_time", "volunteers")
MAJOR_EVENTS = ("changes", "penalties", "litigation")
AUDIT = ("firm", "report_number", "opinion", "issued_on")
CONTENT = "R4.1 report content (SHT art. 28; MFQ art. 23; JJH art. 36)"
ACCOUNTS = "R5.3 民间非营利组织会计制度"


def check_complete(content: dict[str, Any], filer: Filer, audit_required: bool) -> None:
    """Raises InvalidInput (422) listing every missing part and every sum that does not add up."""
    failures = RuleFailures()
    _registration(content.get("registration"), failures)
    _finances(content.get("finances"), filer, failures)
    for part, keys in (("staff", STAFF), ("major_events", MAJOR_EVENTS)):
        _require_keys(content.get(part), part, keys, failures)
    if content.get("activities") is None:
        failures.add("activities", "activities and projects of the year are required (an empty list if none)",
                     CONTENT)
    _party(content.get("party"), failures)
    if audit_required:
        _require_keys(content.get("audit"), "audit", AUDIT, failures,
                      rule="R5.1 audit report required (JJH art. 36; CSF23 art. 78)")
    failures.raise_if_any()


def _registration(part: dict[str, Any] | None, f: RuleFailures) -> None:
    if part is None or part.get("confirmed") is None:
        f.add("registration.confirmed", "confirm the registration items, or list the ones to change", CONTENT)
        return
    changes = part.get("changes") or []
    if part["confirmed"] is False and not changes:
        f.add("registration.changes", "registration items not confirmed: list the items to change", CONTENT)
    if part["confirmed"] is True and changes:
        f.add("registration.changes", "registration confirmed as registered, yet changes are listed", CONTENT)


def _party(part: dict[str, Any] | None, f: RuleFailures) -> None:
    if part is None or part.get("established") is None:
        f.add("party.established", "say whether a party organization is established (党建情况)", CONTENT)
    elif part["established"] and part.get("members") is None:
        f.add("party.members", "a party organization is established: give its number of members", CONTENT)


def _require_keys(part: dict[str, Any] | None, name: str, keys: tuple[str, ...], f: RuleFailures,
                  rule: str = CONTENT) -> bool:
    if part is None:
        f.add(name, f"{name} is required", rule)
        return False
    missing = [k for k in keys if part.get(k) is None]
    for key in missing:
        f.add(f"{name}.{key}", f"{name}.{key} is required", rule)
    return not missing


def _finances(part: dict[str, Any] | None, filer: Filer, f: RuleFailures) -> None:
    if part is None:
        f.add("finances", "the financial statements of the year are required", ACCOUNTS)
        return
    income = part.get("income")
    if _require_keys(income, "finances.income", (*INCOME_SOURCES, "total"), f, ACCOUNTS):
        _sum(income, INCOME_SOURCES, "finances.income", f)
        restricted = income.get("restricted_to_later_years")
        if restricted is not None and Decimal(str(restricted)) > Decimal(str(income["total"])):
            f.add("finances.income.restricted_to_later_years", "income restricted to later years is part of the "
                  f"total income ({income['total']}), not more", "N189 art. 10")
    expenses = part.get("expenses")
    if _require_keys(expenses, "finances.expenses", (*EXPENSE_ITEMS, "total"), f, ACCOUNTS):
        _sum(expenses, EXPENSE_ITEMS, "finances.expenses", f)
        _expense_details(expenses, filer, f)
    assets = part.get("net_assets")
    if _require_keys(assets, "finances.net_assets", (*NET_ASSETS, "total"), f, ACCOUNTS):
        _sum(assets, NET_ASSETS, "finances.net_assets", f)


def _sum(part: dict[str, Any], items: tuple[str, ...], name: str, f: RuleFailures) -> None:
    total = sum((Decimal(str(part[k])) for k in items), Decimal(0))
    if total != Decimal(str(part["total"])):
        f.add(f"{name}.total", f"{name}.total is {part['total']} but {' + '.join(items)} = {total}",
              f"{ACCOUNTS} sums")


def _expense_details(expenses: dict[str, Any], filer: Filer, f: RuleFailures) -> None:
    """The spending the R10.3 ratios read: charitable (public-benefit) activities, part of the
    business-activity cost; for foundations, staff pay and office costs (JJH art. 29)."""
    charitable = expenses.get("charitable_activities")
    if charitable is None and (filer.charity or filer.type == "foundation"):
        f.add("finances.expenses.charitable_activities", "charities and foundations give their charitable "
              "(public-benefit) activity spending", "R10.3 CSF23 art. 61; JJH art. 29")
    elif charitable is not None and Decimal(str(charitable)) > Decimal(str(expenses["business_activities"])):
        f.add("finances.expenses.charitable_activities", "charitable activity spending is part of the business "
              f"activity cost ({expenses['business_activities']}), not more", f"{ACCOUNTS} sums")
    staff_office = expenses.get("staff_and_office")
    if staff_office is None and filer.type == "foundation":
        f.add("finances.expenses.staff_and_office", "foundations give their staff pay and benefits plus "
              "administrative office costs", "R10.3.3 JJH art. 29")
    elif staff_office is not None and Decimal(str(staff_office)) > Decimal(str(expenses["total"])):
        f.add("finances.expenses.staff_and_office", "staff and office costs exceed the total spending",
              f"{ACCOUNTS} sums")
