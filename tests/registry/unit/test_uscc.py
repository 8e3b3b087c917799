"""Unit tests for services.registry.domain.uscc (GB 32100-2015, GB 11714, domain-rules.md §3).

Every test names the rule it encodes. "Synthetic" codes are built with compose() /
the §3.2-§3.3 formulas: no real Xiamen code is published (domain-rules §3.7).
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from services.registry.domain import uscc
from services.registry.domain.uscc import (
    CITY_DIVISION,
    DISTRICTS,
    DIVISIONS,
    TYPE_CODES,
    UsccReport,
    compose,
    inspect,
    normalize,
    org_check_char,
    uscc_check_char,
    validate_for_registration,
)

ALPHABET31 = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FULL_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def positions(report: UsccReport) -> list[str]:
    return [f.position for f in report.failures]


def failure_at(report: UsccReport, position: str) -> uscc.UsccFailure:
    return next(f for f in report.failures if f.position == position)


# --- worked example and handbook vectors (domain-rules §3.2 R3.2.4, §3.7) -------------


def test_r3_2_4_worked_example_invalid_at_18_expects_3() -> None:
    """GB 32100 §3.2 R3.2.4: 91350100M000100Y4Z fails at 18, expected '3'.

    'Z' is also outside the 31-character set (§3.1), so charset is reported too.
    """
    report = inspect("91350100M000100Y4Z")
    assert not report.valid
    assert positions(report) == ["charset", "18"]
    assert report.check_18_expected == "3"
    assert "应为 3" in failure_at(report, "18").message
    assert "should be 3" in failure_at(report, "18").message


def test_r3_2_4_worked_example_valid() -> None:
    """GB 32100 §3.2 R3.2.4: 91350100M000100Y43 is valid."""
    report = inspect("91350100M000100Y43")
    assert report.valid and report.failures == ()


def test_r3_2_4_weighted_sum_is_1640() -> None:
    """GB 32100 §3.2 R3.2.4: Σ over 91350100M000100Y4 is 1640, 1640 mod 31 = 28, C18 = 3."""
    total = sum(ALPHABET31.index(c) * (3**i % 31) for i, c in enumerate("91350100M000100Y4"))
    assert total == 1640 and total % 31 == 28
    assert uscc_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    "code",
    [
        "51310110501144395U",
        "51100000500009247D",
        "51100000500012681T",
        "51100000500002862F",
        "53100000500019795A",
        "53100000500021676K",
        "91350100M000100Y43",
    ],
)
def test_s3_7_valid_vectors(code: str) -> None:
    """domain-rules §3.7 valid table: every vector passes inspect()."""
    report = inspect(code)
    assert report.valid, report.failures
    assert report.code == code


@pytest.mark.parametrize(
    ("code", "failing", "exp17", "exp18"),
    [
        ("53100000500012015T", ["17", "18"], "6", "P"),
        ("51100000500000024G", ["17", "18"], "3", "M"),
        ("53100000500020462H", ["18"], "2", "K"),
        ("531000005000074012", ["18"], "1", "D"),
        ("53440300MJL0167883", ["17", "18"], "X", "P"),
        ("52110101MJ0018899X", ["17", "18"], "1", "T"),
        ("53100000MJ0000000X", ["17", "18"], "X", "U"),
    ],
)
def test_s3_7_invalid_vectors(code: str, failing: list[str], exp17: str, exp18: str) -> None:
    """domain-rules §3.7 invalid table: failing positions and expected characters."""
    report = inspect(code)
    assert positions(report) == failing
    assert (report.check_17_expected, report.check_18_expected) == (exp17, exp18)
    for pos, exp in (("17", exp17), ("18", exp18)):
        if pos in failing:
            assert f"应为 {exp}" in failure_at(report, pos).message
            assert f"should be {exp}" in failure_at(report, pos).message
            assert failure_at(report, pos).rule == f"check_char_{pos}"


# --- python-stdnum's own vectors (domain-rules §3.6) ----------------------------------


def test_stdnum_valid_reference() -> None:
    """domain-rules §3.6: stdnum's 91110000600037341L is valid."""
    assert inspect("91110000600037341L").valid


def test_stdnum_bad_checksum_fails_at_18_expecting_l() -> None:
    """domain-rules §3.6 / R3.2.3: 91110000600037341N fails at 18, expected 'L'."""
    report = inspect("91110000600037341N")
    assert positions(report) == ["18"]
    assert report.check_18_expected == "L"
    assert failure_at(report, "18").rule == "check_char_18"


