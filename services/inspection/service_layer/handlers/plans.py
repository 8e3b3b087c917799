"""Plans (抽查计划): scope, size, inspectors per task, check items, schedule; and the commitments of
their draws, published before anything is drawn."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.inspection.domain import commands, rules
from services.inspection.domain import draw as draw_rules
from services.inspection.domain.model import Draw, Plan, new_id
from services.inspection.service_layer.ports import UnitOfWork

SCOPE_LISTS = ("types", "categories", "levels", "districts", "credit_lists", "risk_signals", "ratings")


def normalize_scope(scope: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {key: sorted(set(scope.get(key) or [])) for key in SCOPE_LISTS}
    out["charity"] = scope.get("charity")
    return out


def create_plan(cmd: commands.CreatePlan, uow: UnitOfWork, policy: rules.Policy) -> Plan:
    today, scope = uow.clock.today(), normalize_scope(cmd.scope)
    items, dates = list(cmd.check_items), list(cmd.draw_dates)
    rules.check_plan_fields(cmd.kind, cmd.year, items, dates, today, cmd.ratio, cmd.count)
    rules.check_inspectors_per_task(cmd.inspectors_per_task, policy)
    ratio = cmd.ratio
    if ratio is None and cmd.count is None:
        ratio = rules.default_ratio(scope["levels"], scope["charity"], policy)
    with uow:
        if cmd.kind == "scheduled":
            in_scope = uow.directory.count_in_scope(scope, today)
            rules.check_scheduled_size(scope["levels"], ratio, cmd.count, in_scope, policy)
        plan = Plan(new_id("PL"), cmd.year, cmd.kind, cmd.title, scope, ratio, cmd.count, cmd.inspectors_per_task,
                    items, cmd.method, max(1, len(dates)), [d.isoformat() for d in dates], today, cmd.by)
        uow.plans.add(plan)
        uow.publish("inspection.plan.created", plan.id, _plan_event(plan))
        for round_ in range(1, plan.rounds + 1):
            _commit_draw(uow, plan, round_, dates[round_ - 1] if dates else None)
        uow.commit()
    return plan


def _commit_draw(uow: UnitOfWork, plan: Plan, round_: int, draw_on: Any) -> Draw:
    seed = draw_rules.new_seed()
    draw = Draw(new_id("DR"), plan.id, round_, draw_rules.commitment_of(seed), seed, uow.clock.now(),
                draw_rules.ALGORITHM, draw_on)
    uow.draws.add(draw)
    uow.publish("inspection.draw.committed", plan.id, {
        "plan_id": plan.id, "draw_id": draw.id, "round": round_, "commitment": draw.commitment,
        "algorithm": draw.algorithm, "committed_at": draw.committed_at.isoformat(),
        "draw_on": draw_on.isoformat() if draw_on else None})
    return draw


def _plan_event(plan: Plan) -> dict[str, Any]:
    return {"plan_id": plan.id, "year": plan.year, "kind": plan.kind, "title": plan.title, "scope": plan.scope,
            "ratio": _text(plan.ratio), "count": plan.count, "inspectors_per_task": plan.inspectors_per_task,
            "check_items": plan.check_items, "method": plan.method, "rounds": plan.rounds,
            "draw_dates": plan.draw_dates, "created_on": plan.created_on.isoformat()}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")
