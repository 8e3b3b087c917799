"""Draws that bind (issue 12; domain-rules.md §6): who may act on a drawn task, the external public
random value of a draw, redraws and the reason of an unscheduled plan (a scheduled plan's size is not
refused: L45 art. 5 is a yearly share per authority, see domain.coverage). Plain Python; each refusal
names its rule."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.inspection.domain.model import Draw, Inspector
from shared.errors import Forbidden, InvalidInput, RuleViolation

RULE_LINKED = "R6.4 inspector.account (an inspector account acts through the one active pool member linked to it)"
RULE_DRAWN = "R6.1 双随机 (only the inspectors drawn for a task, or their drawn substitutes, act on it)"
RULE_PUBLIC_RANDOM = "R6.1 draw.public_random (a scheduled draw uses the external value its plan fixed before the " \
                     "commitment)"
RULE_REDRAW = "R6.1 draw.redraw (a redraw states its reason and is published beside the first draw)"
RULE_SUBSTITUTE = "R6.1 draw.substitute (a substitute is the draw's next pick, with a published reason)"
RULE_UNSCHEDULED = "R6.2 不定期抽查 (an unscheduled plan states the type, sector or topic it samples)"
RULE_OWN_CONFLICT = "R6.4 回避 (an inspector declares their own conflicts; an admin keeps the pool's records)"


@dataclass(frozen=True)
class RandomSource:
    """The external public random value of one round, fixed before the commitment (e.g. a lottery)."""

    source: str
    announced_on: date


# -------------------------------------------------------------------------------------------- plans

def check_unscheduled_reason(kind: str, reason: str | None) -> None:
    if kind == "unscheduled" and not (reason or "").strip():
        raise RuleViolation("不定期抽查 states why: the type, sector or topic it samples (reason)", rule=RULE_UNSCHEDULED)


def check_random_sources(kind: str, sources: Sequence[RandomSource], rounds: int, draw_dates: Sequence[date],
                         today: date) -> None:
    """A scheduled plan fixes each round's external value before the commitment is published (today):
    announced after today, and not after the round's draw day."""
    if sources and len(sources) != rounds:
        raise InvalidInput(f"one external random value source per round: {rounds} round(s), {len(sources)} given",
                           rule=RULE_PUBLIC_RANDOM)
    if kind == "scheduled" and not sources:
        raise RuleViolation("a scheduled plan names the external public random value of each round (source and "
                            "announcement day, e.g. a lottery draw after today) before its commitment is published",
                            rule=RULE_PUBLIC_RANDOM)
    for n, source in enumerate(sources):
        if source.announced_on <= today:
            raise RuleViolation(f"round {n + 1}: the value must be announced after the commitment is published "
                                f"(today, {today}); {source.announced_on} is not", rule=RULE_PUBLIC_RANDOM)
        if draw_dates and draw_dates[n] < source.announced_on:
            raise RuleViolation(f"round {n + 1} is drawn on {draw_dates[n]}, before its value is announced "
                                f"({source.announced_on})", rule=RULE_PUBLIC_RANDOM)


# -------------------------------------------------------------------------------------------- draws

def check_public_random_entry(draw: Draw, value: str, today: date) -> None:
    if draw.is_drawn:
        raise RuleViolation(f"draw {draw.id} was run at {draw.drawn_at}; it never changes", rule="draw.once")
    if not draw.random_source or draw.random_announced_on is None:
        raise RuleViolation(f"draw {draw.id} names no external random value; give one when running it",
                            rule=RULE_PUBLIC_RANDOM)
    if draw.public_random_entered_at is not None:
        raise RuleViolation(f"the value of {draw.random_source} was entered by {draw.public_random_entered_by} at "
                            f"{draw.public_random_entered_at}; it is fixed (a wrong value calls for a redraw)",
                            rule=RULE_PUBLIC_RANDOM)
    if today < draw.random_announced_on:
        raise RuleViolation(f"{draw.random_source} is announced on {draw.random_announced_on}; enter it after that",
                            rule=RULE_PUBLIC_RANDOM)
    if not value.strip():
        raise InvalidInput("the announced value is empty", rule=RULE_PUBLIC_RANDOM)


def public_random_for_run(draw: Draw, given: str, today: date) -> str:
    """The value the run uses: the external value the draw fixed (entered before, or given now once
    announced); a draw that names none takes the operator's optional text, as v1 did."""
    if not draw.random_source:
        return given
    if draw.public_random_entered_at is not None:
        if given and given != draw.public_random:
            raise RuleViolation(f"the value of {draw.random_source} was entered already ({draw.public_random})",
                                rule=RULE_PUBLIC_RANDOM)
        return str(draw.public_random)
    if not given:
        raise RuleViolation(f"the draw cannot run without its external public random value: {draw.random_source} "
                            f"(announced {draw.random_announced_on}); enter it first", rule=RULE_PUBLIC_RANDOM)
    check_public_random_entry(draw, given, today)
    return given


def check_redraw(draw: Draw, reason: str, *, redrawn_by: str | None, later_round_drawn: bool,
                 with_results: int) -> None:
    if not reason.strip():
        raise InvalidInput("a redraw states its reason", rule=RULE_REDRAW)
    if not draw.is_drawn:
        raise RuleViolation(f"draw {draw.id} is not drawn yet: run it instead", rule=RULE_REDRAW)
    if redrawn_by is not None:
        raise RuleViolation(f"draw {draw.id} was redrawn already ({redrawn_by}); only the latest attempt may be",
                            rule=RULE_REDRAW)
    if later_round_drawn:
        raise RuleViolation(f"a later round of plan {draw.plan_id} is drawn; round {draw.round} stays as it is",
                            rule=RULE_REDRAW)
    if with_results:
        raise RuleViolation(f"{with_results} task(s) of draw {draw.id} have a recorded result; they stand",
                            rule=RULE_REDRAW)


# -------------------------------------------------------------------------------------------- tasks

def current_team(drawn: Sequence[str], substitutions: Sequence[tuple[str, str]]) -> list[str]:
    """The team of a task: the drawn inspectors, each (replaced, substitute) applied in order."""
    team = list(drawn)
    for replaced, substitute in substitutions:
        if replaced in team:
            team[team.index(replaced)] = substitute
    return team


def ensure_linked(member: Inspector | None, username: str) -> Inspector:
    """The active pool member linked to the signed-in inspector's account."""
    if member is None or not member.active:
        raise Forbidden(f"the account {username} is linked to no active member of the inspector pool; an admin "
                        "links it (PATCH /inspection/inspectors/{id} with username)", rule=RULE_LINKED)
    return member


def ensure_may_act(member: Inspector | None, username: str, team: Sequence[str], task_id: str) -> Inspector:
    """The signed-in inspector acts on a task only as the active pool member linked to the account,
    and only if that member is on the task's team (drawn, or a drawn substitute)."""
    member = ensure_linked(member, username)
    if member.id not in team:
        raise Forbidden(f"{member.name} was not drawn for task {task_id}; its team is {', '.join(team) or 'empty'}",
                        rule=RULE_DRAWN)
    return member
