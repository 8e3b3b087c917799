"""The credit-list engine as a pure function (domain-rules.md §8): each trigger names its article,
time-based steps land on their own dates, and the outcome never depends on the order facts arrive in."""
from __future__ import annotations

import itertools
import random
from datetime import date
from typing import Any

import pytest

from services.inspection.domain import credit_checks as checks
from services.inspection.domain.credit import Derivation, Fact, derive
from services.inspection.domain.credit_policy import RULES, CreditPolicy
from shared.errors import RuleViolation

U = "51350200MJ0000001X"
P = CreditPolicy()


def trigger(rule: str, key: str, on: date, **data: Any) -> Fact:
    return Fact("trigger", key, on, {"rule": rule, **data}, f"ev-{key}")


def penalty(key: str, on: date, kind: str = "warning", amount: str | None = None) -> Fact:
    return Fact("penalty", f"penalty:{key}", on, {"kind": kind, "amount": amount}, f"ev-{key}")


def grade(rid: int, awarded: date, grade_: str = "4A", years: int = 5) -> Fact:
    expires = awarded.replace(year=awarded.year + years)
    return Fact("rating", f"rating:{rid}:awarded", awarded,
                {"event": "awarded", "rating_id": rid, "grade": grade_, "expires_on": expires.isoformat()}, f"r{rid}")


def spans(d: Derivation, list_name: str) -> list[tuple[str, date, date | None]]:
    return [(e.trigger, e.included_on, e.removed_on) for e in d.entries if e.list == list_name]


def test_every_rule_names_its_article_and_legal_basis() -> None:
    assert {r.list for r in RULES} == {"abnormal", "serious", "red"}
    for r in RULES:
        assert r.article.startswith("R8.") and "L60" in r.article or r.list == "red", r
        assert r.legal_basis and r.title_zh
    described = P.describe()
    assert described["version"] and len(described["rules"]) == len(RULES)


def test_R8_2_1_an_overdue_report_lists_from_the_day_after_the_deadline_and_escalates_after_2_years() -> None:
    """R8.2 #1 and R8.3 #1: abnormal since 2024-06-01 -> serious on 2026-06-01 unless removed."""
    facts = [trigger("annual_report_overdue", "annual_report:2023", date(2024, 6, 1))]
    before = derive(U, facts, P, date(2025, 1, 1))
    assert spans(before, "abnormal") == [("annual_report_overdue", date(2024, 6, 1), None)]
    assert [(s.on, s.step) for s in before.timeline] == [(date(2026, 6, 1), "escalate_to_serious")]
    assert before.next_due == date(2026, 6, 1)
    after = derive(U, facts, P, date(2026, 6, 1))
    assert spans(after, "abnormal") == [("annual_report_overdue", date(2024, 6, 1), date(2026, 6, 1))]
    assert spans(after, "serious") == [("abnormal_two_years", date(2026, 6, 1), None)]
    assert after.lists() == ["serious"]


def test_R8_4_1_a_new_trigger_while_listed_restarts_the_clock() -> None:
    facts = [trigger("annual_report_overdue", "annual_report:2023", date(2024, 6, 1)),
             trigger("uncontactable", "uncontactable:T1", date(2025, 3, 1))]
    d = derive(U, facts, P, date(2026, 7, 1))
    assert d.lists() == ["abnormal"]
    assert [(s.on, s.step) for s in d.timeline if s.step == "escalate_to_serious"] == [
        (date(2027, 3, 1), "escalate_to_serious")]


@pytest.mark.parametrize("fact,rule", [
    (trigger("rectification_overdue", "rectification:RC1", date(2024, 5, 2)), "rectification_overdue"),  # R8.2 #3
    (trigger("uncontactable", "uncontactable:T1", date(2024, 5, 2)), "uncontactable"),  # R8.2 #6
    (penalty("P1", date(2024, 5, 2)), "minor_penalty"),  # R8.2 #5: a warning
    (penalty("P1", date(2024, 5, 2), "fine", "49999.99"), "minor_penalty"),  # R8.2 #5: under 50,000
])
def test_R8_2_abnormal_list_triggers(fact: Fact, rule: str) -> None:
    assert spans(derive(U, [fact], P, date(2024, 6, 1)), "abnormal") == [(rule, date(2024, 5, 2), None)]


@pytest.mark.parametrize("fact,rule", [
    (penalty("P1", date(2024, 5, 2), "fine", "50000"), "large_fine"),  # R8.3 #4: 50,000 or more
    (penalty("P1", date(2024, 5, 2), "suspension"), "suspension"),  # R8.3 #3
    (Fact("revoked", "revoked", date(2024, 5, 2), {}, "ev"), "revoked"),  # R8.3 #7
])
def test_R8_3_serious_list_triggers(fact: Fact, rule: str) -> None:
    d = derive(U, [fact], P, date(2024, 6, 1))
    assert spans(d, "serious") == [(rule, date(2024, 5, 2), None)] and spans(d, "abnormal") == []


