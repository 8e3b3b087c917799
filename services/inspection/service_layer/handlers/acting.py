"""Who may act on a drawn task (issue 12, R6.1/R6.4): the signed-in inspector's linked pool member, on
the task's team (drawn, or a substitute picked by the draw's next step), without a conflict (回避) on
the day; and the substitution itself."""
from __future__ import annotations

from services.inspection.domain import binding, rules
from services.inspection.domain import draw as draw_rules
from services.inspection.domain.binding_commands import Substitute
from services.inspection.domain.model import Inspector, Task
from services.inspection.service_layer.handlers import changes
from services.inspection.service_layer.ports import UnitOfWork
from shared.errors import Forbidden, NotFound, RuleViolation


def team_of(uow: UnitOfWork, task: Task) -> list[str]:
    drawn, _ = uow.binding.drawn_team(task.draw_id, task.position)
    subs = [(s["replaced"], s["substitute"]) for s in uow.binding.substitutions_of(task.id)]
    return binding.current_team(drawn, subs)


def acting_member(uow: UnitOfWork, task: Task, username: str, policy: rules.Policy) -> Inspector:
    """Inside an open unit of work: the member acting on `task`, or 403 (not linked, not drawn) / 409 (回避)."""
    member = binding.ensure_may_act(uow.inspectors.by_username(username), username, team_of(uow, task), task.id)
    if _conflicted(uow, member.id, task.uscc, policy):
        raise RuleViolation(f"{member.name} has a conflict with {task.uscc} and must withdraw (a substitute is the "
                            "draw's next pick: POST /inspection/tasks/{id}/substitutions)", rule=rules.RULE_CONFLICT)
    return member


def _conflicted(uow: UnitOfWork, inspector_id: str, uscc: str, policy: rules.Policy) -> bool:
    return bool(rules.withdrawn_by_target(uow.inspectors.conflicts_of([inspector_id]), {uscc}, uow.clock.today(),
                                          policy))


def _cannot_act(uow: UnitOfWork, inspector_ids: list[str], uscc: str, policy: rules.Policy) -> set[str]:
    """Of these members: the inactive ones and those with a conflict with `uscc` today."""
    inactive = {i for i in inspector_ids if (m := uow.inspectors.get(i)) is None or not m.active}
    withdrawn = rules.withdrawn_by_target(uow.inspectors.conflicts_of(inspector_ids), {uscc}, uow.clock.today(),
                                          policy)
    return inactive | set(withdrawn.get(uscc, []))


def substitute(cmd: Substitute, uow: UnitOfWork, policy: rules.Policy, *, as_admin: bool = False) -> dict[str, str]:
    """Replace a team member by the draw's next pick (algorithm step 8). The member asks for it; a
    teammate, or an admin, may ask when the member can no longer act (inactive, or a conflict today)."""
    with uow:
        task = uow.tasks.get(cmd.task_id)
        if task is None:
            raise NotFound(f"no inspection task {cmd.task_id}")
        if task.status in ("completed", "superseded"):
            raise RuleViolation(f"task {task.id} is {task.status}: its team stays as it was", rule=binding.RULE_SUBSTITUTE)
        team = team_of(uow, task)
        if cmd.replaced not in team:
            raise RuleViolation(f"{cmd.replaced} is not on the team of task {task.id} ({', '.join(team)})",
                                rule=binding.RULE_SUBSTITUTE)
        _ensure_may_ask(uow, cmd, task, team, policy, as_admin)
        row = _next_pick(uow, task, team, cmd, policy)
        uow.binding.add_substitution(row)
        changes.record(uow, cmd.by, "task.substituted", task.id, replaced=cmd.replaced,
                       substitute=row["substitute"], skipped=row["skipped"], reason=cmd.reason)
        uow.commit()
    return {"replaced": cmd.replaced, "substitute": str(row["substitute"])}


def _ensure_may_ask(uow: UnitOfWork, cmd: Substitute, task: Task, team: list[str], policy: rules.Policy,
                    as_admin: bool) -> None:
    if not as_admin:
        member = binding.ensure_may_act(uow.inspectors.by_username(cmd.by), cmd.by, team, task.id)
        if member.id == cmd.replaced:
            return
    if not _cannot_act(uow, [cmd.replaced], task.uscc, policy):
        raise Forbidden(f"{cmd.replaced} can still act on task {task.id}: only they may ask to be replaced",
                        rule=binding.RULE_SUBSTITUTE)


def _next_pick(uow: UnitOfWork, task: Task, team: list[str], cmd: Substitute,
               policy: rules.Policy) -> dict[str, object]:
    draw = uow.draws.get(task.draw_id)
    if draw is None or not draw.is_drawn or draw.frame_hash is None:
        raise RuleViolation(f"draw {task.draw_id} of task {task.id} is not drawn", rule=binding.RULE_SUBSTITUTE)
    _, withdrawn = uow.binding.drawn_team(task.draw_id, task.position)
    eligible = [i for i in draw.inspector_pool if i not in set(withdrawn)]
    key = draw_rules.draw_key(draw.seed, draw.plan_id, draw.round, draw.frame_hash, draw.public_random or "")
    order = draw_rules.inspector_order(eligible, key, task.uscc)
    earlier = uow.binding.substitutions_of(task.id)
    cursor = max([int(s["sequence_index"]) + 1 for s in earlier], default=draw.inspectors_per_task or len(team))
    try:
        index, skipped = draw_rules.next_substitute(order, cursor, _cannot_act(uow, order[cursor:], task.uscc, policy))
    except draw_rules.NoSubstitute as exc:
        raise RuleViolation(f"task {task.id}: {exc}; only a redraw gives it a new team", rule=binding.RULE_SUBSTITUTE) from exc
    return {"task_id": task.id, "draw_id": task.draw_id, "position": task.position, "replaced": cmd.replaced,
            "substitute": order[index], "skipped": ",".join(skipped), "sequence_index": index, "reason": cmd.reason,
            "by": cmd.by, "at": uow.clock.now()}
