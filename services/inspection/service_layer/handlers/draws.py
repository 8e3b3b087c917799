"""Running a draw: freeze the frame, reveal the seed, pick targets and inspectors (domain.draw), make
one task per target. A drawn round never changes: running again returns it as it is. A draw that fixed
an external public random value runs only with it; a redraw is a new, published attempt with its reason."""
from __future__ import annotations

import logging
from collections.abc import Callable

from services.inspection.domain import binding, commands, rules
from services.inspection.domain import draw as draw_rules
from services.inspection.domain.binding_commands import EnterPublicRandom, Redraw
from services.inspection.domain.model import Draw, Plan, new_id
from services.inspection.service_layer.handlers import changes, plans
from services.inspection.service_layer.ports import UnitOfWork
from shared.errors import NotFound, RuleViolation, SocregError

log = logging.getLogger(__name__)


def run_draw(cmd: commands.RunDraw, uow: UnitOfWork, policy: rules.Policy) -> tuple[Draw, bool]:
    """Draw the plan's next round; (draw, True). With every round drawn: (the last draw, False)."""
    with uow:
        plan = uow.plans.get(cmd.plan_id)
        if plan is None:
            raise NotFound(f"no plan {cmd.plan_id}")
        rounds = uow.draws.of_plan(plan.id)
        pending = [d for d in rounds if not d.is_drawn]
        if not pending:
            return rounds[-1], False
        draw = pending[0]
        public_random = binding.public_random_for_run(draw, cmd.public_random, uow.clock.today())
        if draw.random_source and draw.public_random_entered_at is None:  # entered with the run
            draw.public_random_entered_by, draw.public_random_entered_at = cmd.by, uow.clock.now()
        inputs, result = _draw(uow, plan, draw, public_random, policy)
        draw.reveal(uow.clock.now(), cmd.by, frame_hash=result.frame_hash, frame_size=len(inputs.frame),
                    public_random=public_random, target_count=result.target_count,
                    already_drawn=inputs.already_drawn, per_task=plan.inspectors_per_task, pool=list(inputs.pool))
        _publish(uow, plan, draw, inputs, result)
        changes.record(uow, cmd.by, "draw.run", draw.id, plan_id=plan.id, round=draw.round, attempt=draw.attempt,
                       public_random=public_random, target_count=result.target_count)
        uow.commit()
    return draw, True


def enter_public_random(cmd: EnterPublicRandom, uow: UnitOfWork) -> Draw:
    """The announced external value of a committed draw, entered once (the scheduler then draws on the day)."""
    with uow:
        draw = _load(uow, cmd.draw_id)
        binding.check_public_random_entry(draw, cmd.value, uow.clock.today())
        draw.public_random = cmd.value.strip()
        draw.public_random_entered_by, draw.public_random_entered_at = cmd.by, uow.clock.now()
        changes.record(uow, cmd.by, "draw.public_random_entered", draw.id, source=draw.random_source,
                       value=draw.public_random)
        uow.commit()
    return draw


def redraw(cmd: Redraw, uow: UnitOfWork) -> Draw:
    """A new attempt at a drawn round, with its reason: committed now (a scheduled plan's redraw names
    its own external value), published beside the first draw, which stays as it was; the first draw's
    open tasks stop."""
    today = uow.clock.today()
    with uow:
        first = _load(uow, cmd.draw_id)
        plan = uow.plans.get(first.plan_id)
        if plan is None:
            raise NotFound(f"no plan {first.plan_id}")
        binding.check_redraw(first, cmd.reason, redrawn_by=uow.binding.redrawn_by(first.id),
                             later_round_drawn=uow.binding.later_round_drawn(plan.id, first.round),
                             with_results=uow.binding.results_in_draw(first.id))
        sources = (cmd.random_source,) if cmd.random_source else ()
        binding.check_random_sources(plan.kind, sources, 1, (), today)
        draw_on = cmd.random_source.announced_on if cmd.random_source else today
        again = plans.commit_draw(uow, plan, first.round, draw_on, cmd.random_source, redraw_of=first,
                                  reason=cmd.reason.strip(), by=cmd.by)
        stopped = uow.binding.supersede_open_tasks(first.id)
        changes.record(uow, cmd.by, "draw.redraw", again.id, redraw_of=first.id, reason=cmd.reason.strip(),
                       random_source=again.random_source, tasks_stopped=stopped)
        uow.commit()
    return again


