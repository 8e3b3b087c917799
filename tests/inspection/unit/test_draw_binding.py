"""socreg-draw-v2 (issue 12, draws that bind): the commitment binds the external public random value's
source (step 1), a draw that fixed one cannot verify without its value, a substitute is the draw's next
pick (step 8) and a forged one fails verification; v1 draws published before still verify."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from services.inspection.domain import draw
from tests.inspection.unit.test_draw import POOL, SEED, inputs, published

SOURCE = draw.source_text("福利彩票双色球第2026142期开奖号码", date(2026, 12, 8))


def v2(i: draw.DrawInputs, subs: list[list[draw.Substitution]] | None = None) -> draw.Published:
    """What a v2 draw publishes: the commitment over the seed and the source, and its substitutions."""
    p = published(i, draw.perform(i))
    return replace(p, commitment=draw.commitment_of(i.seed, SOURCE), random_source=SOURCE,
                   substitutions=subs or [[] for _ in p.targets])


def _checks(p: draw.Published) -> set[str]:
    return {m.check for m in draw.verify(p)}


def test_the_commitment_binds_the_seed_and_the_external_values_source() -> None:
    assert SOURCE == "2026-12-08 福利彩票双色球第2026142期开奖号码"
    assert draw.commitment_of(SEED, SOURCE) == hashlib.sha256(bytes.fromhex(SEED) + SOURCE.encode()).hexdigest()
    assert draw.commitment_of(SEED, "") == draw.commitment_of(SEED) == hashlib.sha256(bytes.fromhex(SEED)).hexdigest()
    assert draw.source_text(None, None) == "" and draw.source_text("x", None) == ""
    assert "socreg-draw-v2" == draw.ALGORITHM and "external public random value" in draw.STEPS[0]


def test_a_v2_draw_verifies_with_its_value_and_fails_naming_what_was_altered() -> None:
    good = v2(inputs(public_random="03 11 17 22 28 31 + 09"))
    assert draw.verify(good) == []
    assert "seed" in _checks(replace(good, random_source=draw.source_text("另一期开奖号码", date(2026, 12, 8))))
    assert "seed" in _checks(replace(good, random_source=draw.source_text("福利彩票双色球第2026142期开奖号码",
                                                                          date(2026, 12, 10))))
    assert "targets" in _checks(replace(good, public_random="03 11 17 22 28 31 + 10"))
    assert "public_random" in _checks(replace(v2(inputs(public_random="")), public_random=""))


def test_a_v1_draw_published_before_still_verifies() -> None:
    i = inputs(public_random="517")
    old = published(i, draw.perform(i))  # commitment SHA-256(seed) alone, no source, no substitutions
    assert old.random_source == "" and old.substitutions == () and draw.verify(old) == []


def test_the_inspector_sequence_continues_the_team_pick() -> None:
    """Step 8: the whole sequence starts with the team step 7 picked (Fisher-Yates is prefix-stable)."""
    i = inputs(public_random="7")
    result = draw.perform(i)
    key = draw.draw_key(i.seed, i.plan_id, i.round, result.frame_hash, i.public_random)
    for uscc, team in zip(result.targets, result.teams):
        order = draw.inspector_order(POOL, key, uscc)
        assert order[:2] == team and sorted(order) == sorted(POOL)


@given(cannot=st.sets(st.sampled_from(POOL)))
@settings(max_examples=40, deadline=None)
def test_the_substitute_is_the_next_pick_that_can_act(cannot: set[str]) -> None:
    order = draw.inspector_order(POOL, b"k" * 32, "51350200MJ0000018X")
    free = [p for p in order[2:] if p not in cannot]
    if not free:
        return
    index, skipped = draw.next_substitute(order, 2, cannot)
    assert order[index] == free[0] and skipped == order[2:index] and set(skipped) <= cannot


def test_substitutions_verify_and_a_forged_substitute_fails_naming_the_target() -> None:
    i = inputs(public_random="7")
    result = draw.perform(i)
    key = draw.draw_key(i.seed, i.plan_id, i.round, result.frame_hash, i.public_random)
    order = draw.inspector_order(POOL, key, result.targets[0])
    honest = draw.Substitution(order[0], order[3], (order[2],))  # order[2] skipped (a conflict that day)
    subs = [[honest]] + [[] for _ in result.targets[1:]]
    assert draw.verify(v2(i, subs)) == []
    forged = [[draw.Substitution(order[0], order[5], ())]] + subs[1:]  # a hand-picked substitute
    [mismatch] = [m for m in draw.verify(v2(i, forged)) if m.check == "substitutes"]
    assert "position 1" in mismatch.detail and order[2] in mismatch.detail
    off_team = [[draw.Substitution(order[6], order[2], ())]] + subs[1:]  # replaces someone not on the team
    assert "substitutes" in _checks(v2(i, off_team))
    hidden_skip = [[draw.Substitution(order[0], order[3], ())]] + subs[1:]  # order[2] passed over unpublished
    assert "substitutes" in _checks(v2(i, hidden_skip))