def test_stdnum_forbidden_letters_are_charset_failure() -> None:
    """GB 32100 §3.1 charset (no I, O, Z, S, V): 9111000060003IOZSV."""
    report = inspect("9111000060003IOZSV")
    assert positions(report) == ["charset"]
    assert failure_at(report, "charset").rule == "charset"
    assert "14、15、16、17、18" in failure_at(report, "charset").message


def test_stdnum_short_code_is_length_failure() -> None:
    """domain-rules §3.5 rule 1: length must be 18 ('12345')."""
    report = inspect("12345")
    assert positions(report) == ["length"]
    assert report.division is None and report.department is None


def test_gb32100_letter_department_a_is_not_a_position_1_failure() -> None:
    """GB 32100 §3.1 position 1 table: 'A' (中央军委改革和编制办公室) is a valid department.

    stdnum rejects A1110000600037341L for its letter; we only report what the check
    characters give: position 17 is correct ('1'), position 18 should be 'K'.
    """
    report = inspect("A1110000600037341L")
    assert "1" not in positions(report)
    assert report.department == "中央军委改革和编制办公室"
    assert report.check_17_expected == "1"
    assert positions(report) == ["18"]
    assert report.check_18_expected == "K"
    assert inspect("A1110000600037341K").valid


# --- check-character formulas (R3.2.1-R3.2.3, R3.3.1-R3.3.2) --------------------------


def test_r3_2_2_weights_are_powers_of_3_mod_31() -> None:
    """GB 32100 §3.2 R3.2.2: W_i = 3^(i-1) mod 31 gives the published weight list."""
    published = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    assert [3 ** (i - 1) % 31 for i in range(1, 18)] == published


def _direct_check_18(first17: str) -> str:
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(ALPHABET31.index(c) * w for c, w in zip(first17, weights))
    return ALPHABET31[(31 - total % 31) % 31]


@pytest.mark.parametrize(
    "first17",
    [
        "91350100M000100Y4",
        "51310110501144395",
        "53100000500021676",
        "A1110000600037341",
        "Y9000000000000000",
        "00000000000000000",
    ],
)
def test_r3_2_3_mod31_matches_direct_computation(first17: str) -> None:
    """GB 32100 §3.2 R3.2.1-R3.2.3: uscc_check_char equals a direct weighted mod-31 sum."""
    assert uscc_check_char(first17) == _direct_check_18(first17)


@given(st.text(alphabet=ALPHABET31, min_size=17, max_size=17))
def test_r3_2_3_mod31_matches_direct_computation_any(first17: str) -> None:
    """GB 32100 §3.2 R3.2.3: agreement with the direct formula for arbitrary inputs."""
    assert uscc_check_char(first17) == _direct_check_18(first17)


def test_r3_2_3_result_31_maps_to_0() -> None:
    """GB 32100 §3.2 R3.2.3: a sum ≡ 0 (mod 31) gives check character '0'."""
    assert uscc_check_char("0" * 17) == "0"


def _direct_check_17(body8: str) -> str:
    total = sum(FULL_ALPHABET.index(c) * w for c, w in zip(body8, [3, 7, 9, 10, 5, 8, 4, 2]))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


@given(st.text(alphabet=FULL_ALPHABET, min_size=8, max_size=8))
def test_r3_3_1_gb11714_matches_direct_computation(body8: str) -> None:
    """GB 11714 R3.3.1: weights 3,7,9,10,5,8,4,2; 10 -> 'X', 11 -> '0'."""
    assert org_check_char(body8) == _direct_check_17(body8)


def test_r3_3_1_special_values_x_and_0() -> None:
    """GB 11714 R3.3.1: remainder 1 gives 'X' (10), remainder 0 gives '0' (11)."""
    assert org_check_char("MJ000000") == "X"  # 22*3 + 19*7 = 199, 199 mod 11 = 1
    assert org_check_char("00000000") == "0"


def test_r3_3_2_letters_use_full_alphabet_values() -> None:
    """GB 11714 R3.3.2: letters are A=10..Z=35, not mod-31 table values (MJL01678 -> X)."""
    assert org_check_char("MJL01678") == "X"
    mod31_value = (11 - (ALPHABET31.index("M") * 3 + ALPHABET31.index("J") * 7) % 11) % 11
    assert org_check_char("MJ000000") != str(mod31_value)


