"""Issue 13 items 3 and 4 in the pure engine (domain.credit.derive): an upheld objection (异议, R8.4.4 L60)
voids the entry and, where the cause itself was the error, the cause - a penalty decision stops counting for
the repeat rule (R8.3 #5) and the red list (R8.5.3), a report wrongly flagged late counts as on time; an
entry with nothing to rectify leaves the abnormal list 6 months after 查实, not before (R8.4.2); and the
outcome never depends on the order the facts arrive in, with combined decisions and voided causes."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.inspection.domain import credit_checks as checks
from services.inspection.domain.credit import Derivation, Fact, derive
from services.inspection.domain.credit_policy import CreditPolicy
from shared.errors import RuleViolation

U = "51350200MJ0000001X"
P = CreditPolicy()


def penalty(key: str, on: date, *measures: tuple[str, str | None], verified: date | None = None) -> Fact:
    data: dict[str, Any] = {"kind": measures[0][0], "amount": measures[0][1],
                            "measures": [{"kind": k, "amount": a} for k, a in measures]}
    if verified is not None:
        data["verified_on"] = verified.isoformat()
    return Fact("penalty", f"penalty:{key}", on, data, f"ev-{key}")


def warning(key: str, on: date) -> Fact:
    return penalty(key, on, ("warning", None))


def void(key: str, on: date, entry_id: str | None = None, *causes: Fact, reason: str = "复议决定撤销原处罚") -> Fact:
    data: dict[str, Any] = {"reason": reason, "facts": [{"kind": c.kind, "key": c.key} for c in causes]}
    if entry_id is not None:
        data["entry_id"] = entry_id
    return Fact("void", f"objection:{key}", on, data, None, "registrar1")


def grade(on: date, grade_: str = "4A") -> Fact:
    return Fact("rating", "rating:1:awarded", on, {"event": "awarded", "rating_id": 1, "grade": grade_,
                                                    "expires_on": on.replace(year=on.year + 5).isoformat()}, "r1")


def filed(year: int, late: bool = False) -> Fact:
    first = date(year + 1, 7, 1) if late else date(year + 1, 4, 15)
    return Fact("filing", f"annual_report:{year}", first, {  # accepted; a 年检 year (before 2020) 合格
        "event": "accepted", "year": year, "deadline": date(year + 1, 5, 31).isoformat(), "late": late,
        "first_submitted_on": first.isoformat(), "conclusion": "qualified" if year < 2020 else None}, f"f{year}")


def spans(d: Derivation, list_name: str) -> list[tuple[str, date, date | None]]:
    return [(e.trigger, e.included_on, e.removed_on) for e in d.entries if e.list == list_name]


def test_R8_4_4_an_upheld_objection_to_a_penalty_voids_it_for_the_repeat_rule() -> None:
    """Two warnings within 3 years list the organization as seriously dishonest (R8.3 #5); once the first is
    voided as an error, the second is a first warning again (R8.2 #5), and the serious entry is voided with the
    objection's reason."""
    first, second = warning("P1", date(2024, 1, 10)), warning("P2", date(2025, 3, 1))
    before = derive(U, [first, second], P, date(2025, 4, 1))
    assert [s[0] for s in spans(before, "serious")] == ["repeat_penalties"]
    upheld = void("CA1", date(2025, 4, 2), None, first)
    after = derive(U, [first, second, upheld], P, date(2025, 4, 3))
    assert spans(after, "serious") == [] and spans(after, "abnormal") == [("minor_penalty", date(2025, 3, 1), None)]
    [serious_id] = [e.id for e in before.entries if e.list == "serious"]
    assert after.voids[serious_id][2] == "复议决定撤销原处罚"  # voided as the objection's correction
    assert all(e.trigger_key != "penalty:P1" for e in after.entries)  # the voided decision lists nothing


def test_R8_4_4_a_voided_penalty_no_longer_keeps_the_organization_off_the_red_list() -> None:
    facts = [grade(date(2021, 5, 10)), *[filed(y) for y in range(2017, 2024)], warning("P1", date(2023, 3, 1))]
    assert spans(derive(U, facts, P, date(2024, 7, 1)), "red")[-1][2] == date(2023, 3, 1)  # left on the warning
    corrected = derive(U, [*facts, void("CA1", date(2024, 7, 1), None, facts[-1])], P, date(2024, 7, 2))
    assert spans(corrected, "red") == [("good_credit", date(2021, 5, 10), None)]  # as if never penalized


def test_R8_4_4_an_objection_to_an_entry_voids_its_cause_only_when_the_cause_is_the_error() -> None:
    first, second = warning("P1", date(2024, 1, 10)), warning("P2", date(2025, 3, 1))
    d = derive(U, [first], P, date(2024, 2, 1))
    [entry] = d.entries
    only_entry = derive(U, [first, void("CA1", date(2024, 2, 1), entry.id), second], P, date(2025, 4, 1))
    assert [s[0] for s in spans(only_entry, "serious")] == ["repeat_penalties"]  # the warning still counts
    with_cause = derive(U, [first, void("CA1", date(2024, 2, 1), entry.id, first), second], P, date(2025, 4, 1))
    assert spans(with_cause, "serious") == [] and spans(with_cause, "abnormal")[0][0] == "minor_penalty"
    revoked = derive(U, [Fact("revoked", "revoked", date(2024, 2, 1), {}, "ev-r")], P, date(2024, 3, 1))
    with pytest.raises(RuleViolation, match="revocation") as refused:
        checks.cause_of([], revoked.entries[0])  # the registry's decision is not this service's information
    assert "R8.4.4" in str(refused.value.rule)


def test_R8_4_4_a_report_wrongly_flagged_late_counts_as_filed_on_time() -> None:
    """The overdue flag of 2022 voided: no abnormal entry, and the red list reads 2022 as on time."""
    flag = Fact("trigger", "annual_report:2022", date(2023, 6, 1), {"rule": "annual_report_overdue", "year": 2022,
                                                                   "deadline": "2023-05-31"}, "ev-o")
    facts = [grade(date(2021, 5, 10)), *[filed(y) for y in (2018, 2019, 2020, 2021, 2023)], filed(2022, late=True),
             flag]
    flagged = derive(U, facts, P, date(2024, 7, 1))
    assert spans(flagged, "abnormal")[0][:2] == ("annual_report_overdue", date(2023, 6, 1))
    assert spans(flagged, "red")[0][2] == date(2023, 6, 1)
    corrected = derive(U, [*facts, void("CA1", date(2024, 7, 1), None, flag)], P, date(2024, 7, 2))
    assert spans(corrected, "abnormal") == [] and spans(corrected, "red") == [("good_credit", date(2021, 5, 10), None)]
    with pytest.raises(RuleViolation) as gone:  # once voided, it is no information an objection can name
        checks.information([*facts, void("CA1", date(2024, 7, 1), None, flag)], "annual_report:2022")
    assert "R8.4.4" in str(gone.value.rule)


def test_R8_4_2_nothing_to_rectify_leaves_6_months_after_verification_not_after_the_backdated_day() -> None:
    """A warning dated 2024-01-10 but decided (查实) on 2024-05-20 stays listed until 2024-11-20."""
    late = warning("P1", date(2024, 1, 10))
    late = Fact(late.kind, late.key, late.on, {**late.data, "verified_on": "2024-05-20"}, late.source_event_id)
    d = derive(U, [late], P, date(2024, 12, 1))
    assert spans(d, "abnormal") == [("minor_penalty", date(2024, 1, 10), date(2024, 11, 20))]
    assert d.entries[0].verified_on == date(2024, 5, 20)


def test_R8_4_2_an_entry_with_nothing_to_rectify_cannot_be_removed_before_its_6_months() -> None:
    d = derive(U, [warning("P1", date(2024, 1, 31))], P, date(2024, 3, 1))
    with pytest.raises(RuleViolation, match="2024-07-31") as refused:
        checks.removable(d, "abnormal", d.open_entries("abnormal"), d.today)
    assert "R8.4.2" in str(refused.value.rule) and "查实" in str(refused.value.rule)


# ---- order independence with combined decisions and voided causes ---------------------------------------

_DAYS = st.dates(min_value=date(2019, 1, 1), max_value=date(2025, 12, 31))
_MEASURES = st.sampled_from([(("warning", None),), (("fine", "3000"),), (("warning", None), ("fine", "3000")),
                             (("warning", None), ("confiscation", "800")), (("fine", "60000"),),
                             (("suspension", None), ("fine", "20000"))])


@st.composite
def histories(draw: Any) -> list[Fact]:
    """Penalty decisions (some combining measures), report flags and their filings, uncontactable findings,
    a grade and filing records, and upheld objections voiding some of the penalties and flags (some twice)."""
    facts: list[Fact] = [grade(draw(_DAYS)), *[filed(y, draw(st.booleans())) for y in range(2018, 2025)]]
    causes: list[Fact] = []
    for i in range(draw(st.integers(1, 5))):
        p = penalty(f"P{i}", draw(_DAYS), *draw(_MEASURES))
        facts.append(p)
        causes.append(p)
    for year in draw(st.lists(st.integers(2018, 2024), max_size=3, unique=True)):
        flag = Fact("trigger", f"annual_report:{year}", date(year + 1, 6, 1),
                    {"rule": "annual_report_overdue", "year": year, "deadline": f"{year + 1}-05-31"}, f"o{year}")
        facts.append(flag)
        causes.append(flag)
        if draw(st.booleans()):
            facts.append(Fact("duty_done", flag.key, date(year + 1, 8, 1), {"year": year}, f"d{year}"))
    if draw(st.booleans()):
        facts.append(Fact("trigger", "uncontactable:T1", draw(_DAYS), {"rule": "uncontactable"}, "u1"))
    for n, cause in enumerate(draw(st.lists(st.sampled_from(causes), max_size=3))):
        facts.append(void(f"CA{n}", max(cause.on, draw(_DAYS)), None, cause, reason=f"异议{n}成立"))
    return facts


def outcome(d: Derivation) -> tuple[Any, ...]:
    return ([(e.id, e.list, e.included_on, e.removed_on, e.verified_on) for e in d.entries], d.timeline,
            sorted(d.voids.items()), d.next_due, d.serious_eligible_on)


@settings(max_examples=60, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_the_outcome_is_independent_of_event_order_with_combined_decisions_and_voided_causes(
        facts: list[Fact], rng: Any) -> None:
    today = date(2026, 1, 1)
    reference = derive(U, facts, P, today)
    shuffled = list(facts)
    rng.shuffle(shuffled)
    assert outcome(derive(U, shuffled + shuffled[: len(shuffled) // 3], P, today)) == outcome(reference)
    voided = {c["key"] for f in facts if f.kind == "void" for c in f.data["facts"]}
    assert not any(e.trigger_key in voided for e in reference.entries)  # a voided cause lists nothing
