"""Unit tests for services.registry.domain.rules (domain-rules.md §1, §2, §3.4, §8.5.4, §10.1, §10.2).

Pure: no database, no HTTP. Every test names the article it encodes. Organizations are built
directly; resident ID numbers are synthetic with a valid GB 11643 check digit.
"""
from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from services.registry.domain import rules
from services.registry.domain.model import Organization
from services.registry.domain.rules import Shape
from shared.errors import InvalidInput, RuleViolation

CITY_ONLY = ("city",)
DISTRICTS = ("350203", "350205", "350206", "350211", "350212", "350213")

# --- synthetic resident ID numbers (GB 11643) -------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ids = itertools.count(1)


def resident_id(n: int | None = None) -> str:
    """A synthetic 18-character resident ID (思明区, born 1980-01-01, sequence n) with a valid check digit."""
    body = f"35020319800101{(next(_ids) if n is None else n) % 1000:03d}"
    return body + _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS)) % 11]


def test_resident_id_helper_makes_valid_gb11643_numbers() -> None:
    """GB 11643: the helper's check digit matches a known-good published example and differs per counter."""
    # 11010519491231002X is the standard's own worked example
    body = "11010519491231002"
    assert _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS)) % 11] == "X"
    assert len({resident_id(i) for i in range(50)}) == 50


# --- builders ----------------------------------------------------------------------------------


def shape(**overrides: object) -> Shape:
    """A valid city-level social group (SHT art. 10): 50 individual members, 30,000 yuan."""
    base: dict[str, object] = dict(
        name="厦门市软件行业协会", type="social_group", category="industry_association", level="city",
        district="350200", registered_funds=Decimal("30000"), supervising_unit=None,
        members_individual=50, members_unit=0, foundation_kind=None)
    base.update(overrides)
    return Shape(**base)  # type: ignore[arg-type]


def service_shape(**overrides: object) -> Shape:
    base: dict[str, object] = dict(type="social_service", name="厦门市思明区阳光养老服务中心", members_individual=None,
                                   members_unit=None, registered_funds=Decimal("10000"))
    base.update(overrides)
    return shape(**base)


def foundation_shape(**overrides: object) -> Shape:
    base: dict[str, object] = dict(type="foundation", name="厦门市助学基金会", category="charity",
                                   members_individual=None, members_unit=None, foundation_kind="public",
                                   registered_funds=Decimal("4000000"))
    base.update(overrides)
    return shape(**base)


def failures(s: Shape, levels: tuple[str, ...] = CITY_ONLY) -> list[tuple[str, str]]:
    """(field, rule) of every failing field rule; [] when the shape passes."""
    try:
        rules.check_fields(s, levels)
    except InvalidInput as exc:
        assert exc.status == 422
        assert exc.errors, "a 422 must list the fields at fault"
        assert exc.rule == exc.errors[0].rule
        return [(e.field, e.rule or "") for e in exc.errors]
    return []


def org(uscc: str = "51350200MJ0000001X", **overrides: object) -> Organization:
    base: dict[str, object] = dict(
        uscc=uscc, name="厦门市软件行业协会", type="social_group", category="industry_association", level="city",
        district="350200", domicile="厦门市思明区软件园二期1号", lr_name="张三", lr_id_number=resident_id(),
        lr_phone="13800000000", registered_funds=Decimal("30000"), business_scope="行业服务",
        established_on=date(2020, 1, 1), registered_on=date(2020, 1, 1), members_individual=50, members_unit=0)
    base.update(overrides)
    return Organization(**base)  # type: ignore[arg-type]


def charity(since: date, **overrides: object) -> Organization:
    return org(charity=True, charity_since=since, **overrides)


def violation(fn, *args: object) -> RuleViolation:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleViolation) as info:
        fn(*args)
    assert info.value.status == 409
    return info.value


# --- SHT art. 10(1): members ---------------------------------------------------------------------


@pytest.mark.parametrize(("individual", "unit"), [(50, 0), (0, 30), (25, 25), (49, 1), (300, 0), (0, 31)])
def test_social_group_member_minimum_met__SHT_art_10_1(individual: int, unit: int) -> None:
    """SHT art. 10(1): ≥50 individual, or ≥30 unit, or mixed with ≥50 in total."""
    assert failures(shape(members_individual=individual, members_unit=unit)) == []