def _load(uow: UnitOfWork, draw_id: str) -> Draw:
    draw = uow.draws.get(draw_id)
    if draw is None:
        raise NotFound(f"no draw {draw_id}")
    return draw


def _draw(uow: UnitOfWork, plan: Plan, draw: Draw, public_random: str,
          policy: rules.Policy) -> tuple[draw_rules.DrawInputs, draw_rules.DrawResult]:
    """Freeze the frame and the pool on the draw day, then run the algorithm (domain.draw)."""
    today = uow.clock.today()
    earlier = set(uow.draws.drawn_in_plan(plan.id, draw.round))
    frame = [u for u in uow.directory.frame(plan.scope, today) if u not in earlier]
    pool = uow.inspectors.active_ids()
    withdrawn = rules.withdrawn_by_target(uow.inspectors.conflicts_of(pool), None, today, policy)
    inputs = draw_rules.DrawInputs(draw.seed, plan.id, draw.round, plan.rounds, plan.ratio, plan.count, frame,
                                   len(earlier), public_random, pool, withdrawn, plan.inspectors_per_task)
    try:
        return inputs, draw_rules.perform(inputs)
    except draw_rules.NotEnoughInspectors as exc:
        raise RuleViolation(f"{exc}: add inspectors to the pool or resolve conflicts, then draw again",
                            rule=f"{rules.RULE_INSPECTORS}; {rules.RULE_CONFLICT}") from exc


def _publish(uow: UnitOfWork, plan: Plan, draw: Draw, inputs: draw_rules.DrawInputs,
             result: draw_rules.DrawResult) -> None:
    """Store the frozen frame and the picks, make one task per target, announce the draw with its seed."""
    targets = result.targets
    uow.draws.save_frame(draw.id, inputs.frame)
    uow.draws.add_targets(draw.id, targets, result.teams, [inputs.withdrawn.get(t, []) for t in targets])
    names = uow.directory.names(targets)
    uow.tasks.add_for_draw(draw.id, plan.id, [(new_id("TK"), uscc, names.get(uscc, "")) for uscc in targets])
    uow.publish("inspection.draw.completed", plan.id, {
        "plan_id": plan.id, "draw_id": draw.id, "round": draw.round, "commitment": draw.commitment,
        "seed": draw.seed, "frame_hash": draw.frame_hash, "frame_size": draw.frame_size,
        "public_random": draw.public_random, "target_count": draw.target_count, "targets": targets,
        "algorithm": draw.algorithm, "drawn_at": draw.drawn_at.isoformat(), "attempt": draw.attempt,
        "redraw_of": draw.redraw_of, "plan_kind": plan.kind, "plan_year": plan.year})


def run_due_draws(uow_factory: Callable[[], UnitOfWork], policy: rules.Policy) -> int:
    """The scheduler's command: draw every round whose draw date has come (and whose earlier rounds
    are drawn). Idempotent: a drawn round is never drawn again."""
    with uow_factory() as uow:
        plan_ids = uow.draws.due_plans(uow.clock.today())
    drawn = 0
    for plan_id in plan_ids:
        try:
            _, new = run_draw(commands.RunDraw(plan_id, "", "scheduler"), uow_factory(), policy)
            drawn += int(new)
        except SocregError as exc:  # one plan that cannot be drawn must not stop the others
            log.warning("scheduled draw of plan %s refused: %s", plan_id, exc.detail)
    return drawn