@pytest.mark.parametrize("bad", ["", "1234567", "123456789", "1234567a", "1234 567"])
def test_org_check_char_rejects_bad_body(bad: str) -> None:
    """GB 11714 R3.3.1: the body is exactly 8 characters from 0-9, A-Z."""
    with pytest.raises(ValueError):
        org_check_char(bad)


@pytest.mark.parametrize("bad", ["", "9135010", "9135010OM000100Y4", "9135010M000100Y4 "])
def test_uscc_check_char_rejects_bad_input(bad: str) -> None:
    """GB 32100 §3.2 R3.2.1: exactly 17 characters from the 31-character set."""
    with pytest.raises(ValueError):
        uscc_check_char(bad)


# --- structure (§3.1) and normalization (§3.5 rule 1) ---------------------------------


def test_s3_5_rule_1_normalize_strips_spaces_hyphens_and_uppercases() -> None:
    """domain-rules §3.5 rule 1: remove spaces and hyphens, upper-case."""
    assert normalize(" 9135-0100 m000-100y43 ") == "91350100M000100Y43"
    assert inspect("9135-0100 m000-100y43").valid


def test_s3_5_rule_1_normalize_does_not_fold_non_ascii() -> None:
    """domain-rules §3.5 rule 1: only ASCII is upper-cased ('ﬀ' must not become 'FF')."""
    assert normalize("ﬀ") == "ﬀ"
    assert "charset" in positions(inspect("9135010" + "ﬀ" + "000100Y43"))


def test_s3_1_position_1_unknown_department() -> None:
    """GB 32100 §3.1 position 1 table: 'B' is not a department code."""
    prefix = "B1350100M000100Y4"
    report = inspect(prefix + uscc_check_char(prefix))
    assert positions(report) == ["1"]
    assert failure_at(report, "1").rule == "department"
    assert report.department is None


def test_s3_1_position_2_civil_affairs_category() -> None:
    """GB 32100 §3.1: under department 5, position 2 must be 1, 2, 3 or 9."""
    prefix = "54350200ABCD1234" + org_check_char("ABCD1234")
    report = inspect(prefix + uscc_check_char(prefix))
    assert positions(report) == ["2"]
    assert failure_at(report, "2").rule == "category"
    ok = inspect(compose("9", CITY_DIVISION, "ABCD1234"))
    assert ok.valid and ok.category == "其他"


def test_s3_1_positions_3_8_must_be_digits() -> None:
    """GB 32100 §3.1: positions 3-8 are a six-digit GB/T 2260 division code."""
    prefix = "51A50200ABCD1234" + org_check_char("ABCD1234")
    report = inspect(prefix + uscc_check_char(prefix))
    assert positions(report) == ["3-8"]
    assert failure_at(report, "3-8").rule == "division"


def test_s3_1_reports_all_failures_in_position_order() -> None:
    """domain-rules §3.5: every failure is reported, ordered by position."""
    report = inspect("B4A50200ABCD1234I0")
    assert positions(report) == ["charset", "1", "3-8", "17"]
    report = inspect("54A50200ABCD12340Q")
    assert positions(report) == ["2", "3-8", "17", "18"]


def test_s3_4_report_names_xiamen_region() -> None:
    """domain-rules §3.4: the report names department, category and Xiamen region (synthetic)."""
    report = inspect(compose("3", "350206", "MA000001"))  # synthetic
    assert report.valid
    assert (report.department, report.category) == ("民政", "基金会")
    assert (report.division, report.region) == ("350206", "湖里区")
    assert inspect("51310110501144395U").region is None


# --- compose() (§3.7: synthetic Xiamen codes) -----------------------------------------

type_codes = st.sampled_from(sorted(set(TYPE_CODES.values()) | {"9"}))
divisions = st.sampled_from(sorted(DIVISIONS))
bodies = st.text(alphabet=ALPHABET31, min_size=8, max_size=8)


@given(type_codes, divisions, bodies)
def test_compose_always_passes_inspect(type_code: str, division: str, body8: str) -> None:
    """GB 32100 §3.1-§3.3: compose() output passes every structural check."""
    code = compose(type_code, division, body8)
    assert len(code) == 18
    assert code[:8] == "5" + type_code + division and code[8:16] == body8
    assert inspect(code).valid