@pytest.mark.parametrize(("individual", "unit"), [
    (49, 0),    # one individual short
    (0, 29),    # one unit short
    (5, 30),    # mixed: 30 units would suffice alone, but a mixed group needs 50 in total
    (30, 5),
    (24, 25),   # mixed, one short of 50
    (0, 0),
    (None, None),
])
def test_social_group_member_minimum_not_met__SHT_art_10_1(individual: int | None, unit: int | None) -> None:
    """SHT art. 10(1): 49 individual, 29 unit, and a mixed total under 50 are refused on field `members`."""
    assert failures(shape(members_individual=individual, members_unit=unit)) == [("members", "SHT art. 10(1)")]


def test_member_minimum_applies_only_to_social_groups__SHT_art_10_1() -> None:
    """SHT art. 10(1) is a 社会团体 rule; social services and foundations have no members."""
    assert failures(service_shape()) == []
    assert failures(foundation_shape()) == []


# --- SHT art. 10(5) and JJH art. 8(2): funds --------------------------------------------------------


def test_social_group_activity_funds_minimum__SHT_art_10_5() -> None:
    """SHT art. 10(5): a local social group needs ≥30,000 yuan; 29,999.99 fails."""
    assert failures(shape(registered_funds=Decimal("30000.00"))) == []
    assert failures(shape(registered_funds=Decimal("29999.99"))) == [("registered_funds", "SHT art. 10(5)")]


def test_social_service_has_no_numeric_funds_minimum__MFQ_art_8_4() -> None:
    """MFQ art. 8(4): "与其业务活动相适应的合法财产" - no number, so 1 yuan passes the rules."""
    assert failures(service_shape(registered_funds=Decimal("1"))) == []


@pytest.mark.parametrize(("kind", "minimum"), [("public", Decimal("4000000")), ("non_public", Decimal("2000000"))])
def test_foundation_original_fund_minimum__JJH_art_8_2(kind: str, minimum: Decimal) -> None:
    """JJH art. 8(2): local public foundation ≥4,000,000; non-public ≥2,000,000 (one fen short fails)."""
    assert failures(foundation_shape(foundation_kind=kind, registered_funds=minimum)) == []
    short = minimum - Decimal("0.01")
    assert failures(foundation_shape(foundation_kind=kind, registered_funds=short)) == [
        ("registered_funds", "JJH art. 8(2)")]


def test_public_foundation_with_non_public_minimum_fails__JJH_art_8_2() -> None:
    """JJH art. 8(2): 2,000,000 is enough for a non-public foundation but not for a public one."""
    assert failures(foundation_shape(foundation_kind="public", registered_funds=Decimal("2000000"))) == [
        ("registered_funds", "JJH art. 8(2)")]


def test_foundation_without_kind_fails__JJH_art_8_2() -> None:
    """JJH art. 8(2) (minimum depends on the kind; JJH art. 3): a foundation must say public or non_public."""
    assert failures(foundation_shape(foundation_kind=None, registered_funds=Decimal("9000000"))) == [
        ("foundation_kind", "JJH art. 3")]


def test_negative_funds_refused() -> None:
    """Funds cannot be negative, whatever the type (a social service has no statutory minimum)."""
    assert ("registered_funds", "registered_funds.non_negative") in failures(
        service_shape(registered_funds=Decimal("-1")))


# --- SHT art. 10 / MFQ art. 8: reserved name prefixes ---------------------------------------------


@pytest.mark.parametrize("prefix", ["中国", "全国", "中华"])
def test_social_group_name_may_not_start_with_reserved_word__SHT_art_10(prefix: str) -> None:
    """SHT art. 10: a local social group may not be named 中国/全国/中华…"""
    assert failures(shape(name=f"{prefix}厦门软件行业协会")) == [("name", "SHT art. 10")]


@pytest.mark.parametrize("prefix", ["中国", "全国", "中华"])
def test_social_service_name_may_not_start_with_reserved_word__MFQ_art_8(prefix: str) -> None:
    """MFQ art. 8: a 民办非企业单位 may not be named 中国/全国/中华…"""
    assert failures(service_shape(name=f"{prefix}养老服务中心")) == [("name", "MFQ art. 8")]


def test_foundation_name_may_start_with_reserved_word__JJH_no_rule() -> None:
    """JJH has no name-prefix rule (domain-rules §2.1 table: —)."""
    assert failures(foundation_shape(name="中华厦门助学基金会")) == []


def test_reserved_word_inside_the_name_passes__SHT_art_10() -> None:
    """SHT art. 10 forbids the prefix (冠以) only: 中华 in the middle is allowed."""
    assert failures(shape(name="厦门市中华文化促进会")) == []
    assert failures(service_shape(name="厦门全国联网培训学校")) == []


# --- supervising unit (直接登记) ----------------------------------------------------------------------


