"""Pure rules (no I/O): the N189 art. 10 adjusted income base of the charity spending ratio (R10.3.2)
and the Fujian lock after more than N returns of one report (R4.4, LOCAL: a setting)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal as D

import pytest

from services.registry.domain import regulatory
from services.registry.domain.annual_report import AnnualReport, adjusted_income
from services.registry.domain.regulatory import PriorYear
from shared.errors import RuleViolation
from tests.registry.unit.test_report_rules import RP, by_check, finances, subject

AT = datetime(2026, 4, 1, tzinfo=timezone.utc)


def test_last_years_income_is_adjusted_for_restricted_and_released_amounts__R10_3_2_N189_art_10() -> None:
    """上年总收入 = actual income − income restricted to later years + net assets released from time
    restriction: 10M income of which 3M restricted to later years, 0.5M released -> 7.5M; 70% = 5.25M."""
    assert adjusted_income(D(10_000_000), "3000000", "500000") == D(7_500_000)
    assert adjusted_income(D(10_000_000), None, None) == D(10_000_000)  # no adjustment declared
    assert adjusted_income(None, "1", "1") is None
    prior = {2024: PriorYear(2024, D(10_000_000), D(5_000_000), D(7_500_000))}
    found = by_check(regulatory.findings(subject(), 2025, finances(charitable=5_250_000, management=100_000,
                                                                   total=6_000_000), prior, RP))
    spending = found["charity_spending"]
    assert spending["met"] is True and "¥5,250,000.00" in spending["required"] and "N189 art. 10" in spending["basis"]
    short = by_check(regulatory.findings(subject(), 2025, finances(charitable=5_249_999.99, management=100_000,
                                                                   total=6_000_000), prior, RP))
    assert short["charity_spending"]["met"] is False
    # the small non-public charity's income test (N189 art. 9(4)) reads the same adjusted base
    small = subject(type="social_group", public_fundraising=False, foundation_kind=None)
    prior = {2024: PriorYear(2024, D(900_000), D(500_000), D(600_000))}
    found = by_check(regulatory.findings(small, 2025, finances(charitable=300_000, management=10_000, total=400_000),
                                         prior, RP))
    assert found["charity_spending_income"]["met"] is True and "¥300,000.00" in found["charity_spending_income"]["required"]


def test_foundations_that_are_no_charity_keep_the_actual_income__R10_3_3_JJH_art_29() -> None:
    s = subject(charity=False, public_fundraising=False, foundation_kind="public")
    prior = {2024: PriorYear(2024, D(1_000_000), D(1), D(500_000))}
    found = by_check(regulatory.findings(s, 2025, finances(charitable=600_000, management=1, total=700_000,
                                                           staff_office=10_000), prior, RP))
    assert found["charity_spending"]["met"] is False and "¥700,000.00" in found["charity_spending"]["required"]


def returned(times: int, unlocked: int = 0) -> AnnualReport:
    report, _ = AnnualReport.start("51350200MJ0000018X", 2025, {}, "org", AT)
    report.state, report.returns, report.returns_unlocked = "returned", times, unlocked
    return report


def test_filing_locks_after_more_than_five_returns__R4_4_Fujian_2022_LOCAL() -> None:
    returned(5).ensure_not_locked(5)  # five returns: still open
    with pytest.raises(RuleViolation) as caught:
        returned(6).ensure_not_locked(5)
    assert "R4.4" in (caught.value.rule or "") and "6 times" in caught.value.detail
    returned(60).ensure_not_locked(0)  # 0: the setting switches the lock off
    with pytest.raises(RuleViolation):
        returned(3).ensure_not_locked(2)  # another limit (a setting)
    report = returned(6)
    step = report.unlock("registrar1", AT, 5, "补正材料已核实")
    assert (step.action, step.note, report.locked(5)) == ("unlocked", "补正材料已核实", False)
    report.returns = 12
    assert report.locked(5)  # counts the returns after the unlock: 6 more
    with pytest.raises(RuleViolation):
        returned(2).unlock("registrar1", AT, 5, "x")  # not locked: nothing to unlock
