"""The verifiable draw (domain.draw, algorithm socreg-draw-v2; v1 draws verify alike): it does what its documentation says,
it is reproducible from the published inputs, and verification fails — naming the check — when any
published input is altered (R6.1 双随机: random targets, random inspectors; L45 art. 2)."""
from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.inspection.domain import draw

SEED = "00" * 31 + "2a"
POOL = [f"INS-{n:02d}" for n in range(8)]


def frame_of(n: int, start: int = 0) -> list[str]:
    return [f"5135020{i:011d}" for i in range(start, start + n)]


def inputs(**changes: object) -> draw.DrawInputs:
    base = draw.DrawInputs(seed=SEED, plan_id="PL-test", round=1, rounds=1, ratio=Decimal(4), count=None,
                           frame=frame_of(1000), already_drawn=0, public_random="", pool=POOL, withdrawn={},
                           per_task=2)
    return replace(base, **changes)  # type: ignore[arg-type]


def published(i: draw.DrawInputs, result: draw.DrawResult, earlier: list[str] | None = None) -> draw.Published:
    return draw.Published(
        plan_id=i.plan_id, round=i.round, rounds=i.rounds, ratio=i.ratio, count=i.count,
        commitment=draw.commitment_of(i.seed), seed=i.seed, frame=list(i.frame), frame_hash=result.frame_hash,
        public_random=i.public_random, earlier_targets=earlier or [], already_drawn=i.already_drawn,
        target_count=result.target_count, targets=result.targets, pool=list(i.pool), per_task=i.per_task,
        withdrawn=[list(i.withdrawn.get(t, [])) for t in result.targets], teams=result.teams)


# ---- the documented algorithm, written again from the module docstring alone -------------------

def _doc_key(seed: str, plan_id: str, round_: int, frame_hash: str, public_random: str) -> bytes:
    fields = ["socreg-draw-v1", seed, plan_id, str(round_), frame_hash, public_random]
    return hashlib.sha256(b"".join(len(f.encode()).to_bytes(4, "big") + f.encode() for f in fields)).digest()


def _doc_stream(key: bytes, label: str):  # type: ignore[no-untyped-def]
    counter = 0
    while True:
        block = hashlib.sha256(key + label.encode() + counter.to_bytes(8, "big")).digest()
        counter += 1
        for i in range(0, 32, 8):
            yield int.from_bytes(block[i:i + 8], "big")


def _doc_sample(items: list[str], k: int, key: bytes, label: str) -> list[str]:
    work, stream = list(items), _doc_stream(key, label)
    for i in range(k):
        m = len(work) - i
        while (x := next(stream)) >= 2**64 - 2**64 % m:
            pass
        j = i + x % m
        work[i], work[j] = work[j], work[i]
    return work[:k]


def test_the_implementation_is_the_algorithm_its_documentation_describes() -> None:
    """Step by step from the docstring (commitment, frame hash, key, stream, Fisher-Yates, teams)."""
    i = inputs(public_random="上证指数 3021.45", withdrawn={frame_of(1000)[10]: ["INS-03"]})
    result = draw.perform(i)
    frame_hash = hashlib.sha256("\n".join(i.frame).encode()).hexdigest()
    key = _doc_key(SEED, "PL-test", 1, frame_hash, i.public_random)
    assert draw.commitment_of(SEED) == hashlib.sha256(bytes.fromhex(SEED)).hexdigest()
    assert result.frame_hash == frame_hash
    assert result.target_count == 40  # ceil(4% of 1000)
    assert result.targets == _doc_sample(list(i.frame), 40, key, "targets")
    for uscc, team in zip(result.targets, result.teams):
        eligible = [p for p in POOL if p not in i.withdrawn.get(uscc, [])]
        assert team == _doc_sample(eligible, 2, key, "inspectors:" + uscc)


def test_the_algorithm_steps_are_published_with_the_draw() -> None:
    assert draw.ALGORITHM == "socreg-draw-v2"
    assert [s.split(".")[0] for s in draw.STEPS] == [str(n) for n in range(1, 9)]
    assert "Fisher-Yates" in " ".join(draw.STEPS) and "SHA-256" in draw.STEPS[0]