@pytest.mark.parametrize("category", ["industry_association", "science_technology", "charity", "community_service"])
def test_direct_categories_need_no_supervising_unit__SHT_art_9(category: str) -> None:
    """SHT art. 9 / MFQ art. 8(1): the four direct-registration categories need no 业务主管单位."""
    assert failures(shape(category=category, supervising_unit=None)) == []


@pytest.mark.parametrize("unit", [None, "", "   "])
def test_category_other_needs_supervising_unit__SHT_art_9(unit: str | None) -> None:
    """SHT art. 9 / MFQ art. 8(1) / JJH art. 9(5): category "other" needs a supervising unit's consent."""
    for s in (shape(category="other", supervising_unit=unit), service_shape(category="other", supervising_unit=unit),
              foundation_shape(category="other", supervising_unit=unit)):
        assert failures(s) == [("supervising_unit", "SHT art. 9")]
    assert failures(shape(category="other", supervising_unit="厦门市科学技术协会")) == []


# --- level and district (§3.4, JJH art. 6 / R1.3) -----------------------------------------------------


@pytest.mark.parametrize("district", [*DISTRICTS, "350201", "350100", "000000"])
def test_city_level_must_carry_350200__R3_4(district: str) -> None:
    """domain-rules §3.4: a city-level organization's registrar division is 350200, nothing else."""
    assert failures(shape(level="city", district=district)) == [("district", "R3.4 city")]


@pytest.mark.parametrize("district", DISTRICTS)
def test_district_level_accepts_each_of_the_six_districts__R3_4(district: str) -> None:
    """domain-rules §3.4: 思明, 海沧, 湖里, 集美, 同安, 翔安."""
    assert failures(shape(level="district", district=district)) == []
    assert failures(service_shape(level="district", district=district)) == []


@pytest.mark.parametrize("district", ["350200", "350201", "350202", "350204", "350221", "350103"])
def test_district_level_refuses_other_codes__R3_4(district: str) -> None:
    """domain-rules §3.4: the city code, 市辖区, abolished 鼓浪屿/开元, old 同安县 and a Fuzhou code are refused."""
    assert failures(shape(level="district", district=district)) == [("district", "R3.4 district")]


def test_foundation_only_at_configured_levels__JJH_art_6_R1_3() -> None:
    """JJH art. 6 / R1.3: foundations register only at the levels in the setting (default: city)."""
    district_foundation = foundation_shape(level="district", district="350203")
    assert failures(district_foundation) == [("level", "JJH art. 6")]
    assert failures(district_foundation, ("city", "district")) == []
    assert failures(foundation_shape(), ("district",)) == [("level", "JJH art. 6")]
    # the setting governs foundations only
    assert failures(shape(level="district", district="350203"), CITY_ONLY) == []


# --- all failures at once ------------------------------------------------------------------------------


def test_several_failures_are_reported_together__SHT_art_10() -> None:
    """SHT arts 9, 10(1), 10(5), 10 and §3.4 fail at once: every field is listed in one 422."""
    bad = shape(name="中国厦门协会", category="other", supervising_unit=None, level="city", district="350203",
                members_individual=10, members_unit=0, registered_funds=Decimal("100"))
    assert failures(bad) == [("members", "SHT art. 10(1)"), ("registered_funds", "SHT art. 10(5)"),
                             ("name", "SHT art. 10"), ("supervising_unit", "SHT art. 9"),
                             ("district", "R3.4 city")]


def test_several_foundation_failures_together__JJH_art_8_2_and_art_6() -> None:
    """JJH art. 8(2) and art. 6 together."""
    bad = foundation_shape(foundation_kind="non_public", registered_funds=Decimal("100"), level="district",
                           district="350212")
    assert failures(bad) == [("registered_funds", "JJH art. 8(2)"), ("level", "JJH art. 6")]


# --- legal representative (JJH art. 23, SHT art. 12) ---------------------------------------------------


def test_foundation_lr_may_not_represent_another_organization__JJH_art_23() -> None:
    """JJH art. 23: a new foundation's LR who already represents any organization is refused."""
    for other_type in ("social_group", "social_service", "foundation"):
        other = org("51350200MJ00000021", type=other_type)
        v = violation(rules.check_legal_representative, "foundation", other.lr_id_number, [other])
        assert v.rule == "JJH art. 23"
        assert other.uscc in v.detail


def test_foundation_lr_may_not_take_on_another_organization__JJH_art_23() -> None:
    """JJH art. 23, the other direction: a foundation's LR may not become LR of anything else."""
    fnd = org("53350200MJ00000037", type="foundation", foundation_kind="public")
    for new_type in ("social_group", "social_service"):
        v = violation(rules.check_legal_representative, new_type, fnd.lr_id_number, [fnd])
        assert v.rule == "JJH art. 23"
        assert fnd.uscc in v.detail


