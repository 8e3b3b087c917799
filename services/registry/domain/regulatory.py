"""Regulatory findings on a submitted annual report (domain-rules §10.3): the charity spending ratio
and the management-cost ceiling by type and tier (CSF23 art. 61; N189 arts 8-11), the ¥200,000
exemption (N189 art. 11), the 3-year-average alternatives and the adjusted income base (N189 art. 10:
上年总收入 = actual income − income restricted to later years + net assets released from time
restriction), and for foundations that
are not charities the spending quota and staff-and-office ceiling of JJH art. 29 (R10.3.3).

Findings are attached to the report for the registrar; they never block a submission. Each says
whether the rule is met (None when the figures it needs are not known), what was required, what the
report shows, and on which base. Percentages and tiers are settings (several are UNCONFIRMED).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

D = Decimal
Tier = tuple[Decimal, Decimal, Decimal]  # net assets from (yuan), spending % of net assets ≥, management % ≤
CHARITY_INCOME = "total income (N189 art. 10: actual − restricted to later years + released from time restriction)"
PUBLIC_OTHER_RULE = "N189 (public-fundraising 社团/社服; draft value, UNCONFIRMED)"


@dataclass(frozen=True)
class RegulatoryPolicy:
    management_exemption: Decimal = D(200_000)  # N189 art. 11
    public_foundation: tuple[Decimal, Decimal] = (D(70), D(10))  # CSF23 art. 61
    public_other: tuple[Decimal, Decimal] = (D(70), D(13))  # N189 draft [UNCONFIRMED]
    tiers_non_public_foundation: tuple[Tier, ...] = (
        (D(60_000_000), D(6), D(12)), (D(8_000_000), D(6), D(13)), (D(4_000_000), D(7), D(15)), (D(0), D(8), D(20)))
    tiers_non_public_other: tuple[Tier, ...] = (
        (D(10_000_000), D(6), D(13)), (D(5_000_000), D(7), D(14)), (D(1_000_000), D(8), D(15)), (D(0), D(8), D(20)))
    small_other_income_pct: Decimal = D(50)  # N189 art. 9(4)
    foundation_public_spending_pct: Decimal = D(70)  # JJH art. 29
    foundation_non_public_spending_pct: Decimal = D(8)  # JJH art. 29
    foundation_staff_office_max_pct: Decimal = D(10)  # JJH art. 29


@dataclass(frozen=True)
class PriorYear:
    """A previous year's total income and year-end net assets: from the register's own reports, or
    as declared in this report (finances.previous_years) when the register has none."""

    year: int
    income: Decimal | None
    net_assets: Decimal | None
    adjusted_income: Decimal | None = None  # N189 art. 10 上年总收入; None: no adjustment known

    @property
    def charity_income(self) -> Decimal | None:
        """The income base of the charity rules (N189 art. 10): actual income − income restricted to
        later years + net assets released from time restriction."""
        return self.adjusted_income if self.adjusted_income is not None else self.income


@dataclass(frozen=True)
class Subject:
    type: str
    charity: bool
    public_fundraising: bool
    foundation_kind: str | None
    new_charity: bool  # registered or recognized as a charity for less than a year (N189 art. 12)


def findings(subject: Subject, year: int, finances: dict[str, Any], prior: dict[int, PriorYear],
             policy: RegulatoryPolicy) -> list[dict[str, Any]]:
    expenses = finances["expenses"]
    spending = D(str(expenses.get("charitable_activities") or 0))
    total, management = D(str(expenses["total"])), D(str(expenses["management"]))
    income = _bases(prior, year, "income")
    assets = _bases(prior, year, "net_assets")
    if subject.charity:
        out = _charity(subject, spending, _bases(prior, year, "charity_income"), assets, policy)
        out.append(_management(subject, management, total, _management_cap(subject, assets, policy), policy))
        return out
    if subject.type == "foundation":
        return _foundation(subject, spending, total, expenses.get("staff_and_office"), income, assets, policy)
    return []


def _bases(prior: dict[int, PriorYear], year: int, attr: str) -> tuple[Decimal | None, Decimal | None]:
    """(last year's value, the 3-year average of the previous 3 years when all three are known)."""
    values = [getattr(prior[y], attr) if y in prior else None for y in (year - 1, year - 2, year - 3)]
    last = values[0]
    average = None if None in values else (sum(values, D(0)) / 3).quantize(D("0.01"))  # type: ignore[arg-type]
    return last, average


def _charity(s: Subject, spending: Decimal, income: tuple, assets: tuple,
             policy: RegulatoryPolicy) -> list[dict[str, Any]]:
    if s.public_fundraising:
        pct = (policy.public_foundation if s.type == "foundation" else policy.public_other)[0]
        rule = "CSF23 art. 61" if s.type == "foundation" else PUBLIC_OTHER_RULE
        return [_spending(rule, spending, pct, income, CHARITY_INCOME, three_year="N189 art. 10")]
    tier = _tier(s, assets[0], policy)
    if tier is None:
        return [_unknown("charity_spending", _tier_rule(s, None), "last year's year-end net assets are not known "
                         "(no report on the previous year on the register, none declared in finances.previous_years)")]
    out = [_spending(_tier_rule(s, tier), spending, tier[1], assets, "year-end net assets", three_year="N189 art. 10")]
    if s.type != "foundation" and tier[0] == 0:
        out.append(_spending("N189 art. 9(4)", spending, policy.small_other_income_pct, income, CHARITY_INCOME,
                             three_year="N189 art. 10", check="charity_spending_income"))
    return out


def _tier(s: Subject, net_assets: Decimal | None, policy: RegulatoryPolicy) -> Tier | None:
    if net_assets is None:
        return None
    tiers = policy.tiers_non_public_foundation if s.type == "foundation" else policy.tiers_non_public_other
    ordered = sorted(tiers, reverse=True)
    return next((t for t in ordered if net_assets >= t[0]), ordered[-1])


def _tier_rule(s: Subject, tier: Tier | None) -> str:
    article = "N189 art. 8" if s.type == "foundation" else "N189 art. 9"
    return article if tier is None else f"{article} (net assets from ¥{tier[0]:,.0f})"


def _management_cap(s: Subject, assets: tuple, policy: RegulatoryPolicy) -> tuple[Decimal | None, str]:
    if s.public_fundraising:
        if s.type == "foundation":
            return policy.public_foundation[1], "CSF23 art. 61"
        return policy.public_other[1], PUBLIC_OTHER_RULE
    tier = _tier(s, assets[0], policy)
    return (None, _tier_rule(s, None)) if tier is None else (tier[2], _tier_rule(s, tier))


def _spending(rule: str, spending: Decimal, pct: Decimal, bases: tuple, label: str, *, three_year: str | None,
              check: str = "charity_spending") -> dict[str, Any]:
    last, average = bases
    options = [(f"last year's {label}", last),
               (f"3-year average {label} ({three_year})", average if three_year else None)]
    known = [(name, base) for name, base in options if base is not None]
    if not known:
        return _unknown(check, rule, f"last year's {label} is not known (no report on the previous year on the "
                        "register, none declared in finances.previous_years)")
    name, base = next(((n, b) for n, b in known if spending >= _share(pct, b)), known[0])
    required = _share(pct, base)
    return {"check": check, "rule": rule, "met": spending >= required, "basis": name,
            "required": f"≥ {pct}% of {name} (¥{base:,.2f}) = ¥{required:,.2f}", "actual": f"¥{spending:,.2f}",
            "detail": None}


def _management(s: Subject, management: Decimal, total: Decimal, cap: tuple[Decimal | None, str],
                policy: RegulatoryPolicy) -> dict[str, Any]:
    pct, rule = cap
    note = ("registered or recognized as a charity for less than a year: if the ceiling cannot be met, report "
            "to the registrar and explain publicly (N189 art. 12)") if s.new_charity else None
    if management < policy.management_exemption:
        return {"check": "management_cost", "rule": "N189 art. 11", "met": True, "basis": "exempt",
                "required": f"management cost under ¥{policy.management_exemption:,.0f}: the ratio does not apply",
                "actual": f"¥{management:,.2f}", "detail": note}
    if pct is None:
        return _unknown("management_cost", rule, "the net-assets tier is not known (last year's net assets)")
    ratio = _ratio(management, total)
    return {"check": "management_cost", "rule": rule, "met": _within(management, total, pct),
            "basis": "this year's total spending", "required": f"≤ {pct}% of total spending (¥{total:,.2f})",
            "actual": f"¥{management:,.2f} = {ratio}%" if ratio is not None else f"¥{management:,.2f}", "detail": note}


def _foundation(s: Subject, spending: Decimal, total: Decimal, staff_office: object, income: tuple, assets: tuple,
                policy: RegulatoryPolicy) -> list[dict[str, Any]]:
    """R10.3.3 (JJH art. 29): foundations that are not charities."""
    if s.foundation_kind == "public":
        out = [_spending("JJH art. 29", spending, policy.foundation_public_spending_pct, (income[0], None),
                         "total income", three_year=None)]
    else:
        out = [_spending("JJH art. 29", spending, policy.foundation_non_public_spending_pct, (assets[0], None),
                         "fund balance (year-end net assets)", three_year=None)]
    cap = policy.foundation_staff_office_max_pct
    cost = D(str(staff_office or 0))
    ratio = _ratio(cost, total)
    out.append({"check": "staff_and_office", "rule": "JJH art. 29", "met": _within(cost, total, cap),
                "basis": "this year's total spending", "required": f"≤ {cap}% of total spending (¥{total:,.2f})",
                "actual": f"¥{cost:,.2f} = {ratio}%" if ratio is not None else f"¥{cost:,.2f}", "detail": None})
    return out


def _unknown(check: str, rule: str, why: str) -> dict[str, Any]:
    return {"check": check, "rule": rule, "met": None, "basis": None, "required": None, "actual": None,
            "detail": f"cannot be computed: {why}"}


def _share(pct: Decimal, base: Decimal) -> Decimal:
    return (pct * base / 100).quantize(D("0.01"))


def _within(part: Decimal, whole: Decimal, pct: Decimal) -> bool:
    """part ≤ pct% of whole, exactly (the shown ratio is rounded; the comparison is not)."""
    return part * 100 <= pct * whole


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return D(0) if part == 0 else None
    return (part * 100 / whole).quantize(D("0.01"))
