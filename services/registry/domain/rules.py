"""Registration rules (domain-rules.md §2, §3, §10.1-10.2), each naming its article.

Field rules collect into a 422 listing every failing field; rules about the register's state
(conflicts, status, timing) raise 409 with the rule named.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.registry.domain import uscc as uscc_rules
from services.registry.domain.model import DIRECT_CATEGORIES, Clash, Organization
from shared.errors import RuleFailures, RuleViolation

SOCIAL_GROUP_MIN_INDIVIDUAL = 50  # SHT art. 10(1)
SOCIAL_GROUP_MIN_UNIT = 30  # SHT art. 10(1)
SOCIAL_GROUP_MIN_MIXED = 50  # SHT art. 10(1)
SOCIAL_GROUP_MIN_FUNDS_LOCAL = Decimal(30_000)  # SHT art. 10(5)
FOUNDATION_MIN_FUND_LOCAL = {"public": Decimal(4_000_000), "non_public": Decimal(2_000_000)}  # JJH art. 8(2)
RESERVED_PREFIXES = ("中国", "全国", "中华")  # SHT art. 10; MFQ art. 8 (local organizations)
CHARITY_LAW_2023_IN_FORCE = date(2024, 9, 5)  # CSF23


@dataclass(frozen=True)
class Shape:
    """The fields the registration rules look at, from an application or a changed record."""

    name: str
    type: str
    category: str
    level: str
    district: str
    registered_funds: Decimal
    supervising_unit: str | None
    members_individual: int | None
    members_unit: int | None
    foundation_kind: str | None


def check_fields(shape: Shape, foundation_levels: tuple[str, ...]) -> None:
    failures = RuleFailures()
    _check_members(shape, failures)
    _check_funds(shape, failures)
    _check_name(shape, failures)
    _check_supervising_unit(shape, failures)
    _check_level(shape, foundation_levels, failures)
    failures.raise_if_any()


def _check_members(s: Shape, f: RuleFailures) -> None:
    if s.type != "social_group":
        return
    ind, unit = s.members_individual or 0, s.members_unit or 0
    if ind and unit:
        ok, need = ind + unit >= SOCIAL_GROUP_MIN_MIXED, f"个人会员和单位会员混合组成的，会员总数不得少于{SOCIAL_GROUP_MIN_MIXED}个"
    else:
        ok = ind >= SOCIAL_GROUP_MIN_INDIVIDUAL or unit >= SOCIAL_GROUP_MIN_UNIT
        need = f"应有{SOCIAL_GROUP_MIN_INDIVIDUAL}个以上的个人会员或者{SOCIAL_GROUP_MIN_UNIT}个以上的单位会员"
    if not ok:
        f.add("members", f"社会团体{need} (SHT art. 10(1)); got individual={ind}, unit={unit}", "SHT art. 10(1)")


def _check_funds(s: Shape, f: RuleFailures) -> None:
    if s.registered_funds < 0:
        f.add("registered_funds", "资金不能为负数 (registered_funds must not be negative)", "registered_funds.non_negative")
    if s.type == "social_group" and s.registered_funds < SOCIAL_GROUP_MIN_FUNDS_LOCAL:
        f.add("registered_funds", f"地方性社会团体活动资金不少于3万元 (SHT art. 10(5)); got {s.registered_funds}",
              "SHT art. 10(5)")
    if s.type == "foundation":
        if s.foundation_kind not in FOUNDATION_MIN_FUND_LOCAL:
            f.add("foundation_kind", "基金会须注明公募(public)或非公募(non_public) (JJH art. 3)", "JJH art. 3")
        elif s.registered_funds < FOUNDATION_MIN_FUND_LOCAL[s.foundation_kind]:
            need = FOUNDATION_MIN_FUND_LOCAL[s.foundation_kind]
            f.add("registered_funds", f"{'地方性公募' if s.foundation_kind == 'public' else '非公募'}基金会原始基金不低于"
                  f"{need / 10000:.0f}万元 (JJH art. 8(2)); got {s.registered_funds}", "JJH art. 8(2)")
    elif s.foundation_kind is not None:
        f.add("foundation_kind", "only foundations have a foundation_kind", "foundation_kind.only_foundations")


def _check_name(s: Shape, f: RuleFailures) -> None:
    if s.type in ("social_group", "social_service") and s.name.startswith(RESERVED_PREFIXES):
        article = "SHT art. 10" if s.type == "social_group" else "MFQ art. 8"
        f.add("name", f"地方性社会组织的名称不得冠以“中国”“全国”“中华”等字样 ({article})", article)


def _check_supervising_unit(s: Shape, f: RuleFailures) -> None:
    if s.category not in DIRECT_CATEGORIES and not (s.supervising_unit or "").strip():
        f.add("supervising_unit", "该类别须经业务主管单位审查同意 (SHT art. 9; MFQ art. 8(1); JJH art. 9(5)); "
              "只有行业协会商会类、科技类、公益慈善类、城乡社区服务类可直接登记", "SHT art. 9")


def _check_level(s: Shape, foundation_levels: tuple[str, ...], f: RuleFailures) -> None:
    if s.level == "city" and s.district != uscc_rules.CITY_DIVISION:
        f.add("district", f"市级组织的登记管理机关区划码为 {uscc_rules.CITY_DIVISION} (domain-rules 3.4)", "R3.4 city")
    if s.level == "district" and s.district not in uscc_rules.DISTRICTS:
        f.add("district", f"区级组织须属于厦门市六个区之一: {', '.join(uscc_rules.DISTRICTS)} (domain-rules 3.4)",
              "R3.4 district")
    if s.type == "foundation" and s.level not in foundation_levels:
        f.add("level", f"基金会只在 {', '.join(foundation_levels)} 级登记 (JJH art. 6; R1.3 setting "
              "SOCREG_FOUNDATION_LEVELS)", "JJH art. 6")


def check_uscc(code: str, shape: Shape) -> str:
    """A code brought in from outside (migration) is validated like an assigned one (§3.5)."""
    normalized = uscc_rules.normalize(code)
    problems = uscc_rules.validate_for_registration(normalized, shape.type, shape.level, shape.district)
    if problems:
        failures = RuleFailures()
        for p in problems:
            failures.add("uscc", f"position {p.position}: {p.message}", f"GB 32100 {p.rule}")
        failures.raise_if_any()
    return normalized


@dataclass(frozen=True)
class Represented:
    """What the conflict rules need to know of an organization someone already represents."""

    type: str
    uscc: str


def check_legal_representative(org_type: str, id_number: str, others: Sequence[Organization | Represented | Clash]) -> None:
    """others: the active organizations this person already represents (excluding the one at hand)."""
    if org_type == "foundation" and others:
        raise RuleViolation(f"基金会的法定代表人不得同时担任其他组织的法定代表人; already represents {others[0].uscc}",
                            rule="JJH art. 23")
    foundations = [o for o in others if o.type == "foundation"]
    if foundations:
        raise RuleViolation(f"this person is the legal representative of foundation {foundations[0].uscc}, "
                            "who may not represent another organization", rule="JJH art. 23")
    if org_type == "social_group" and any(o.type == "social_group" for o in others):
        group = next(o for o in others if o.type == "social_group")
        raise RuleViolation(f"社会团体的法定代表人不得同时担任其他社会团体的法定代表人; already represents {group.uscc}",
                            rule="SHT art. 12")


def check_name_free(name: str, holder: Organization | Represented | Clash | None) -> None:
    if holder is not None:
        raise RuleViolation(f"名称“{name}”已由 {holder.uscc} 使用", rule="SHT art. 13(2); MFQ art. 11(2) name taken")


def penalty_window_years(on: date) -> int:
    """No penalty in the window before applying: 1 year under L74 (from 2024-09-05), 2 years under L59."""
    return 1 if on >= CHARITY_LAW_2023_IN_FORCE else 2


def fundraising_min_years(on: date) -> int:
    """Registered or recognized as a charity for ≥1 year from 2024-09-05 (CSF23 art. 22), ≥2 before (CSF16 art. 22)."""
    return 1 if on >= CHARITY_LAW_2023_IN_FORCE else 2


def years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def check_charity_recognition(org: Organization, today: date, penalties: list[date]) -> None:
    org.ensure_active("be recognized as a charity")
    if org.charity:
        raise RuleViolation(f"{org.uscc} is already a charity (since {org.charity_since})", rule="CSF23 art. 10")
    if org.on_list("abnormal") or org.on_list("serious"):
        raise RuleViolation("列入活动异常名录或严重违法失信名单的组织不予认定为慈善组织", rule="慈善组织认定办法 (民政部令第58号); R8.5.4")
    since = years_before(today, 2)
    recent = [p for p in penalties if since <= p <= today]
    if recent:
        raise RuleViolation(f"申请前二年内受过行政处罚 ({recent[0].isoformat()})", rule="慈善组织认定办法 (民政部令第58号) R10.1.2")


def check_fundraising_qualification(org: Organization, today: date, penalties: list[date]) -> None:
    org.ensure_active("obtain a public-fundraising qualification")
    if not org.charity or org.charity_since is None:
        raise RuleViolation("只有慈善组织可以申请公开募捐资格", rule="CSF23 art. 22")
    if org.fundraising_qualified_on is not None:
        raise RuleViolation(f"already qualified on {org.fundraising_qualified_on}", rule="CSF23 art. 22")
    need = fundraising_min_years(today)
    if org.charity_since > years_before(today, need):
        article = "CSF23 art. 22; L74 art. 5" if need == 1 else "CSF16 art. 22; L59 art. 5"
        raise RuleViolation(f"依法登记或者认定满{'一' if need == 1 else '二'}年的慈善组织才可申请 "
                            f"(charity since {org.charity_since})", rule=article)
    if org.on_list("abnormal") or org.on_list("serious"):
        raise RuleViolation("列入活动异常名录的组织不得申请公开募捐资格", rule="L59 art. 5(8); R8.5.4")
    window = penalty_window_years(today)
    recent = [p for p in penalties if years_before(today, window) <= p <= today]
    if recent:
        rule = "L74 art. 5 (1 year)" if window == 1 else "L59 art. 5(9) (2 years)"
        raise RuleViolation(f"申请前{window}年内受过行政处罚 ({recent[0].isoformat()})", rule=rule)