def test_social_group_lr_may_not_represent_another_social_group__SHT_art_12() -> None:
    """SHT art. 12: a social group's LR may not be LR of another social group."""
    group = org("51350200MJ00000021")
    v = violation(rules.check_legal_representative, "social_group", group.lr_id_number, [group])
    assert v.rule == "SHT art. 12"
    assert group.uscc in v.detail


def test_social_service_and_social_group_may_share_an_lr__SHT_art_12() -> None:
    """SHT art. 12 concerns social groups only: a social_service's LR may also represent a social group,
    and a social group's LR may represent a social service."""
    group = org("51350200MJ00000021")
    service = org("52350200MJ00000020", type="social_service", members_individual=None)
    assert rules.check_legal_representative("social_service", group.lr_id_number, [group]) is None
    assert rules.check_legal_representative("social_group", service.lr_id_number, [service]) is None
    assert rules.check_legal_representative("social_service", service.lr_id_number, [service, group]) is None
    assert rules.check_legal_representative("foundation", resident_id(), []) is None


# --- charity recognition (§10.1, R8.5.4, R2.3/R2.4) ----------------------------------------------------


TODAY = date(2026, 6, 1)


def test_charity_recognition_passes_for_clean_active_org__CSF23_art_10() -> None:
    """CSF23 art. 10: an active, unlisted, unpenalized organization may be recognized."""
    assert rules.check_charity_recognition(org(), TODAY, []) is None


def test_charity_recognition_refused_when_already_charity__CSF23_art_10() -> None:
    """CSF23 art. 10: recognition is for organizations that are not yet charities."""
    assert violation(rules.check_charity_recognition, charity(date(2025, 1, 1)), TODAY, []).rule == "CSF23 art. 10"


@pytest.mark.parametrize("listed", ["abnormal", "serious", "red,serious", "abnormal,serious"])
def test_charity_recognition_refused_when_listed__R10_1_2_R8_5_4(listed: str) -> None:
    """58号 / R10.1.2 / R8.5.4: an organization on the abnormal or serious list is not recognized."""
    assert "R8.5.4" in violation(rules.check_charity_recognition, org(credit_lists=listed), TODAY, []).rule


def test_charity_recognition_red_list_is_no_obstacle__R8_5_4() -> None:
    """R8.5.4 names the abnormal and serious lists; the red list is a good-credit list."""
    assert rules.check_charity_recognition(org(credit_lists="red"), TODAY, []) is None


def test_charity_recognition_penalty_window_is_two_years__R10_1_2() -> None:
    """58号 / R10.1.2: a penalty within the 2 years before applying refuses; one day older passes."""
    v = violation(rules.check_charity_recognition, org(), TODAY, [date(2024, 6, 1)])
    assert "R10.1.2" in v.rule and "2024-06-01" in v.detail
    assert rules.check_charity_recognition(org(), TODAY, [date(2024, 5, 31)]) is None
    assert violation(rules.check_charity_recognition, org(), TODAY, [date(2020, 1, 1), TODAY]).rule == v.rule


@pytest.mark.parametrize("status", ["deregistered", "revoked"])
def test_charity_recognition_refused_when_closed__R2_3_R2_4(status: str) -> None:
    """R2.3/R2.4 (SHT art. 33; MFQ art. 28; JJH art. 44): a closed organization cannot be recognized."""
    v = violation(rules.check_charity_recognition, org(status=status), TODAY, [])
    assert v.rule.startswith("R2.3/R2.4")


# --- public-fundraising qualification (§10.2, CSF23 art. 22 vs CSF16 art. 22) ---------------------------


SWITCH = date(2024, 9, 5)


def test_fundraising_before_switch_needs_two_years__CSF16_art_22() -> None:
    """CSF16 art. 22: on 2024-09-04 a charity since 2023-08-01 (13 months) is refused: 2 years needed."""
    v = violation(rules.check_fundraising_qualification, charity(date(2023, 8, 1)), date(2024, 9, 4), [])
    assert v.rule == "CSF16 art. 22; L59 art. 5"
    assert "满二年" in v.detail


def test_fundraising_from_switch_needs_one_year__CSF23_art_22() -> None:
    """CSF23 art. 22 (in force 2024-09-05): the same charity applying on 2024-09-05 passes (1 year)."""
    assert rules.check_fundraising_qualification(charity(date(2023, 8, 1)), SWITCH, []) is None


