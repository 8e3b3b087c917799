"""The verifiable draw (双随机: random targets, random inspectors). Plain Python, standard library only.

ALGORITHM socreg-draw-v2 — anyone can recompute a draw from its published inputs (draws published
as socreg-draw-v1 verify by the same steps: v1 had no external value source in step 1 and no step 8):

1. Commitment. Before the draw a secret seed of 32 random bytes is chosen, and the plan fixes the
   external public random value the draw will use: its source and the day it is announced, after
   the commitment (e.g. "2026-12-08 福利彩票双色球第2026142期开奖号码"). Only the commitment is
   published: commitment = SHA-256(seed bytes || UTF-8 of the source text), hex, where the source
   text is the announcement day (YYYY-MM-DD), a space and the source, or empty when the draw names
   no external value (then the commitment is v1's SHA-256 of the seed alone). At the draw the seed
   is revealed (64 hex characters); anyone checks the commitment against the seed and the source.
2. Frame. The sampling frame is frozen at the draw: the USCCs of the organizations that are active,
   registered on or before the draw day, inside the plan's scope, and not drawn in an earlier round
   of the same plan — sorted ascending (byte order), no duplicates. It is published in full.
   frame_hash = SHA-256 of the USCCs joined by "\\n" (UTF-8, no trailing newline), hex.
3. Key. key = SHA-256 over the length-prefixed fields (each as a 4-byte big-endian length followed
   by its UTF-8 bytes): "socreg-draw-v1" (the key's label, unchanged in v2), seed (hex text), plan
   id, round (decimal text), frame_hash (hex text), public random value (the announced value as
   entered; empty only for a draw that names no external value).
4. Stream. stream(label) is the concatenation of SHA-256(key || label || counter) for counter =
   0, 1, 2, ... as 8-byte big-endian integers. It is read as 64-bit big-endian unsigned integers.
   uniform(m) reads x until x < 2^64 - (2^64 mod m) (rejection, no modulo bias) and returns x mod m.
5. Sample(list, k, label) is a partial Fisher-Yates shuffle: for i = 0 .. k-1, j = i +
   uniform(len(list) - i) from stream(label), swap list[i] and list[j], output list[i].
6. Targets = Sample(frame, target_count, "targets"), in draw order.
   target_count: total = the plan's count, or ceil(ratio% x (frame size + organizations drawn in
   earlier rounds)); remaining = max(0, total - drawn in earlier rounds); target_count =
   min(frame size, ceil(remaining / (rounds - round + 1))).
7. Inspectors. pool = the ids of the active inspectors at the draw, sorted ascending. For each
   target t: withdrawn(t) = the pool members with a conflict with t on the draw day (回避; published
   as ids, without the reason); eligible = pool without withdrawn(t), in pool order; inspectors(t) =
   Sample(eligible, inspectors per task, "inspectors:" + t).
8. Substitutes. order(t) = Sample(eligible, len(eligible), "inspectors:" + t) continues step 7's
   sequence (its first picks are the team). When a drawn inspector cannot act on t (a conflict
   found later, leaving the pool), the substitute is the first inspector of order(t) after the last
   one used so far who is not skipped (skipped: published ids, inactive or with a conflict with t on
   that day). Each substitution publishes the replaced inspector, the substitute, the skipped ids and
   its reason, in order.
"""
from __future__ import annotations

import hashlib
import math
import secrets
import struct
from itertools import islice
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ALGORITHM = "socreg-draw-v2"
ALGORITHM_V1 = "socreg-draw-v1"  # draws published before the external value source; verified alike
_KEY_LABEL = "socreg-draw-v1"  # step 3: the key derivation did not change in v2


def _steps(doc: str) -> list[str]:
    """The numbered steps of this module's docstring, one string each (for the verification answer)."""
    steps: list[str] = []
    for line in doc.split("\n\n", 1)[1].splitlines():
        text = line.strip()
        if text[:2].rstrip(".").isdigit() and text[1:3].startswith("."):
            steps.append(text)
        elif text and steps:
            steps[-1] += " " + text
    return steps


STEPS = _steps(__doc__ or "")
_TWO64 = 1 << 64
_FOUR_WORDS = struct.Struct(">4Q").unpack


def new_seed() -> str:
    return secrets.token_hex(32)


def commitment_of(seed: str, source_text: str = "") -> str:
    """Step 1: SHA-256 of the seed's bytes followed by the external value's source text (empty: v1's
    commitment); a seed that is not 64 hex characters commits to nothing."""
    try:
        raw = bytes.fromhex(seed)
    except ValueError:
        return ""
    return hashlib.sha256(raw + source_text.encode("utf-8")).hexdigest() if len(raw) == 32 else ""


def source_text(source: str | None, announced_on: date | None) -> str:
    """The committed text of an external public random value: 'YYYY-MM-DD source' (empty: none)."""
    return f"{announced_on.isoformat()} {source}" if source and announced_on else ""


def frame_hash(frame: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(frame).encode("utf-8")).hexdigest()