@given(
    type_codes,
    divisions,
    bodies,
    st.integers(min_value=0, max_value=17),
    st.characters(codec="utf-8") | st.sampled_from(FULL_ALPHABET),
)
def test_single_character_change_is_detected(
    type_code: str, division: str, body8: str, index: int, replacement: str
) -> None:
    """GB 32100 §3.2 R3.2.3: any single substitution in a composed code is reported."""
    code = compose(type_code, division, body8)
    mutated = code[:index] + replacement + code[index + 1 :]
    assume(normalize(mutated) != code)
    assert not inspect(mutated).valid


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("1", "35020", "ABCD1234"), {}),
        (("1", "350200", "ABCD123"), {}),
        (("1", "350200", "ABCDI234"), {}),
        (("4", "350200", "ABCD1234"), {}),
        (("1", "350200", "ABCD1234"), {"department": "B"}),
        (("11", "350200", "ABCD1234"), {}),
    ],
)
def test_compose_rejects_parts_that_cannot_form_a_valid_code(args: tuple, kwargs: dict) -> None:
    """GB 32100 §3.1: compose() refuses parts that would fail inspect()."""
    with pytest.raises(ValueError):
        compose(*args, **kwargs)


def test_compose_other_department() -> None:
    """GB 32100 §3.1: a non-civil-affairs department ('N' 农业) composes a valid code."""
    code = compose("1", "110000", "12345678", department="N")
    assert code[0] == "N" and inspect(code).valid


# --- validate_for_registration (domain-rules §3.5) ------------------------------------

# All codes below are SYNTHETIC: built by compose() for the bureau's divisions.
CITY_GROUP = compose("1", "350200", "MA000001")  # synthetic: city-level 社会团体
SIMING_SERVICE = compose("2", "350203", "MA000002")  # synthetic: 思明区 民办非企业单位
CITY_FOUNDATION = compose("3", "350200", "MA000003")  # synthetic: city-level 基金会


def _synthetic(department: str, type_code: str, division: str, body8: str = "MA000009") -> str:
    """Structurally valid synthetic code, bypassing compose()'s own checks."""
    prefix = department + type_code + division + body8 + org_check_char(body8)
    return prefix + uscc_check_char(prefix)


@pytest.mark.parametrize(
    ("code", "org_type", "level", "district"),
    [
        (CITY_GROUP, "social_group", "city", ""),
        (SIMING_SERVICE, "social_service", "district", "350203"),
        (CITY_FOUNDATION, "foundation", "city", "350203"),
    ],
)
def test_s3_5_correct_synthetic_code_passes(
    code: str, org_type: str, level: str, district: str
) -> None:
    """domain-rules §3.5 rules 1-6: a correct synthetic Xiamen code passes."""
    assert validate_for_registration(code, org_type, level, district) == []


@pytest.mark.parametrize("district", sorted(DISTRICTS))
def test_s3_5_rule_4_every_district_accepts_its_own_code(district: str) -> None:
    """domain-rules §3.5 rule 4 / §3.4: each current district code is accepted (synthetic)."""
    code = compose("1", district, "MA000004")  # synthetic
    assert validate_for_registration(code, "social_group", "district", district) == []


def test_s3_5_rule_3_wrong_type_fails_at_position_2() -> None:
    """domain-rules §3.5 rule 3: position 2 must match the org type (synthetic 社团 as 基金会)."""
    failures = validate_for_registration(CITY_GROUP, "foundation", "city", "")
    assert [f.position for f in failures] == ["2"]
    assert failures[0].rule == "registration_category"
    assert "应为 3" in failures[0].message


def test_s3_5_rule_4_city_org_with_district_division_fails_at_3_8() -> None:
    """domain-rules §3.5 rule 4: a city-level org needs 350200, not a district code (synthetic)."""
    failures = validate_for_registration(SIMING_SERVICE, "social_service", "city", "")
    assert [f.position for f in failures] == ["3-8"]
    assert failures[0].rule == "registration_division"
    assert "350200" in failures[0].message


def test_s3_5_rule_4_district_org_with_other_district_fails_at_3_8() -> None:
    """domain-rules §3.5 rule 4: a district-level org needs its own district (synthetic)."""
    failures = validate_for_registration(SIMING_SERVICE, "social_service", "district", "350206")
    assert [f.position for f in failures] == ["3-8"]