def test_fundraising_one_year_boundary__CSF23_art_22() -> None:
    """CSF23 art. 22: exactly one year (满一年) passes; one day short is refused naming CSF23 art. 22."""
    assert rules.check_fundraising_qualification(charity(date(2025, 6, 1)), TODAY, []) is None
    v = violation(rules.check_fundraising_qualification, charity(date(2025, 6, 2)), TODAY, [])
    assert v.rule == "CSF23 art. 22; L74 art. 5"
    assert "满一年" in v.detail


def test_fundraising_two_year_boundary_before_switch__CSF16_art_22() -> None:
    """CSF16 art. 22: on 2024-09-04, a charity since 2022-09-04 passes, since 2022-09-05 does not."""
    assert rules.check_fundraising_qualification(charity(date(2022, 9, 4)), date(2024, 9, 4), []) is None
    assert violation(rules.check_fundraising_qualification, charity(date(2022, 9, 5)),
                     date(2024, 9, 4), []).rule == "CSF16 art. 22; L59 art. 5"


def test_fundraising_penalty_window_one_year_from_switch__L74_art_5() -> None:
    """L74 art. 5 (from 2024-09-05): no penalty within 1 year before applying; a day older passes."""
    since = date(2022, 1, 1)
    v = violation(rules.check_fundraising_qualification, charity(since), date(2025, 3, 1), [date(2024, 3, 1)])
    assert v.rule == "L74 art. 5 (1 year)"
    assert rules.check_fundraising_qualification(charity(since), date(2025, 3, 1), [date(2024, 2, 29)]) is None


def test_fundraising_penalty_window_two_years_before_switch__L59_art_5_9() -> None:
    """L59 art. 5(9) (before 2024-09-05): no penalty within the 2 years before applying."""
    since = date(2020, 1, 1)
    on = date(2024, 9, 4)
    assert violation(rules.check_fundraising_qualification, charity(since), on,
                     [date(2022, 9, 4)]).rule == "L59 art. 5(9) (2 years)"
    assert rules.check_fundraising_qualification(charity(since), on, [date(2022, 9, 3)]) is None


def test_fundraising_penalty_15_months_old_blocks_on_0904_not_on_0905__L59_vs_L74() -> None:
    """L59 art. 5(9) vs L74 art. 5: a penalty of 2023-06-01 refuses on 2024-09-04 but not on 2024-09-05."""
    since, penalty = date(2020, 1, 1), [date(2023, 6, 1)]
    assert violation(rules.check_fundraising_qualification, charity(since), date(2024, 9, 4),
                     penalty).rule == "L59 art. 5(9) (2 years)"
    assert rules.check_fundraising_qualification(charity(since), SWITCH, penalty) is None


@pytest.mark.parametrize("listed", ["abnormal", "serious"])
def test_fundraising_refused_when_listed__L59_art_5_8_R8_5_4(listed: str) -> None:
    """L59 art. 5(8) / R8.5.4: an organization on the abnormal (or serious) list may not apply."""
    v = violation(rules.check_fundraising_qualification, charity(date(2020, 1, 1), credit_lists=listed), TODAY, [])
    assert v.rule == "L59 art. 5(8); R8.5.4"


def test_fundraising_refused_for_non_charity__CSF23_art_22() -> None:
    """CSF23 art. 22: only a charity may obtain a public-fundraising qualification."""
    v = violation(rules.check_fundraising_qualification, org(), TODAY, [])
    assert v.rule == "CSF23 art. 22" and "慈善组织" in v.detail


def test_fundraising_refused_when_already_qualified__CSF23_art_22() -> None:
    """CSF23 art. 22: a qualification is granted once."""
    qualified = charity(date(2020, 1, 1), fundraising_qualified_on=date(2023, 1, 1))
    v = violation(rules.check_fundraising_qualification, qualified, TODAY, [])
    assert v.rule == "CSF23 art. 22" and "2023-01-01" in v.detail


@pytest.mark.parametrize("status", ["deregistered", "revoked"])
def test_fundraising_refused_when_closed__R2_3_R2_4(status: str) -> None:
    """R2.3/R2.4: a deregistered or revoked charity cannot obtain a qualification."""
    v = violation(rules.check_fundraising_qualification, charity(date(2020, 1, 1), status=status), TODAY, [])
    assert v.rule.startswith("R2.3/R2.4")


def test_fundraising_passes_for_clean_old_charity__CSF23_art_22() -> None:
    """CSF23 art. 22: an active charity of 6 years, unlisted, with only an old penalty, qualifies."""
    c = charity(date(2020, 1, 1))
    assert rules.check_fundraising_qualification(c, TODAY, [date(2025, 5, 31)]) is None
    assert rules.check_fundraising_qualification(replace(c, credit_lists="red"), TODAY, []) is None