def test_a_draw_is_reproducible_and_every_input_moves_it() -> None:
    first = draw.perform(inputs())
    assert draw.perform(inputs()) == first
    for change in ({"seed": "11" * 32}, {"plan_id": "PL-other"}, {"round": 2, "rounds": 2},
                   {"public_random": "x"}, {"frame": frame_of(1000, start=1)}):
        assert draw.perform(inputs(**change)).targets != first.targets, change


def test_targets_are_distinct_members_of_the_frame_and_teams_distinct_pool_members() -> None:
    i = inputs(count=1000, ratio=None)
    result = draw.perform(i)
    assert sorted(result.targets) == sorted(i.frame)  # count = frame size: a permutation
    assert all(len(set(team)) == 2 and set(team) <= set(POOL) for team in result.teams)


def test_inspectors_with_a_conflict_are_never_assigned_to_that_organization() -> None:
    """R6.4 回避 (L45 art. 7): an inspector with a conflict withdraws."""
    frame = frame_of(30)
    withdrawn = {u: POOL[:6] for u in frame}  # only INS-06 and INS-07 remain for every organization
    result = draw.perform(inputs(frame=frame, count=30, ratio=None, withdrawn=withdrawn))
    assert all(sorted(team) == ["INS-06", "INS-07"] for team in result.teams)


def test_a_target_that_cannot_get_two_inspectors_stops_the_draw() -> None:
    """L45; CSF23 art. 105: at least two inspectors; no one with a conflict."""
    frame = frame_of(5)
    with pytest.raises(draw.NotEnoughInspectors) as caught:
        draw.perform(inputs(frame=frame, count=5, ratio=None, withdrawn={frame[2]: POOL[1:]}))
    assert caught.value.uscc == frame[2] and caught.value.eligible == 1


@pytest.mark.parametrize(("ratio", "count", "frame", "drawn", "round_", "rounds", "expected"), [
    (Decimal(4), None, 1109, 0, 1, 1, 45),  # L45 art. 5: at least 4% of the city's 1,109 → 45 (rounded up)
    (Decimal(3), None, 6282, 0, 1, 1, 189),  # district 3% → 188.46 → 189
    (Decimal(100), None, 61, 0, 1, 1, 61),  # R6.6: every charity
    (None, 10, 5, 0, 1, 1, 5),  # never more than the frame holds
    (Decimal(4), None, 1000, 0, 1, 2, 20),  # two rounds share the year's 40
    (Decimal(4), None, 980, 20, 2, 2, 20),  # round 2: the population counts those drawn in round 1
    (None, 30, 100, 30, 2, 2, 0),  # the count is reached
])
def test_target_count(ratio: Decimal | None, count: int | None, frame: int, drawn: int, round_: int, rounds: int,
                      expected: int) -> None:
    assert draw.target_count(ratio=ratio, count=count, frame_size=frame, already_drawn=drawn, round_=round_,
                             rounds=rounds) == expected


def test_each_organization_is_equally_likely() -> None:
    """Uniform sampling: over 3,000 one-of-six draws with fresh seeds, every position is picked
    close to 500 times (chi-square with 5 degrees of freedom below 20.5, p ≈ 0.001)."""
    rng = random.Random(7)
    frame = frame_of(6)
    picks = Counter(draw.perform(inputs(seed=rng.randbytes(32).hex(), frame=frame, count=1, ratio=None)).targets[0]
                    for _ in range(3000))
    chi2 = sum((picks[u] - 500) ** 2 / 500 for u in frame)
    assert chi2 < 20.5, picks


def test_a_genuine_draw_verifies() -> None:
    i = inputs(public_random="2026-03-02 福彩3D 517", withdrawn={frame_of(1000)[5]: ["INS-00"]})
    assert draw.verify(published(i, draw.perform(i))) == []