def test_R8_3_5_a_second_warning_within_3_years_goes_to_the_serious_list() -> None:
    first, second, late = penalty("P1", date(2022, 1, 10)), penalty("P2", date(2024, 12, 1)), penalty("P3", date(2028, 1, 1))
    d = derive(U, [first, second, late], P, date(2028, 2, 1))
    assert [s[0] for s in spans(d, "abnormal")] == ["minor_penalty", "minor_penalty"]  # P1, and P3 (P2 is 4 years back)
    assert spans(d, "serious")[0][:2] == ("repeat_penalties", date(2024, 12, 1))


def test_R8_4_2_nothing_to_rectify_is_removed_after_6_months_draft_only_setting() -> None:
    facts = [penalty("P1", date(2024, 1, 31))]
    assert spans(derive(U, facts, P, date(2024, 8, 1)), "abnormal") == [
        ("minor_penalty", date(2024, 1, 31), date(2024, 7, 31))]
    longer = CreditPolicy(auto_removal_months=12)
    assert spans(derive(U, facts, longer, date(2024, 8, 1)), "abnormal")[0][2] is None


def test_R8_4_2_removal_needs_the_duty_performed() -> None:
    overdue = trigger("annual_report_overdue", "annual_report:2023", date(2024, 6, 1))
    d = derive(U, [overdue], P, date(2024, 7, 1))
    with pytest.raises(RuleViolation, match="补报年度工作报告") as refused:
        checks.removable(d, "abnormal", d.open_entries("abnormal"), d.today)
    assert "R8.4.2" in str(refused.value.rule)
    filed = Fact("duty_done", "annual_report:2023", date(2024, 6, 20), {}, "ev-filed")
    d = derive(U, [overdue, filed], P, date(2024, 7, 1))
    checks.removable(d, "abnormal", d.open_entries("abnormal"), d.today)
    assert ("eligible_for_removal", date(2024, 6, 20)) in [(s.step, s.on) for s in d.timeline]


def test_R8_4_3_serious_removal_only_after_2_years_without_a_new_trigger() -> None:
    facts = [penalty("P1", date(2024, 3, 1), "suspension")]
    d = derive(U, facts, P, date(2026, 2, 28))
    with pytest.raises(RuleViolation) as refused:
        checks.removable(d, "serious", d.open_entries("serious"), d.today)
    assert "R8.4.3" in str(refused.value.rule) and d.serious_eligible_on == date(2026, 3, 1)
    later = derive(U, facts + [trigger("uncontactable", "uncontactable:T9", date(2025, 5, 1))], P, date(2026, 3, 1))
    assert later.serious_eligible_on == date(2027, 5, 1)  # the new trigger restarts the 2 years
    ok = derive(U, facts, P, date(2026, 3, 1))
    checks.removable(ok, "serious", ok.open_entries("serious"), ok.today)


def test_R8_4_3_a_revoked_organization_leaves_the_serious_list_once_deregistered() -> None:
    revoked = Fact("revoked", "revoked", date(2023, 4, 1), {}, "ev-r")
    d = derive(U, [revoked], P, date(2026, 1, 1))
    with pytest.raises(RuleViolation) as refused:
        checks.removable(d, "serious", d.open_entries("serious"), d.today)
    assert "R8.4.3" in str(refused.value.rule)
    gone = derive(U, [revoked, Fact("deregistered", "deregistered", date(2024, 2, 1), {}, "ev-d")], P, date(2026, 1, 1))
    assert spans(gone, "serious") == [("revoked", date(2023, 4, 1), date(2024, 2, 1))]


def test_R8_4_4_an_upheld_objection_voids_the_entry() -> None:
    overdue = trigger("uncontactable", "uncontactable:T1", date(2024, 6, 1))
    d = derive(U, [overdue], P, date(2024, 7, 1))
    void = Fact("void", "objection:CA1", date(2024, 7, 2), {"entry_id": d.entries[0].id, "reason": "地址已变更"})
    assert derive(U, [overdue, void], P, date(2024, 7, 3)).entries == []


def filed(year: int, late: bool = False, conclusion: str | None = "qualified") -> Fact:
    """An accepted report on `year` (deadline 31 May of the next year), filed on time or 31 days late."""
    deadline = date(year + 1, 5, 31)
    first = date(year + 1, 7, 1) if late else date(year + 1, 4, 15)
    return Fact("filing", f"annual_report:{year}", date(first.year, first.month, 20), {
        "event": "accepted", "year": year, "deadline": deadline.isoformat(), "late": late,
        "first_submitted_on": first.isoformat(), "conclusion": conclusion if year < 2020 else None}, f"f{year}")


