"""Foundation governance (R2.1.4, 基金会管理条例 arts 20-24) and the audit before a 换届 or a new legal
representative (R5.1: SHT art. 27, MFQ art. 22, JJH art. 37): the pure rules, one test per rule, each
showing the board that passes beside the one that fails."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import pytest

from services.registry.domain import audits
from services.registry.domain.audits import FinancialAudit
from services.registry.domain.governance import Director, Election, Governance, Supervisor, check
from shared.errors import InvalidInput, RuleViolation

CHAIR = "王建国"


def board(n: int = 7, **overrides: Any) -> Governance:
    """A valid board of n: chair (the legal representative), a vice-chair, a secretary-general, directors."""
    roles = ["chair", "vice_chair", "secretary_general"] + ["director"] * (n - 3)
    names = [CHAIR] + [f"理事{i}" for i in range(1, n)]
    values: dict[str, Any] = {
        "board": tuple(Director(name, role) for name, role in zip(names, roles)),
        "supervisors": (Supervisor("林监事"),), "term_years": 5, "meetings_per_year": 2,
        "meeting_quorum": Fraction(2, 3), "election": Election(n, n)}
    values.update(overrides)
    return Governance(**values)


def with_directors(g: Governance, **changes: dict[str, Any]) -> Governance:
    """The board with directors replaced by index: with_directors(g, d3={"paid": True})."""
    directors = list(g.board)
    for key, fields in changes.items():
        i = int(key[1:])
        directors[i] = dataclasses.replace(directors[i], **fields)
    return dataclasses.replace(g, board=tuple(directors))


def failures(g: Governance, kind: str = "public", lr: str = CHAIR, **kw: Any) -> set[tuple[str, str]]:
    try:
        check(g, kind, lr, **kw)
    except InvalidInput as exc:
        return {(e.field, str(e.rule)) for e in exc.errors}
    return set()


def test_a_complete_board_passes() -> None:
    assert failures(board()) == set()
    assert failures(board(), "non_public") == set()


def test_board_of_5_to_25__JJH_art_20() -> None:
    assert failures(board(5)) == failures(board(25)) == set()
    assert failures(board(4)) == {("governance.board", "JJH art. 20")}
    assert failures(board(26)) == {("governance.board", "JJH art. 20")}


def test_term_of_at_most_5_years__JJH_art_20() -> None:
    assert failures(board(term_years=1)) == failures(board(term_years=5)) == set()
    assert failures(board(term_years=6)) == {("governance.term_years", "JJH art. 20")}
    assert failures(board(term_years=0)) == {("governance.term_years", "JJH art. 20")}


def test_near_relatives_may_not_sit_together__JJH_art_20() -> None:
    """Public foundations and non-public ones not set up with private assets: no two near relatives."""
    related = with_directors(board(9), d3={"relatives_group": "A"}, d4={"relatives_group": "A"})
    assert failures(related) == {("governance.board", "JJH art. 20")}
    assert failures(related, "non_public") == {("governance.board", "JJH art. 20")}
    alone = with_directors(board(9), d3={"relatives_group": "A"}, d4={"relatives_group": "B"})
    assert failures(alone) == set()  # a label nobody else shares relates nobody


def test_near_relatives_at_most_a_third_in_a_private_asset_non_public_foundation__JJH_art_20() -> None:
    private = board(9, private_assets=True)
    three = with_directors(private, d3={"relatives_group": "A"}, d4={"relatives_group": "A"},
                           d5={"relatives_group": "A"})
    assert failures(three, "non_public") == set()  # 3 of 9 = 1/3
    four = with_directors(three, d6={"relatives_group": "A"})
    assert failures(four, "non_public") == {("governance.board", "JJH art. 20")}
    assert ("governance.private_assets", "JJH art. 20") in failures(private, "public")


def test_paid_directors_at_most_a_third__JJH_art_20() -> None:
    paid = {"paid": True, "full_time": True}
    two = with_directors(board(6), d2=paid, d3=paid)
    assert failures(two) == set()  # 2 of 6
    assert failures(with_directors(two, d4=paid)) == {("governance.board", "JJH art. 20")}


def test_only_full_time_directors_are_paid__JJH_art_23() -> None:
    assert failures(with_directors(board(), d3={"paid": True})) == {("governance.board.3.paid", "JJH art. 23")}


def test_one_chair_who_is_the_legal_representative_a_vice_chair_and_a_secretary_general__JJH_art_20() -> None:
    assert failures(board(), lr="李四") == {("governance.board", "JJH art. 20")}
    assert failures(with_directors(board(), d1={"role": "director"})) == {("governance.board", "JJH art. 20")}
    assert failures(with_directors(board(), d2={"role": "director"})) == {("governance.board", "JJH art. 20")}
    assert failures(with_directors(board(), d3={"role": "chair"})) == {("governance.board", "JJH art. 20")}
    doubled = with_directors(board(), d4={"name": "理事3"})
    assert failures(doubled) == {("governance.board", "JJH art. 20")}


def test_at_least_two_meetings_a_year__JJH_art_21() -> None:
    assert failures(board(meetings_per_year=1)) == {("governance.meetings_per_year", "JJH art. 21")}


def test_meeting_quorum_of_two_thirds__JJH_art_21() -> None:
    assert failures(board(meeting_quorum=Fraction(3, 4))) == set()
    assert failures(board(meeting_quorum=Fraction(1, 2))) == {("governance.meeting_quorum", "JJH art. 21")}


def test_officers_elected_by_two_thirds_of_a_quorate_meeting__JJH_art_21() -> None:
    assert failures(board(9, election=Election(6, 4))) == set()  # 6 of 9 present, 4 of 6 for
    assert failures(board(9, election=Election(5, 5))) == {("governance.election.directors_present", "JJH art. 21")}
    assert failures(board(9, election=Election(6, 3))) == {("governance.election.votes_for", "JJH art. 21")}
    assert failures(board(9, election=Election(6, 7))) == {("governance.election.votes_for", "JJH art. 21")}
    assert failures(board(election=None), election_required=True) == {("governance.election", "JJH art. 21")}
    assert failures(board(election=None)) == set()


def test_officers_are_no_serving_state_functionaries__JJH_art_23() -> None:
    assert failures(with_directors(board(), d4={"state_functionary": True})) == set()  # a plain director
    assert failures(with_directors(board(), d2={"state_functionary": True})) == {
        ("governance.board.2.state_functionary", "JJH art. 23")}


def test_legal_representative_of_a_public_or_mainland_funded_foundation_is_a_mainland_resident__JJH_art_23() -> None:
    abroad = with_directors(board(), d0={"residency": "foreign", "months_in_mainland": 6})
    assert failures(abroad, "public") == {("governance.board.0.residency", "JJH art. 23")}
    assert failures(abroad, "non_public") == {("governance.board.0.residency", "JJH art. 23")}
    assert failures(dataclasses.replace(abroad, fund_from_mainland=False), "non_public") == set()


def test_non_mainland_officers_stay_three_months_a_year__JJH_art_24() -> None:
    vice = with_directors(board(), d1={"residency": "hk_macao_taiwan", "months_in_mainland": 3})
    assert failures(vice) == set()
    assert failures(with_directors(vice, d1={"months_in_mainland": 2})) == {
        ("governance.board.1.months_in_mainland", "JJH art. 24")}
    assert failures(with_directors(vice, d1={"months_in_mainland": None})) == {
        ("governance.board.1.months_in_mainland", "JJH art. 24")}
    assert failures(with_directors(board(), d5={"residency": "foreign"})) == set()  # a plain director


def test_supervisors_independent_and_unpaid__JJH_art_22_23() -> None:
    assert failures(board(supervisors=())) == {("governance.supervisors", "JJH art. 22")}
    bad = (Supervisor("林监事"), Supervisor("理事4"), Supervisor("陈某", near_relative_of_director=True),
           Supervisor("周某", finance_staff=True), Supervisor("吴某", paid=True))
    assert failures(board(supervisors=bad)) == {
        ("governance.supervisors.1.name", "JJH art. 22"),
        ("governance.supervisors.2.near_relative_of_director", "JJH art. 22"),
        ("governance.supervisors.3.finance_staff", "JJH art. 22"), ("governance.supervisors.4.paid", "JJH art. 23")}


def test_every_failing_rule_is_named_at_once() -> None:
    g = with_directors(board(4, term_years=8, meetings_per_year=1), d1={"state_functionary": True})
    assert failures(g) == {("governance.board", "JJH art. 20"), ("governance.term_years", "JJH art. 20"),
                           ("governance.meetings_per_year", "JJH art. 21"),
                           ("governance.board.1.state_functionary", "JJH art. 23")}


def test_governance_round_trips_through_json() -> None:
    g = with_directors(board(private_assets=True, fund_from_mainland=False), d1={"relatives_group": "A"})
    assert Governance.from_json(g.to_json()) == g
    assert Governance.from_json(board(election=None).to_json()) == board(election=None)


# ---- R5.1 audits ------------------------------------------------------------------------------------

TODAY = date(2026, 6, 1)


def audit(kind: str, issued_on: date, used_on: date | None = None, n: int = 1) -> FinancialAudit:
    return FinancialAudit("X", kind, "某会计师事务所", f"审字第{n}号", issued_on, "registrar1", datetime(2026, 1, 1),
                          used_on=used_on, id=n)


def test_audit_before_general_election_or_new_legal_representative__SHT_art_27() -> None:
    election = audits.need("social_group", general_election=True, lr_changed=False)
    assert election is not None and election.kinds == {"general_election"} and "SHT art. 27" in election.rule
    new_lr = audits.need("social_group", general_election=False, lr_changed=True)
    assert new_lr is not None and new_lr.kinds == {"general_election", "departure"}
    assert audits.need("social_group", general_election=False, lr_changed=False) is None


def test_audit_when_the_legal_representative_changes_only__MFQ_art_22() -> None:
    assert audits.need("social_service", general_election=True, lr_changed=False) is None
    needed = audits.need("social_service", general_election=True, lr_changed=True)
    assert needed is not None and "MFQ art. 22" in needed.rule and needed.used_for == "legal_representative"


def test_audit_before_general_election_and_new_legal_representative__JJH_art_37() -> None:
    needed = audits.need("foundation", general_election=True, lr_changed=True)
    assert needed is not None and needed.kinds == {"general_election"} and "JJH art. 37" in needed.rule
    assert audits.need("foundation", general_election=False, lr_changed=True) is not None


def test_an_audit_counts_once_within_the_window__R5_1() -> None:
    needed = audits.need("foundation", general_election=True, lr_changed=False)
    assert needed is not None
    fresh = audit("general_election", date(2026, 3, 1), n=2)
    assert audits.pick([fresh], needed, TODAY, 180) is fresh
    refused = [
        [audit("general_election", date(2025, 11, 1))],  # older than the window
        [audit("departure", date(2026, 5, 1))],  # the wrong kind for a 换届
        [audit("general_election", date(2026, 5, 1), used_on=date(2026, 5, 2))],  # served an earlier change
        [audit("general_election", date(2026, 6, 2))],  # not yet issued
        [],
    ]
    for recorded in refused:
        with pytest.raises(RuleViolation) as refusal:
            audits.pick(recorded, needed, TODAY, 180)
        assert refusal.value.rule is not None and "JJH art. 37" in refusal.value.rule
    latest = audit("general_election", date(2026, 5, 1), n=3)
    assert audits.pick([fresh, latest], needed, TODAY, 180) is latest
    assert audits.pick([audit("general_election", date(2025, 11, 1))], needed, TODAY, 365).issued_on.year == 2025
