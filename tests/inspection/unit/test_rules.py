"""Supervision rules, pure (domain.rules), each test naming the article it encodes."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from services.inspection.domain import rules
from services.inspection.domain.model import (SCHEDULED_CHECK_ITEMS, Conflict, DirectoryEntry, Rectification)
from services.inspection.domain.rules import Finding, Policy
from shared.errors import InvalidInput, RuleViolation

POLICY = Policy()
TODAY = date(2026, 3, 2)  # a Monday
NOW = datetime(2026, 3, 2, 4, 0, tzinfo=timezone.utc)
ITEMS = list(SCHEDULED_CHECK_ITEMS)


def org(**changes: object) -> DirectoryEntry:
    entry = DirectoryEntry("51350200MJ0000018X", "厦门市测试协会", "social_group", "industry_association", "city",
                           "350200", "厦门市思明区", date(2020, 1, 15))
    for key, value in changes.items():
        setattr(entry, key, value)
    return entry


def rect(**changes: object) -> Rectification:
    r = Rectification("RC-1", "厦民社整〔2026〕0001号", "TK-1", "51350200MJ0000018X", "厦门市测试协会", "SHT art. 30",
                      ["账目不清"], date(2026, 3, 2), date(2026, 4, 30), "inspector1")
    for key, value in changes.items():
        setattr(r, key, value)
    return r


# ---- R6.2 (L45 art. 5): the minimum is yearly, per authority (domain.coverage); plans default to it ------

def test_l45_art5_default_ratios_and_r66_every_charity() -> None:
    assert rules.default_ratio(["city"], None, POLICY) == Decimal(4)
    assert rules.default_ratio(["district"], None, POLICY) == Decimal(3)
    assert rules.default_ratio([], None, POLICY) == Decimal(4)
    assert rules.default_ratio(["city"], True, POLICY) == Decimal(100)  # R6.6 [LOCAL]


# ---- R6.4 (L45 art. 7; CSF23 art. 105): two inspectors at least, 回避 ---------------------------------

def test_l45_csf23_art105_at_least_two_inspectors_per_task() -> None:
    rules.check_inspectors_per_task(2, POLICY)
    with pytest.raises(RuleViolation) as caught:
        rules.check_inspectors_per_task(1, POLICY)
    assert "CSF23 art. 105" in caught.value.rule


def test_r64_former_work_binds_for_two_years_after_it_ended() -> None:
    c = Conflict("INS-1", "51350200MJ0000018X", "former_employment", NOW, ended_on=date(2024, 6, 30))
    assert rules.conflict_applies(c, date(2026, 6, 30), POLICY)
    assert not rules.conflict_applies(c, date(2026, 7, 1), POLICY)
    assert not rules.conflict_applies(c, date(2026, 7, 1), Policy(conflict_years=2))
    assert rules.conflict_applies(c, date(2027, 6, 30), Policy(conflict_years=3))


def test_r64_relatives_and_declared_conflicts_always_bind() -> None:
    for kind in ("relative", "declared"):
        assert rules.conflict_applies(Conflict("INS-1", "X", kind, NOW), date(2099, 1, 1), POLICY)


def test_r64_withdrawals_are_listed_per_organization() -> None:
    conflicts = [Conflict("INS-2", "A", "relative", NOW), Conflict("INS-1", "A", "declared", NOW),
                 Conflict("INS-3", "B", "former_employment", NOW, ended_on=date(2020, 1, 1))]
    assert rules.withdrawn_by_target(conflicts, None, TODAY, POLICY) == {"A": ["INS-1", "INS-2"]}
    assert rules.withdrawn_by_target(conflicts, {"B"}, TODAY, POLICY) == {}


def test_former_employment_needs_its_end_date() -> None:
    with pytest.raises(InvalidInput):
        rules.check_conflict_fields("former_employment", None, TODAY)
    with pytest.raises(InvalidInput):
        rules.check_conflict_fields("former_employment", date(2026, 3, 3), TODAY)


# ---- R6.3 (L45 art. 6): what is checked -----------------------------------------------------------------

def test_l45_art6_a_scheduled_inspection_checks_all_five_items() -> None:
    rules.check_plan_fields("scheduled", 2026, ITEMS, [], TODAY, Decimal(4), None)
    with pytest.raises(RuleViolation) as caught:
        rules.check_plan_fields("scheduled", 2026, ITEMS[:4], [], TODAY, Decimal(4), None)
    assert "L45 art. 6" in caught.value.rule and "business_activities" in caught.value.detail


def test_l45_art6_an_unscheduled_inspection_picks_items() -> None:
    rules.check_plan_fields("unscheduled", 2026, ["fundraising", "financial_status"], [], TODAY, None, 10)


def test_plan_fields_are_checked_together() -> None:
    with pytest.raises(InvalidInput) as caught:
        rules.check_plan_fields("unscheduled", 2026, ["nonsense", "annual_report", "annual_report"],
                                [date(2027, 1, 1), date(2026, 5, 1)], TODAY, Decimal(4), 10)
    fields = {e.field for e in caught.value.errors}
    assert fields == {"count", "check_items", "draw_dates"}


def test_a_plan_for_a_past_year_is_refused() -> None:
    with pytest.raises(RuleViolation):
        rules.check_plan_fields("unscheduled", 2025, ITEMS, [], TODAY, None, 5)


# ---- findings, R6.3 notice, R8.2.1 uncontactable ------------------------------------------------------

def test_every_announced_item_gets_one_finding_and_the_outcome_follows_them() -> None:
    ok = [Finding(i, True) for i in ITEMS]
    assert rules.check_findings(ok, ITEMS, "compliant") == []
    bad = [Finding(i, i != "financial_status", "账目不清" if i == "financial_status" else None) for i in ITEMS]
    assert [f.item for f in rules.check_findings(bad, ITEMS, "rectification")] == ["financial_status"]
    for findings, outcome in ((ok[:4], "compliant"), (bad, "compliant"), (ok, "rectification"),
                              ([*ok, Finding("fundraising", True)], "compliant"),
                              ([Finding(i, False) for i in ITEMS], "rectification")):
        with pytest.raises(InvalidInput):
            rules.check_findings(findings, ITEMS, outcome)


def test_r821_uncontactable_needs_two_letters_20_to_60_days_apart() -> None:
    rules.check_uncontactable(date(2026, 1, 2), date(2026, 1, 22), TODAY, POLICY)
    rules.check_uncontactable(date(2026, 1, 1), date(2026, 3, 2), TODAY, POLICY)
    with pytest.raises(RuleViolation) as caught:
        rules.check_uncontactable(date(2026, 1, 2), date(2026, 1, 21), TODAY, POLICY)
    assert "R8.2.1" in caught.value.rule
    with pytest.raises(RuleViolation):
        rules.check_uncontactable(date(2025, 12, 1), date(2026, 2, 1), TODAY, POLICY)
    with pytest.raises(InvalidInput):
        rules.check_uncontactable(date(2026, 2, 20), date(2026, 3, 20), TODAY, POLICY)  # a letter in the future


# ---- R6.5: publication within working days ------------------------------------------------------------

def test_r65_publication_deadline_counts_working_days() -> None:
    assert rules.add_working_days(date(2026, 3, 2), 5, frozenset()) == date(2026, 3, 9)  # Monday → next Monday
    assert rules.add_working_days(date(2026, 3, 6), 1, frozenset()) == date(2026, 3, 9)  # Friday → Monday
    assert rules.add_working_days(date(2026, 3, 2), 20, frozenset()) == date(2026, 3, 30)
    holidays = frozenset({date(2026, 4, 6)})  # 清明 (observed)
    assert rules.add_working_days(date(2026, 4, 3), 1, holidays) == date(2026, 4, 7)


# ---- R7: rectification -------------------------------------------------------------------------------

def test_r71_the_deadline_lies_ahead() -> None:
    rules.check_deadline(date(2026, 3, 3), TODAY)
    with pytest.raises(InvalidInput):
        rules.check_deadline(TODAY, TODAY)


def test_r71_overdue_means_past_the_deadline_without_acceptance() -> None:
    assert not rules.is_overdue(rect(), date(2026, 4, 30))  # the deadline day itself is still in time
    assert rules.is_overdue(rect(), date(2026, 5, 1))
    assert rules.is_overdue(rect(status="responded", responded_on=date(2026, 5, 1)), date(2026, 5, 2))  # answered late
    assert rules.is_overdue(rect(status="rejected"), date(2026, 5, 1))
    assert not rules.is_overdue(rect(status="accepted"), date(2026, 5, 1))


def test_r71_an_answer_given_in_time_is_not_overdue_while_the_bureau_reviews_it_late() -> None:
    """R7.1 (L60 trigger 3): the organization that answered by the deadline has not failed to rectify because
    the bureau has not reviewed the answer yet; rejected after the deadline, it counts as unmet from the review."""
    answered = rect(status="responded", responded_on=date(2026, 4, 30))
    assert not rules.is_overdue(answered, date(2026, 5, 1)) and not rules.is_overdue(answered, date(2026, 9, 1))
    rejected = rect(status="rejected", responded_on=date(2026, 4, 30), reviewed_on=date(2026, 6, 15))
    assert rules.is_overdue(rejected, date(2026, 6, 15)) and rules.overdue_from(rejected) == date(2026, 6, 15)
    assert rules.overdue_from(rect()) == date(2026, 5, 1)  # not answered: from the day after the deadline
    late = rect(status="rejected", responded_on=date(2026, 5, 10), reviewed_on=date(2026, 6, 15))
    assert rules.overdue_from(late) == date(2026, 5, 1)  # answered late: its own delay


def test_r73_a_review_follows_a_response_and_an_accepted_notice_is_closed() -> None:
    rules.ensure_can_review(rect(status="responded"))
    for status in ("ordered", "accepted", "rejected"):
        with pytest.raises(RuleViolation):
            rules.ensure_can_review(rect(status=status))
    rules.ensure_can_respond(rect(status="rejected"))
    with pytest.raises(RuleViolation):
        rules.ensure_can_respond(rect(status="accepted"))


def test_r73_notice_numbers_and_legal_basis_by_type() -> None:
    assert rules.notice_number("厦民社整", 2026, 7) == "厦民社整〔2026〕0007号"
    assert rules.default_legal_basis("social_group") == "《社会团体登记管理条例》第三十条"  # SHT art. 30
    assert rules.default_legal_basis("social_service").endswith("第二十五条")  # MFQ art. 25
    assert rules.default_legal_basis("foundation").endswith("第四十二条")  # JJH art. 42


# ---- R2.4: penalties ---------------------------------------------------------------------------------

def test_r242_each_penalty_kind_carries_what_it_needs() -> None:
    rules.check_penalty("warning", None, None, TODAY, org(), TODAY)
    rules.check_penalty("fine", Decimal(5000), None, TODAY, org(), TODAY)
    rules.check_penalty("confiscation", None, None, TODAY, org(), TODAY)
    rules.check_penalty("suspension", None, 90, TODAY, org(), TODAY)
    rules.check_penalty("revocation", None, None, TODAY, org(), TODAY)
    for kind, amount, period in (("fine", None, None), ("fine", Decimal(0), None), ("warning", Decimal(1), None),
                                 ("suspension", None, None), ("revocation", None, 30)):
        with pytest.raises(InvalidInput) as caught:
            rules.check_penalty(kind, amount, period, TODAY, org(), TODAY)
        assert caught.value.errors


def test_r24_a_penalty_is_recorded_when_it_takes_effect_on_an_open_organization() -> None:
    with pytest.raises(InvalidInput):
        rules.check_penalty("warning", None, None, date(2026, 3, 3), org(), TODAY)
    with pytest.raises(InvalidInput):
        rules.check_penalty("warning", None, None, date(2019, 1, 1), org(), TODAY)
    with pytest.raises(RuleViolation) as caught:
        rules.check_penalty("warning", None, None, TODAY, org(status="revoked"), TODAY)
    assert "R2.4" in caught.value.rule