@pytest.mark.parametrize("division", ["350201", "350202", "350204"])
def test_s3_4_placeholder_and_abolished_divisions_rejected(division: str) -> None:
    """domain-rules §3.4: 350201 (市辖区) and abolished 350202/350204 are rejected (synthetic)."""
    code = _synthetic("5", "1", division)
    assert inspect(code).valid  # structurally fine ...
    for district in (division, "350203"):  # ... but not acceptable for the bureau
        failures = validate_for_registration(code, "social_group", "district", district)
        assert [f.position for f in failures] == ["3-8"]
    city = validate_for_registration(code, "social_group", "city", "")
    assert [f.position for f in city] == ["3-8"]


def test_s3_5_rule_2_department_9_rejected_at_position_1() -> None:
    """domain-rules §3.5 rule 2: position 1 must be '5'; '9' (工商) is rejected (synthetic)."""
    code = _synthetic("9", "1", "350200")
    assert inspect(code).valid
    failures = validate_for_registration(code, "social_group", "city", "")
    assert [f.position for f in failures] == ["1"]
    assert failures[0].rule == "registration_department"


def test_s3_5_rules_5_6_check_failures_propagate() -> None:
    """domain-rules §3.5 rules 5-6: check-character failures from inspect() are kept (synthetic)."""
    bad = CITY_GROUP[:16] + ("1" if CITY_GROUP[16] != "1" else "2") + CITY_GROUP[17]
    failures = validate_for_registration(bad, "social_group", "city", "")
    assert "17" in [f.position for f in failures]


def test_s3_5_bureau_failure_replaces_structural_failure_at_same_position() -> None:
    """domain-rules §3.5: one failure per position, the bureau rule being the more specific one."""
    code = _synthetic("5", "4", "350200")
    failures = validate_for_registration(code, "social_group", "city", "")
    assert [(f.position, f.rule) for f in failures] == [("2", "registration_category")]


def test_s3_5_rule_1_wrong_length_only_reports_length() -> None:
    """domain-rules §3.5 rule 1: a code of the wrong length is not checked positionally."""
    failures = validate_for_registration("12345", "social_group", "city", "")
    assert [f.position for f in failures] == ["length"]


def test_validate_for_registration_rejects_unknown_org_type_or_level() -> None:
    """domain-rules §3.5 rule 3/4: org_type and level are caller inputs, not code data."""
    with pytest.raises(ValueError):
        validate_for_registration(CITY_GROUP, "company", "city", "")
    with pytest.raises(ValueError):
        validate_for_registration(CITY_GROUP, "social_group", "province", "")


# --- hostile input: inspect() never raises ---------------------------------------------


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        " ",
        "-" * 40,
        "A" * 10_000_000,
        "统" * 10_000_000,
        "\x00" * 18,
        "\x00\x01\x1b[31m\r\n\t\x7f",
        "91350100M000100Y4\x00",
        "统一社会信用代码统一社会信用代码统一",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        "None",
        "null",
        "undefined",
        "NaN",
        "'; DROP TABLE organizations; --",
        "\ud800" * 18,
    ],
)
def test_inspect_never_raises_on_hostile_input(hostile: str) -> None:
    """GET /registry/uscc/{code} contract: inspect() returns failures, never raises."""
    report = inspect(hostile)
    assert not report.valid and report.failures
    known = {"length", "charset", "1", "2", "3-8", "17", "18"}
    assert all(f.position in known for f in report.failures)


def test_inspect_charset_message_is_bounded_for_huge_input() -> None:
    """GB 32100 §3.1 charset: the message lists only the first few bad positions."""
    report = inspect("统" * 10_000_000)
    assert positions(report) == ["length", "charset"]
    assert len(failure_at(report, "charset").message) < 200


def test_inspect_non_string_is_treated_as_empty() -> None:
    """domain-rules §3.5 rule 1: a non-string is reported, not raised (length 0)."""
    assert positions(inspect(None)) == ["length"]  # type: ignore[arg-type]


@given(st.text())
def test_inspect_never_raises_on_arbitrary_text(text: str) -> None:
    """GET /registry/uscc/{code} contract: any text yields a report."""
    report = inspect(text)
    assert report.valid == (report.failures == ())