def good_record(*except_years: int) -> list[Fact]:
    return [filed(y) for y in range(2015, 2023) if y not in except_years]


def test_R8_5_3_red_list_rule_set() -> None:
    """Valid 3A+, no entry and no penalty within 3 years, a good filing record for the last 2 report
    years due (all settings)."""
    facts = [grade(1, date(2019, 5, 10), "4A"), *good_record()]
    d = derive(U, facts, P, date(2023, 1, 1))
    assert spans(d, "red") == [("good_credit", date(2019, 5, 10), None)]
    assert [(s.step, s.on) for s in d.timeline] == [("leave_red_list", date(2024, 5, 10))]  # the grade expires
    assert "2017年度年检合格且按时报送" in next(e.reason for e in d.entries if e.list == "red")
    warned = derive(U, facts + [penalty("P1", date(2020, 3, 1))], P, date(2024, 1, 1))
    assert spans(warned, "red") == [("good_credit", date(2019, 5, 10), date(2020, 3, 1)),
                                    ("good_credit", date(2023, 9, 1), None)]  # 3 years after the 6-month listing ended
    low = derive(U, [grade(2, date(2019, 5, 10), "2A"), *good_record()], P, date(2023, 1, 1))
    assert spans(low, "red") == []
    assert spans(derive(U, [grade(2, date(2019, 5, 10), "2A"), *good_record()], CreditPolicy(red_min_grade="2A"),
                        date(2023, 1, 1)), "red")[0][1] == date(2019, 5, 10)


def test_R8_5_3_the_filing_record_of_the_last_two_report_years_due() -> None:
    """R4.5 on time, R4.3 年检 合格 before 年检改年报 (R4.4, report_first_year); each year counts once its
    deadline has passed, so a late, missing or not-合格 year keeps the organization off for 2 years."""
    rated = grade(1, date(2019, 5, 10), "4A")

    def red(*facts: Fact, policy: CreditPolicy = P) -> list[tuple[str, date, date | None]]:
        return spans(derive(U, [rated, *facts], policy, date(2023, 1, 1)), "red")

    late_2018 = red(*good_record(2018), filed(2018, late=True))
    assert late_2018 == [("good_credit", date(2019, 5, 10), date(2019, 6, 1)), ("good_credit", date(2021, 6, 1), None)]
    basic_2019 = red(*good_record(2019), filed(2019, conclusion="basically_qualified"))
    assert basic_2019 == [("good_credit", date(2019, 5, 10), date(2020, 6, 1)), ("good_credit", date(2022, 6, 1), None)]
    assert red(*good_record(2019)) == basic_2019  # no 2019 record at all
    assert red(*good_record(2020), filed(2020, conclusion=None)) == red(*good_record())  # 年报: no conclusion needed
    assert red() == []  # no filing record: never
    assert red(*good_record(2018), filed(2018, late=True), policy=CreditPolicy(red_report_years=0)) == red(*good_record())
    derivation = derive(U, [rated, *good_record(2018), filed(2018, late=True)], P, date(2020, 1, 1))
    [removed] = [e for e in derivation.entries if e.list == "red"]
    assert removed.removal_reason is not None and "2018年度未按时参加年度检查或年检结论不是合格" in removed.removal_reason


def test_reordered_and_repeated_facts_give_the_same_history() -> None:
    facts = [trigger("annual_report_overdue", "annual_report:2021", date(2022, 6, 1)),
             Fact("duty_done", "annual_report:2021", date(2022, 7, 1), {}, "ev-filed"),
             penalty("P1", date(2022, 9, 1)), penalty("P2", date(2023, 2, 1), "fine", "2000"),
             trigger("uncontactable", "uncontactable:T1", date(2023, 6, 1)), grade(1, date(2021, 1, 5)),
             trigger("annual_report_overdue", "annual_report:2021", date(2022, 6, 1))]  # the late filing's copy
    reference = derive(U, facts, P, date(2026, 1, 1))
    rng = random.Random(5)
    for order in itertools.islice(itertools.permutations(facts), 0, 5040, 97):
        shuffled = list(order)
        rng.shuffle(shuffled)
        again = derive(U, shuffled + shuffled[:2], P, date(2026, 1, 1))
        assert [(e.id, e.included_on, e.removed_on) for e in again.entries] == [
            (e.id, e.included_on, e.removed_on) for e in reference.entries]
        assert again.timeline == reference.timeline
