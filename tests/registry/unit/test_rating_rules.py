"""Evaluation-rating rules, pure (no I/O): grades (R9.1), eligibility (R9.2, L39 art. 6), exclusions
(R9.3, L39 art. 7), validity (R9.4, L39 art. 28), downgrades (R9.6, L39 art. 30), score bands (R9.8)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal as D
from typing import Any

import pytest

from services.registry.domain import rating as rules
from services.registry.domain.annual_report import ReportPolicy
from services.registry.domain.rating import Award, Rating, RatingPolicy, ReportStanding
from services.registry.service_layer.ratings import last_report_due
from shared.errors import InvalidInput, RuleViolation
from tests.registry.unit.test_report_rules import org

AT = datetime(2026, 1, 1, tzinfo=timezone.utc)
POLICY = RatingPolicy()


def award(on: date, grade: str = "3A", score: str = "75") -> Award:
    return Award(grade, D(score), on, "厦门市社会组织评估委员会")


def rated(on: date, grade: str = "3A", **extra: Any) -> Rating:
    r = rules.new_rating(org(), award(on, grade), "registrar", AT, POLICY)
    r.id = extra.pop("id", 1)
    for key, value in extra.items():
        setattr(r, key, value)
    return r


def test_five_grades_low_to_high_and_valid_five_years__R9_1_L39_art_26_R9_4_L39_art_28() -> None:
    assert rules.GRADES == ("1A", "2A", "3A", "4A", "5A")
    r = rated(date(2021, 12, 15))
    assert r.expires_on == date(2026, 12, 15)
    assert r.valid_on(date(2021, 12, 15)) and r.valid_on(date(2026, 12, 14)) and not r.valid_on(date(2026, 12, 15))
    assert not r.valid_on(date(2021, 12, 14))
    leap = rules.new_rating(org(), award(date(2024, 2, 29)), "r", AT, POLICY)
    assert leap.expires_on == date(2029, 2, 28)
    assert rules.new_rating(org(), award(date(2024, 3, 1)), "r", AT, RatingPolicy(validity_years=3)).expires_on == \
        date(2027, 3, 1)


def test_two_full_years_registered_before_a_first_rating__R9_2_L39_art_6() -> None:
    assert rules.full_years(date(2024, 1, 1), date(2026, 1, 1)) == 2
    assert rules.full_years(date(2024, 1, 2), date(2026, 12, 31)) == 1
    assert rules.full_years(date(2023, 7, 1), date(2026, 1, 1)) == 2
    young = org(registered_on=date(2024, 3, 1))
    with pytest.raises(RuleViolation) as caught:
        rules.check_eligible(young, award(date(2026, 6, 1)), [], POLICY)
    assert "L39 art. 6" in (caught.value.rule or "")
    rules.check_eligible(young, award(date(2027, 1, 1)), [], POLICY)
    rules.check_eligible(young, award(date(2026, 6, 1)), [], RatingPolicy(min_full_years=1))  # a setting


def test_no_second_rating_while_a_grade_is_valid__R9_4_L39_art_28() -> None:
    history = [rated(date(2021, 12, 15))]
    with pytest.raises(RuleViolation) as caught:
        rules.check_period(award(date(2026, 12, 14)), history, POLICY)
    assert "L39 art. 28" in (caught.value.rule or "") and "2026-12-15" in caught.value.detail
    assert rules.check_period(award(date(2026, 12, 15)), history, POLICY) is None  # the previous grade expired
    with pytest.raises(RuleViolation, match="order"):
        rules.check_period(award(date(2020, 1, 1)), history, POLICY)
    cancelled = [rated(date(2021, 12, 15), status="cancelled", ended_on=date(2023, 1, 1))]
    assert rules.check_period(award(date(2023, 6, 1)), cancelled, POLICY) is None


def test_promotion_after_n_years_when_the_setting_allows__R9_2_LOCAL() -> None:
    history = [rated(date(2021, 12, 15))]
    promotion = RatingPolicy(promotion_after_years=2)
    assert rules.check_period(award(date(2023, 12, 15)), history, promotion) is history[0]
    with pytest.raises(RuleViolation):
        rules.check_period(award(date(2023, 12, 14)), history, promotion)


def standing(*items: tuple[int, str, str | None, date | None]) -> dict[int, ReportStanding]:
    return {y: ReportStanding(y, s, c, f) for y, s, c, f in items}


def excluded(st: dict[int, ReportStanding], on: date = date(2026, 7, 1), penalties: list[date] | None = None,
             lists: str = "", due: int = 2025) -> str:
    with pytest.raises(RuleViolation) as caught:
        rules.check_not_excluded(org(credit_lists=lists), award(on), due, st, lambda y: True, penalties or [])
    return f"{caught.value.rule} {caught.value.detail}"


def test_exclusions_of_the_annual_report_record__R9_3_L39_art_7() -> None:
    filed = (2025, "accepted", None, date(2026, 4, 1))
    rules.check_not_excluded(org(), award(date(2026, 7, 1)), 2025, standing(filed), lambda y: True, [])
    assert "L39 art. 7" in excluded({})  # missing
    assert "L39 art. 7" in excluded(standing((2025, "draft", None, None)))  # never submitted
    assert "returned" in excluded(standing((2025, "returned", None, date(2026, 4, 1))))
    assert "不合格" in excluded(standing((2025, "accepted", "unqualified", date(2026, 4, 1))))
    twice = standing((2025, "accepted", "basically_qualified", date(2026, 4, 1)),
                     (2024, "accepted", "basically_qualified", date(2025, 4, 1)))
    assert "基本合格" in excluded(twice)
    once = standing((2025, "accepted", "basically_qualified", date(2026, 4, 1)), (2024, "accepted", None, date(2025, 4, 1)))
    rules.check_not_excluded(org(), award(date(2026, 7, 1)), 2025, once, lambda y: True, [])
    # a report submitted after the award does not count for it
    assert "L39 art. 7" in excluded(standing((2025, "submitted", None, date(2026, 7, 2))))
    # a year the organization owed no report (R4.2, or before the register held reports) is no exclusion
    rules.check_not_excluded(org(), award(date(2026, 7, 1)), 2025, {}, lambda y: False, [])


def test_the_report_due_is_last_years_once_its_deadline_passed__R9_3_R4_1() -> None:
    policy = ReportPolicy()
    assert last_report_due("social_group", date(2026, 5, 31), policy) == 2024
    assert last_report_due("social_group", date(2026, 6, 1), policy) == 2025
    assert last_report_due("foundation", date(2026, 4, 1), policy) == 2025


def test_penalty_and_credit_list_exclusions__R9_3_L39_art_7() -> None:
    filed = standing((2025, "accepted", None, date(2026, 4, 1)))
    assert "penalty of 2025-01-01" in excluded(filed, penalties=[date(2025, 1, 1)])
    assert "penalty" in excluded(filed, penalties=[date(2026, 6, 30)])
    rules.check_not_excluded(org(), award(date(2026, 7, 1)), 2025, filed, lambda y: True, [date(2024, 12, 31)])
    for listed in ("abnormal", "serious", "abnormal,serious"):
        assert "credit list" in excluded(filed, lists=listed)
    rules.check_not_excluded(org(credit_lists="red"), award(date(2026, 7, 1)), 2025, filed, lambda y: True, [])


def test_one_grade_down_and_none_left_below_1A__R9_6_L39_art_30() -> None:
    r = rated(date(2024, 1, 1), "4A", id=7)
    change = r.downgrade(date(2025, 3, 1), "受到行政处罚（警告）", "penalty P-1", AT)
    assert (change.from_grade, change.to_grade, r.grade, r.original_grade, r.status) == ("4A", "3A", "3A", "4A", "valid")
    assert "L39 art. 30" in change.legal_basis and change.rating_id == 7
    low = rated(date(2024, 1, 1), "1A")
    gone = low.downgrade(date(2025, 3, 1), "x", "penalty P-2", AT)
    assert gone.to_grade is None and low.status == "cancelled" and not low.valid_on(date(2025, 3, 2))
    assert rules.downgrade_reason_for_conclusion(2025, "unqualified", None) is not None
    assert rules.downgrade_reason_for_conclusion(2025, "basically_qualified", "basically_qualified") is not None
    assert rules.downgrade_reason_for_conclusion(2025, "basically_qualified", "qualified") is None
    assert rules.downgrade_reason_for_conclusion(2025, "qualified", None) is None


def test_fields_award_date_and_score_bands__R9_8_LOCAL() -> None:
    with pytest.raises(InvalidInput) as caught:
        rules.check_fields(org(), award(date(2026, 6, 2)), date(2026, 6, 1), POLICY)
    assert caught.value.errors[0].field == "awarded_on"
    with pytest.raises(InvalidInput):
        rules.check_fields(org(registered_on=date(2020, 1, 1)), award(date(2019, 12, 31)), date(2026, 6, 1), POLICY)
    bands = RatingPolicy(score_bands=(D(51), D(61), D(71), D(81), D(91)))  # Shenzhen, 100 points
    rules.check_fields(org(), award(date(2026, 1, 1), "3A", "71"), date(2026, 6, 1), bands)
    rules.check_fields(org(), award(date(2026, 1, 1), "5A", "100"), date(2026, 6, 1), bands)
    for grade, score in (("4A", "80.99"), ("3A", "50"), ("1A", "61")):
        with pytest.raises(InvalidInput) as caught:
            rules.check_fields(org(), award(date(2026, 1, 1), grade, score), date(2026, 6, 1), bands)
        assert caught.value.errors[0].field == "grade" and "R9.8" in (caught.value.rule or "")
    rules.check_fields(org(), award(date(2026, 1, 1), "5A", "1"), date(2026, 6, 1), POLICY)  # no bands: unchecked