def draw_key(seed: str, plan_id: str, round_: int, frame_digest: str, public_random: str) -> bytes:
    digest = hashlib.sha256()
    for part in (_KEY_LABEL, seed, plan_id, str(round_), frame_digest, public_random):
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(4, "big") + data)
    return digest.digest()


class _Stream:
    """SHA-256 in counter mode, read as 64-bit integers."""

    def __init__(self, key: bytes, label: str) -> None:
        self._prefix = key + label.encode("utf-8")
        self._counter = 0
        self._words: list[int] = []

    def _next64(self) -> int:
        if not self._words:
            block = hashlib.sha256(self._prefix + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
            self._words = list(reversed(_FOUR_WORDS(block)))
        return self._words.pop()  # words come out in block order: bytes 0-7 first

    def uniform(self, m: int) -> int:
        limit = _TWO64 - _TWO64 % m
        while True:
            x = self._next64()
            if x < limit:
                return x % m


def sample(items: Sequence[str], k: int, key: bytes, label: str) -> list[str]:
    """Partial Fisher-Yates over `items` (untouched: the swaps live in a dict), k picks in order."""
    stream, swapped, out, n = _Stream(key, label), {}, [], len(items)
    for i in range(k):
        j = i + stream.uniform(n - i)
        at_j = swapped.get(j, j)
        swapped[j] = swapped.get(i, i)
        out.append(items[at_j])
    return out


def target_count(*, ratio: Decimal | None, count: int | None, frame_size: int, already_drawn: int,
                 round_: int, rounds: int) -> int:
    population = frame_size + already_drawn
    total = count if count is not None else math.ceil(Decimal(ratio or 0) * population / 100)
    remaining = max(0, total - already_drawn)
    rounds_left = max(1, rounds - round_ + 1)
    return min(frame_size, -(-remaining // rounds_left))


class NotEnoughInspectors(Exception):
    def __init__(self, uscc: str, eligible: int, needed: int) -> None:
        super().__init__(f"only {eligible} inspector(s) without a conflict for {uscc}; {needed} needed")
        self.uscc, self.eligible, self.needed = uscc, eligible, needed


def assign_inspectors(targets: Sequence[str], pool: Sequence[str], withdrawn: Mapping[str, Sequence[str]],
                      per_task: int, key: bytes) -> list[list[str]]:
    teams = []
    for uscc in targets:
        out = set(withdrawn.get(uscc, ()))
        eligible = [p for p in pool if p not in out] if out else pool
        if len(eligible) < per_task:
            raise NotEnoughInspectors(uscc, len(eligible), per_task)
        teams.append(sample(eligible, per_task, key, "inspectors:" + uscc))
    return teams


def inspector_order(eligible: Sequence[str], key: bytes, uscc: str) -> list[str]:
    """Step 8: the whole sequence of step 7 for one target (its first picks are the team)."""
    return sample(eligible, len(eligible), key, "inspectors:" + uscc)


class NoSubstitute(Exception):
    pass


def next_substitute(order: Sequence[str], cursor: int, cannot_act: set[str]) -> tuple[int, list[str]]:
    """Step 8: (index in `order` of the substitute, the ids skipped on the way) from `cursor` on."""
    skipped = []
    for index in range(cursor, len(order)):
        if order[index] not in cannot_act:
            return index, skipped
        skipped.append(order[index])
    raise NoSubstitute(f"no inspector left in the draw's sequence ({len(skipped)} skipped)")


@dataclass(frozen=True)
class Substitution:
    replaced: str
    substitute: str
    skipped: Sequence[str] = ()


def replay_substitutions(order: Sequence[str], per_task: int, subs: Sequence[Substitution]) -> str | None:
    """Step 8 replayed from what was published: None if every substitution is the next pick, else
    what is wrong with the first one that is not."""
    team, cursor = list(order[:per_task]), per_task
    for n, sub in enumerate(subs, start=1):
        if sub.replaced not in team:
            return f"substitution {n}: {sub.replaced} is not on the team"
        try:
            index, skipped = next_substitute(order, cursor, set(sub.skipped))
        except NoSubstitute:
            return f"substitution {n}: the sequence has no inspector left"
        if order[index] != sub.substitute or sorted(skipped) != sorted(sub.skipped):
            return f"substitution {n}: the sequence picks {order[index]}, the draw published {sub.substitute}"
        team[team.index(sub.replaced)], cursor = sub.substitute, index + 1
    return None


@dataclass(frozen=True)
class DrawInputs:
    seed: str
    plan_id: str
    round: int
    rounds: int
    ratio: Decimal | None
    count: int | None
    frame: Sequence[str]
    already_drawn: int
    public_random: str
    pool: Sequence[str]
    withdrawn: Mapping[str, Sequence[str]]
    per_task: int


@dataclass(frozen=True)
class DrawResult:
    frame_hash: str
    target_count: int
    targets: list[str]
    teams: list[list[str]]


def perform(inputs: DrawInputs) -> DrawResult:
    """Steps 2-7 of the algorithm. Raises NotEnoughInspectors when a target cannot be staffed."""
    digest = frame_hash(inputs.frame)
    n = target_count(ratio=inputs.ratio, count=inputs.count, frame_size=len(inputs.frame),
                     already_drawn=inputs.already_drawn, round_=inputs.round, rounds=inputs.rounds)
    key = draw_key(inputs.seed, inputs.plan_id, inputs.round, digest, inputs.public_random)
    targets = sample(inputs.frame, n, key, "targets")
    teams = assign_inspectors(targets, inputs.pool, inputs.withdrawn, inputs.per_task, key)
    return DrawResult(digest, n, targets, teams)


# ---------------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class Published:
    """Everything a drawn draw publishes (GET /inspection/draws/{id} and its frame)."""

    plan_id: str
    round: int
    rounds: int
    ratio: Decimal | None
    count: int | None
    commitment: str
    seed: str
    frame: Sequence[str]
    frame_hash: str
    public_random: str
    earlier_targets: Sequence[str]
    already_drawn: int
    target_count: int
    targets: Sequence[str]
    pool: Sequence[str]
    per_task: int
    withdrawn: Sequence[Sequence[str]]
    teams: Sequence[Sequence[str]]
    random_source: str = ""  # step 1's source text ("" for a v1 draw or a draw naming no external value)
    substitutions: Sequence[Sequence[Substitution]] = ()  # per target, in order (step 8)


@dataclass(frozen=True)
class Mismatch:
    check: str
    detail: str


@dataclass
class _Report:
    mismatches: list[Mismatch] = field(default_factory=list)

    def fail(self, check: str, detail: str) -> None:
        self.mismatches.append(Mismatch(check, detail))


def verify(p: Published) -> list[Mismatch]:
    """Recompute the draw from its published inputs; every check that fails is named."""
    report = _Report()
    if commitment_of(p.seed, p.random_source) != p.commitment:
        report.fail("seed", "SHA-256 of the revealed seed and the external value's source is not the "
                    "published commitment")
    if p.random_source and not p.public_random:
        report.fail("public_random", f"the draw fixed an external value ({p.random_source}) but was run without it")
    _check_frame(p, report)
    expected_n = target_count(ratio=p.ratio, count=p.count, frame_size=len(p.frame), already_drawn=p.already_drawn,
                              round_=p.round, rounds=p.rounds)
    if expected_n != p.target_count or len(p.targets) != p.target_count:
        report.fail("target_count", f"the plan and the frame give {expected_n} targets; published "
                    f"target_count {p.target_count} with {len(p.targets)} targets")
    key = draw_key(p.seed, p.plan_id, p.round, p.frame_hash, p.public_random)
    expected = sample(p.frame, min(expected_n, len(p.frame)), key, "targets")
    _compare_targets(expected, list(p.targets), report)
    _check_teams(p, key, report)
    return report.mismatches


def _check_frame(p: Published, report: _Report) -> None:
    if frame_hash(p.frame) != p.frame_hash:
        report.fail("frame_hash", "SHA-256 of the published frame is not the published frame_hash")
    if any(a >= b for a, b in zip(p.frame, islice(p.frame, 1, None))):
        report.fail("frame", "the frame is not sorted ascending without duplicates")
    if p.already_drawn != len(p.earlier_targets):
        report.fail("already_drawn", f"{len(p.earlier_targets)} organizations were drawn in earlier rounds, "
                    f"the draw says {p.already_drawn}")
    earlier = set(p.earlier_targets)
    again = {u for u in p.frame if u in earlier} if earlier else set()
    if again:
        report.fail("frame", f"the frame holds {len(again)} organization(s) drawn in an earlier round, "
                    f"e.g. {sorted(again)[0]}")


def _compare_targets(expected: list[str], published: list[str], report: _Report) -> None:
    if expected == published:
        return
    for position, (want, got) in enumerate(zip(expected, published)):
        if want != got:
            report.fail("targets", f"position {position + 1}: the published inputs pick {want}, "
                        f"the draw published {got}")
            return
    report.fail("targets", f"the published inputs pick {len(expected)} targets, the draw published {len(published)}")


def _check_teams(p: Published, key: bytes, report: _Report) -> None:
    if len(p.teams) != len(p.targets) or len(p.withdrawn) != len(p.targets):
        report.fail("inspectors", "not one inspector team and one withdrawal list per target")
        return
    if any(a >= b for a, b in zip(p.pool, p.pool[1:])):
        report.fail("inspectors", "the inspector pool is not sorted ascending without duplicates")
    for position, (uscc, out, team) in enumerate(zip(p.targets, p.withdrawn, p.teams)):
        skip = set(out)
        eligible = [i for i in p.pool if i not in skip] if skip else p.pool
        expected = sample(eligible, p.per_task, key, "inspectors:" + uscc) if len(eligible) >= p.per_task else []
        if expected != list(team):
            report.fail("inspectors", f"position {position + 1} ({uscc}): the published inputs pick "
                        f"{', '.join(expected) or 'no team'}, the draw published {', '.join(team)}")
            return
        subs = p.substitutions[position] if position < len(p.substitutions) else ()
        wrong = replay_substitutions(inspector_order(eligible, key, uscc), p.per_task, subs) if subs else None
        if wrong:
            report.fail("substitutes", f"position {position + 1} ({uscc}): {wrong}")
            return
