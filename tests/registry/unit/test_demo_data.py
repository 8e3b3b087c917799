"""The synthetic Xiamen demo register: the 2020 baseline and the registry's legal rules."""
from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

import pytest

from services.registry.demo_data import (
    DEMO_LABEL,
    DEMO_SCOPE_SUFFIX,
    generate_register,
    id_number_check_char,
)

AS_OF = date(2020, 12, 31)
CITY = "350200"
DISTRICTS = {"350203", "350205", "350206", "350211", "350212", "350213"}
TYPES = {"social_group", "social_service", "foundation"}
CATEGORIES = {
    "industry_association", "science_technology", "charity", "community_service", "other"}
COMMON_KEYS = {
    "name", "type", "category", "level", "district", "domicile", "legal_representative",
    "registered_funds", "business_scope", "supervising_unit", "established_on", "charity",
}
EXTRA_KEYS = {
    "social_group": {"members"}, "social_service": set(), "foundation": {"foundation_kind"}}
PHONE = re.compile(r"^1[358]\d{9}$")
ID_NUMBER = re.compile(r"^3502\d{2}(\d{4})(\d{2})(\d{2})\d{3}[\dX]$")
CHINESE = re.compile(r"^[\u4e00-\u9fff]+$")
DISTRICT_NAMES = {"350203": "思明区", "350205": "海沧区", "350206": "湖里区", "350211": "集美区",
                  "350212": "同安区", "350213": "翔安区"}


@pytest.fixture(scope="module")
def register() -> list[dict]:
    return generate_register()


def _established(org: dict) -> date:
    return date.fromisoformat(org["established_on"])


# ---- the 2020 baseline


def test_7391_organizations_established_by_as_of(register):
    assert len(register) == 7391
    assert all(_established(o) <= AS_OF for o in register)


def test_exactly_61_charities_mostly_foundations_and_charity_category(register):
    charities = [o for o in register if o["charity"] is True]
    assert len(charities) == 61
    assert all(o["type"] == "foundation" or o["category"] == "charity" for o in charities)
    assert sum(o["type"] == "foundation" for o in charities) > 61 // 2
    assert all(isinstance(o["charity"], bool) for o in register)


def test_established_2016_2020_by_type(register):
    recent = Counter(o["type"] for o in register
                     if date(2016, 1, 1) <= _established(o) <= date(2020, 12, 31))
    assert recent == {"social_group": 499, "social_service": 784, "foundation": 24}


def test_all_types_and_divisions_present(register):
    assert {o["type"] for o in register} == TYPES
    assert {o["district"] for o in register} == DISTRICTS | {CITY}
    assert {o["category"] for o in register} == CATEGORIES


def test_realistic_mix(register):
    n = len(register)
    types = Counter(o["type"] for o in register)
    assert 0.38 <= types["social_group"] / n <= 0.42
    assert 0.57 <= types["social_service"] / n <= 0.60
    assert 80 <= types["foundation"] <= 100
    city = sum(o["level"] == "city" for o in register)
    assert 0.13 <= city / n <= 0.17
    per_district = Counter(o["district"] for o in register if o["level"] == "district")
    # 思明, 湖里 larger; 翔安, 海沧 smaller
    assert min(per_district["350203"], per_district["350206"]) > max(
        per_district["350213"], per_district["350205"])
    industry = Counter(o["type"] for o in register if o["category"] == "industry_association")
    assert industry["social_group"] > 0.9 * sum(industry.values())
    community = Counter(o["type"] for o in register if o["category"] == "community_service")
    assert community["social_service"] > community["social_group"]
    kinds = Counter(o["foundation_kind"] for o in register if o["type"] == "foundation")
    assert set(kinds) == {"public", "non_public"}


def test_type_mix_grows_over_time(register):
    def per_year(org_type: str, first: int, last: int) -> float:
        k = sum(o["type"] == org_type and first <= _established(o).year <= last for o in register)
        return k / (last - first + 1)

    assert per_year("social_service", 1985, 1995) < per_year("social_service", 2005, 2015)
    assert per_year("social_group", 1985, 1995) < per_year("social_group", 2005, 2015)
    assert min(_established(o) for o in register) >= date(1985, 1, 1)


# ---- every dict is a valid registration body


def test_keys_and_json_values(register):
    for org in register:
        assert set(org) == COMMON_KEYS | EXTRA_KEYS[org["type"]], org["name"]
        assert org["type"] in TYPES and org["category"] in CATEGORIES
        assert isinstance(org["registered_funds"], int) and org["registered_funds"] > 0
        assert set(org["legal_representative"]) == {"name", "id_number", "phone"}
    assert json.loads(json.dumps(register, ensure_ascii=False)) == register


def test_levels_and_districts(register):
    for org in register:
        if org["level"] == "city":
            assert org["district"] == CITY, org["name"]
        else:
            assert org["level"] == "district" and org["district"] in DISTRICTS, org["name"]
        if org["type"] == "foundation":
            assert org["level"] == "city" and org["district"] == CITY, org["name"]


