"""Unified social credit code (统一社会信用代码) checks.

Implements the structure of GB 32100-2015 (18 characters: department, category,
GB/T 2260 division, 9-character GB 11714 organization code, mod-31 check character)
as written down in the handbook, domain-rules.md §3:

* §3.1 structure and the 31-character set (0-9, A-Z without I, O, S, V, Z);
* §3.2 position 18: weights 3^(i-1) mod 31, C18 = (31 - Σ mod 31) mod 31 (reuses
  ``stdnum.cn.uscc.calc_check_digit``);
* §3.3 position 17: GB 11714, weights 3,7,9,10,5,8,4,2, letters A=10..Z=35,
  C = 11 - Σ mod 11, 10 -> 'X', 11 -> '0';
* §3.4 Xiamen division codes; §3.5 what the bureau requires of its own organizations.

``stdnum.cn.uscc.validate`` is deliberately not used for the decision: it rejects
letters in positions 1-2, but GB 32100 allows the department codes A, N and Y (§3.6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from stdnum.cn.uscc import calc_check_digit

CITY_DIVISION = "350200"
DISTRICTS: dict[str, str] = {
    "350203": "思明区",
    "350205": "海沧区",
    "350206": "湖里区",
    "350211": "集美区",
    "350212": "同安区",
    "350213": "翔安区",
}
DIVISIONS: dict[str, str] = {CITY_DIVISION: "厦门市", **DISTRICTS}
TYPE_CODES: dict[str, str] = {"social_group": "1", "social_service": "2", "foundation": "3"}
DEPARTMENTS: dict[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}
CIVIL_AFFAIRS_CATEGORIES: dict[str, str] = {
    "1": "社会团体",
    "2": "民办非企业单位",
    "3": "基金会",
    "9": "其他",
}

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # R3.2.1, values 0..30
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # R3.3.2, A=10..Z=35
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # R3.3.1
_BAD_CHAR = re.compile(r"[^0-9A-HJ-NP-RTUW-Y]")
_DIGITS = frozenset("0123456789")
_LOWER_RUN = re.compile(r"[a-z]+")
_ORDER = {"length": 0, "charset": 1, "1": 2, "2": 3, "3-8": 4, "17": 5, "18": 6}
_MAX_LISTED = 5
_LEVELS = ("city", "district")


@dataclass(frozen=True)
class UsccFailure:
    position: str
    rule: str
    message: str


@dataclass(frozen=True)
class UsccReport:
    code: str
    valid: bool
    failures: tuple[UsccFailure, ...]
    department: str | None
    category: str | None
    division: str | None
    region: str | None
    check_17_expected: str | None
    check_18_expected: str | None


def normalize(code: str) -> str:
    """Remove spaces and hyphens and upper-case ASCII letters (§3.5 rule 1).

    Only ASCII is upper-cased, so that e.g. the ligature 'ﬀ' cannot turn into 'FF'.
    """
    stripped = code.replace(" ", "").replace("-", "")
    return _LOWER_RUN.sub(lambda m: m.group().upper(), stripped)


def org_check_char(body8: str) -> str:
    """GB 11714 check character over the 8-character organization-code body (R3.3)."""
    if len(body8) != 8 or any(c not in _ORG_ALPHABET for c in body8):
        raise ValueError("body8 must be 8 characters from 0-9, A-Z")
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body8, _ORG_WEIGHTS))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def uscc_check_char(first17: str) -> str:
    """Mod-31 check character for position 18 over the first 17 characters (R3.2)."""
    if len(first17) != 17 or any(c not in _ALPHABET for c in first17):
        raise ValueError("first17 must be 17 characters from the 31-character set")
    return calc_check_digit(first17)


def compose(type_code: str, division: str, body8: str, department: str = "5") -> str:
    """Build a complete 18-character code that passes :func:`inspect`.

    Raises ValueError when the parts cannot form a structurally valid code.
    """
    if (len(department), len(type_code), len(division)) != (1, 1, 6):
        raise ValueError("department and type_code need 1 character, division 6")
    org = body8 + org_check_char(body8)
    prefix = department + type_code + division + org
    if _BAD_CHAR.search(prefix):
        raise ValueError("all characters must come from the 31-character set")
    code = prefix + uscc_check_char(prefix)
    report = inspect(code)
    if not report.valid:
        raise ValueError("; ".join(f.message for f in report.failures))
    return code


def inspect(code: str) -> UsccReport:
    """Structural check of any code against GB 32100 (§3.1-§3.3); never raises.

    Non-string input is treated as the empty string. All failures are reported,
    in position order.
    """
    norm = normalize(code) if isinstance(code, str) else ""
    failures = _charset_failures(norm)
    if len(norm) != 18:
        failures.insert(0, _length_failure(len(norm)))
        return _report(norm, failures, None, None)
    failures += _structure_failures(norm)
    exp17, exp18 = _expected_17(norm), _expected_18(norm)
    if exp17 is not None and norm[16] != exp17:
        failures.append(_check_failure("17", exp17))
    if exp18 is not None and norm[17] != exp18:
        failures.append(_check_failure("18", exp18))
    return _report(norm, failures, exp17, exp18)


def validate_for_registration(
    code: str, org_type: str, level: str, district: str
) -> list[UsccFailure]:
    """Failures of a code brought in for one of the bureau's organizations (§3.5).

    Adds to :func:`inspect`: position 1 = '5', position 2 = TYPE_CODES[org_type],
    positions 3-8 = 350200 (level "city") or the org's district (level "district",
    which must be in DISTRICTS). A bureau failure replaces the structural failure
    at the same position, since it is the more specific one. Returns [] if acceptable.
    Raises ValueError for an unknown org_type or level (a caller error).
    """
    if org_type not in TYPE_CODES or level not in _LEVELS:
        raise ValueError(f"unknown org_type {org_type!r} or level {level!r}")
    report = inspect(code)
    if len(report.code) != 18:
        return list(report.failures)
    extra = _registration_failures(report.code, org_type, level, district)
    replaced = {f.position for f in extra}
    kept = [f for f in report.failures if f.position not in replaced]
    return sorted(kept + extra, key=lambda f: _ORDER[f.position])


# --- helpers ---------------------------------------------------------------


def _report(
    norm: str, failures: list[UsccFailure], exp17: str | None, exp18: str | None
) -> UsccReport:
    """Assemble the report; parsed fields are only filled for 18-character codes."""
    ordered = tuple(sorted(failures, key=lambda f: _ORDER[f.position]))
    full = len(norm) == 18
    dept = DEPARTMENTS.get(norm[0]) if full else None
    category = CIVIL_AFFAIRS_CATEGORIES.get(norm[1]) if full and norm[0] == "5" else None
    division = norm[2:8] if full else None
    region = DIVISIONS.get(division) if division else None
    return UsccReport(norm, not ordered, ordered, dept, category, division, region, exp17, exp18)


def _in_alphabet(text: str) -> bool:
    return _BAD_CHAR.search(text) is None


def _expected_17(norm: str) -> str | None:
    """Expected position 17, or None when positions 9-16 are not computable."""
    body = norm[8:16]
    return org_check_char(body) if _in_alphabet(body) else None


def _expected_18(norm: str) -> str | None:
    """Expected position 18, or None when positions 1-17 are not computable."""
    first = norm[:17]
    return uscc_check_char(first) if _in_alphabet(first) else None


def _fail(position: str, rule: str, zh: str, en: str) -> UsccFailure:
    """A failure whose message is Chinese followed by English in parentheses."""
    return UsccFailure(position, rule, f"{zh} ({en})")


def _length_failure(length: int) -> UsccFailure:
    zh, en = f"长度应为18位，实为{length}位", f"length must be 18, got {length}"
    return _fail("length", "length", zh, en)


def _charset_failures(norm: str) -> list[UsccFailure]:
    """One failure listing (the first few) positions outside the 31-character set."""
    found = [m.start() + 1 for m in islice(_BAD_CHAR.finditer(norm), _MAX_LISTED + 1)]
    if not found:
        return []
    listed = [str(p) for p in found[:_MAX_LISTED]]
    more = "…" if len(found) > _MAX_LISTED else ""
    zh = f"第{'、'.join(listed)}{more}位含非法字符"
    en = f"position {', '.join(listed)}{more}: only 0-9 and A-Z without I, O, S, V, Z"
    return [_fail("charset", "charset", zh, en)]


def _structure_failures(norm: str) -> list[UsccFailure]:
    """Positions 1, 2 and 3-8 of an 18-character code (§3.1)."""
    out: list[UsccFailure] = []
    if norm[0] not in DEPARTMENTS:
        out.append(_fail("1", "department", "第1位登记管理部门代码应为 1-9、A、N、Y",
                         "position 1 department code must be one of 1-9, A, N, Y"))
    elif norm[0] == "5" and norm[1] not in CIVIL_AFFAIRS_CATEGORIES:
        out.append(_fail("2", "category", "第2位机构类别代码应为 1、2、3、9",
                         "position 2 category code must be 1, 2, 3 or 9 under department 5"))
    if any(c not in _DIGITS for c in norm[2:8]):
        out.append(_fail("3-8", "division", "第3-8位行政区划码应为6位数字",
                         "positions 3-8 division code must be six digits"))
    return out


def _check_failure(position: str, expected: str) -> UsccFailure:
    zh = f"第{position}位校验码应为 {expected}"
    en = f"position {position} check character should be {expected}"
    return _fail(position, f"check_char_{position}", zh, en)


def _registration_failures(
    norm: str, org_type: str, level: str, district: str
) -> list[UsccFailure]:
    """Bureau-specific rules of §3.5 (rules 2-4) for an 18-character code."""
    out: list[UsccFailure] = []
    if norm[0] != "5":
        out.append(_fail("1", "registration_department", "第1位应为 5（民政）",
                         "position 1 must be 5, civil affairs, for this bureau's organizations"))
    want = TYPE_CODES[org_type]
    if norm[1] != want:
        zh = f"第2位机构类别代码应为 {want}（{CIVIL_AFFAIRS_CATEGORIES[want]}）"
        en = f"position 2 category code should be {want} for {org_type}"
        out.append(_fail("2", "registration_category", zh, en))
    division_failure = _division_failure(norm[2:8], level, district)
    return out + ([division_failure] if division_failure else [])


def _division_failure(division: str, level: str, district: str) -> UsccFailure | None:
    """§3.4: city level needs 350200; district level needs the org's (current) district."""
    rule = "registration_division"
    if level == "district" and district not in DISTRICTS:
        return _fail("3-8", rule, f"第3-8位：{district} 不是厦门市现行辖区代码",
                     f"positions 3-8: {district} is not a current Xiamen district code")
    want = CITY_DIVISION if level == "city" else district
    if division == want:
        return None
    return _fail("3-8", rule, f"第3-8位行政区划码应为 {want}（{DIVISIONS[want]}）",
                 f"positions 3-8 division code should be {want} for a {level}-level organization")