@given(seed=st.binary(min_size=32, max_size=32), size=st.integers(0, 300), ratio=st.integers(1, 100),
       public=st.text(max_size=30), pool=st.integers(2, 10))
@settings(max_examples=60, deadline=None)
def test_every_draw_verifies(seed: bytes, size: int, ratio: int, public: str, pool: int) -> None:
    i = inputs(seed=seed.hex(), frame=frame_of(size), ratio=Decimal(ratio), public_random=public,
               pool=[f"INS-{n:02d}" for n in range(pool)])
    assert draw.verify(published(i, draw.perform(i))) == []


def _checks(p: draw.Published) -> set[str]:
    return {m.check for m in draw.verify(p)}


def test_verification_fails_when_any_published_input_is_altered() -> None:
    i = inputs(public_random="517")
    good = published(i, draw.perform(i))
    other_target = next(u for u in good.frame if u not in good.targets)
    assert "seed" in _checks(replace(good, seed="11" * 32))
    assert "frame_hash" in _checks(replace(good, frame_hash="0" * 64))
    assert "targets" in _checks(replace(good, public_random="518"))
    assert "targets" in _checks(replace(good, plan_id="PL-other"))
    assert "targets" in _checks(replace(good, targets=[other_target, *good.targets[1:]]))
    assert "targets" in _checks(replace(good, targets=list(reversed(good.targets))))
    assert "frame_hash" in _checks(replace(good, frame=good.frame[1:]))  # an organization left out of the frame
    assert "target_count" in _checks(replace(good, target_count=good.target_count - 1,
                                             targets=good.targets[:-1]))
    assert "inspectors" in _checks(replace(good, teams=[list(reversed(good.teams[0])), *good.teams[1:]]))
    assert "inspectors" in _checks(replace(good, withdrawn=[[good.teams[0][0]], *good.withdrawn[1:]]))


def test_the_mismatch_names_the_position_and_both_organizations() -> None:
    i = inputs()
    good = published(i, draw.perform(i))
    other = next(u for u in good.frame if u not in good.targets)
    found = {m.check: m.detail for m in draw.verify(replace(good, targets=[*good.targets[:3], other,
                                                                           *good.targets[4:]]))}
    assert set(found) == {"targets", "inspectors"}  # the team was drawn for the organization really picked
    mismatch = draw.Mismatch("targets", found["targets"])
    assert "position 4" in mismatch.detail
    assert good.targets[3] in mismatch.detail and other in mismatch.detail


def test_organizations_drawn_in_an_earlier_round_of_the_plan_are_never_in_the_frame() -> None:
    i = inputs()
    result = draw.perform(i)
    tampered = published(i, result, earlier=[i.frame[0]])
    tampered = replace(tampered, already_drawn=1)
    assert "frame" in _checks(tampered)


def test_a_malformed_seed_commits_to_nothing() -> None:
    assert draw.commitment_of("zz" * 32) == "" and draw.commitment_of("00" * 16) == ""
    assert len(draw.new_seed()) == 64 and draw.new_seed() != draw.new_seed()


def test_a_draw_is_run_once_ever() -> None:
    """Re-running a draw never changes it: the model refuses a second reveal."""
    from datetime import datetime, timezone

    from services.inspection.domain.model import Draw
    from shared.errors import RuleViolation

    d = Draw("DR-1", "PL-1", 1, draw.commitment_of(SEED), SEED, datetime(2026, 3, 1, tzinfo=timezone.utc),
             draw.ALGORITHM)
    facts = {"frame_hash": "f", "frame_size": 1, "public_random": "", "target_count": 1, "already_drawn": 0,
             "per_task": 2, "pool": POOL}
    d.reveal(datetime(2026, 3, 2, tzinfo=timezone.utc), "inspector1", **facts)  # type: ignore[arg-type]
    with pytest.raises(RuleViolation) as caught:
        d.reveal(datetime(2026, 3, 3, tzinfo=timezone.utc), "inspector2", **facts)  # type: ignore[arg-type]
    assert caught.value.rule == "draw.once" and d.drawn_by == "inspector1"