def test_social_group_members_and_funds(register):
    for org in register:
        if org["type"] != "social_group":
            continue
        m = org["members"]
        assert set(m) == {"individual", "unit"}
        ind, unit = m["individual"], m["unit"]
        assert isinstance(ind, int) and isinstance(unit, int) and ind >= 0 and unit >= 0
        assert (ind >= 50 and unit == 0) or (unit >= 30 and ind == 0) or (
            ind > 0 and unit > 0 and ind + unit >= 50), (org["name"], m)
        assert org["registered_funds"] >= 30000, org["name"]


def test_foundation_funds(register):
    for org in register:
        if org["type"] == "foundation":
            minimum = {"public": 4_000_000, "non_public": 2_000_000}[org["foundation_kind"]]
            assert org["registered_funds"] >= minimum, org["name"]


def test_names_plausible_and_unique(register):
    names = [o["name"] for o in register]
    assert len(set(names)) == len(names)
    for org in register:
        name = org["name"]
        assert CHINESE.match(name), name  # no digits, no label, no latin letters
        assert DEMO_LABEL not in name
        assert name.startswith("厦门"), name
        if org["type"] in ("social_group", "social_service"):
            assert not name.startswith(("中国", "全国", "中华")), name
        if org["level"] == "district" and org["type"] != "foundation":
            assert DISTRICT_NAMES[org["district"]] in name, name
        if org["type"] == "foundation":
            assert name.endswith("基金会"), name



def test_domicile_in_the_district(register):
    for org in register:
        assert org["domicile"].startswith("厦门市"), org["domicile"]
        assert re.search(r"\d+ 号", org["domicile"]), org["domicile"]
        if org["level"] == "district":
            assert org["domicile"].startswith("厦门市" + DISTRICT_NAMES[org["district"]])


def test_supervising_unit_required_for_other(register):
    for org in register:
        unit = org["supervising_unit"]
        assert unit is None or (isinstance(unit, str) and unit.strip()), org["name"]
        if org["category"] == "other":
            assert unit and unit.strip(), org["name"]
    direct = [o for o in register if o["category"] != "other"]
    assert any(o["supervising_unit"] is None for o in direct)


def test_business_scope_carries_the_demo_label(register):
    for org in register:
        scope = org["business_scope"]
        assert scope.endswith(DEMO_SCOPE_SUFFIX) and scope.endswith("（演示数据，非真实组织）")
        assert len(scope) > len(DEMO_SCOPE_SUFFIX) + 4


def test_legal_representatives(register):
    ids = [o["legal_representative"]["id_number"] for o in register]
    assert len(set(ids)) == len(ids)
    for org in register:
        lr = org["legal_representative"]
        assert CHINESE.match(lr["name"]) and 2 <= len(lr["name"]) <= 4, lr["name"]
        assert PHONE.match(lr["phone"]), lr["phone"]
        m = ID_NUMBER.match(lr["id_number"])
        assert m, lr["id_number"]
        birth = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        assert date(1950, 1, 1) <= birth <= date(1995, 12, 31)
        assert lr["id_number"][17] == id_number_check_char(lr["id_number"][:17])


def test_id_numbers_pass_python_stdnum(register):
    ric = pytest.importorskip("stdnum.cn.ric")
    bad = [o["legal_representative"]["id_number"] for o in register
           if not ric.is_valid(o["legal_representative"]["id_number"])]
    assert bad == []


# ---- determinism and as_of


def test_deterministic_for_a_seed(register):
    assert generate_register(2020) == register
    other = generate_register(7)
    assert other != register
    assert len(other) == 7391 and sum(o["charity"] for o in other) == 61
    assert {o["name"] for o in other} != {o["name"] for o in register}


def test_earlier_as_of_is_a_snapshot_of_the_same_timeline(register):
    as_of = date(2010, 6, 30)
    earlier = generate_register(as_of=as_of)
    assert earlier == [o for o in register if _established(o) <= as_of]
    assert 0 < len(earlier) < len(register)


def test_later_as_of_adds_registrations_after_2020(register):
    as_of = date(2022, 6, 30)
    later = generate_register(as_of=as_of)
    assert later[: len(register)] == register
    added = later[len(register):]
    assert added and all(AS_OF < _established(o) <= as_of for o in added)
    assert sum(o["charity"] for o in later) == 61
    assert len({o["name"] for o in later}) == len(later)
    assert len({o["legal_representative"]["id_number"] for o in later}) == len(later)


def test_as_of_before_1985_is_refused():
    with pytest.raises(ValueError):
        generate_register(as_of=date(1984, 12, 31))


# ---- the check character


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "440524188001010014", "350203198001010013"])
def test_id_number_check_char(number):
    assert id_number_check_char(number[:17]) == number[17]


@pytest.mark.parametrize("bad", ["", "1234567890123456", "12345678901234567X", "1101051949123100a"])
def test_id_number_check_char_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        id_number_check_char(bad)
