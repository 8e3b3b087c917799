"""Plans (抽查计划): scope, size, inspectors per task, check items, schedule; and the commitments of
their draws, published before anything is drawn."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from services.inspection.domain import binding, commands, coverage, rules
from services.inspection.domain import draw as draw_rules
from services.inspection.domain.model import Draw, Plan, new_id
from services.inspection.service_layer.handlers import changes
from services.inspection.service_layer.ports import UnitOfWork

SCOPE_LISTS = ("types", "categories", "levels", "districts", "credit_lists", "risk_signals", "ratings")


def normalize_scope(scope: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {key: sorted(set(scope.get(key) or [])) for key in SCOPE_LISTS}
    out["charity"] = scope.get("charity")
    return out


def create_plan(cmd: commands.CreatePlan, uow: UnitOfWork, policy: rules.Policy) -> Plan:
    """The plan and the commitments of its rounds, published at once: from then on its scope, size and
    external random values are fixed (there is no path that edits a plan; a redraw is published)."""
    today, scope = uow.clock.today(), normalize_scope(cmd.scope)
    items, dates = list(cmd.check_items), list(cmd.draw_dates)
    rules.check_plan_fields(cmd.kind, cmd.year, items, dates, today, cmd.ratio, cmd.count)
    rules.check_inspectors_per_task(cmd.inspectors_per_task, policy)
    binding.check_unscheduled_reason(cmd.kind, cmd.reason)
    coverage.check_scheduled_scope(cmd.kind, scope)
    binding.check_random_sources(cmd.kind, cmd.random_sources, max(1, len(dates)), dates, today)
    ratio = cmd.ratio
    if ratio is None and cmd.count is None:
        ratio = rules.default_ratio(scope["levels"], scope["charity"], policy)
    with uow:  # no size check: L45 art. 5 is a yearly share per authority (domain.coverage), not per plan
        plan = Plan(new_id("PL"), cmd.year, cmd.kind, cmd.title, scope, ratio, cmd.count, cmd.inspectors_per_task,
                    items, cmd.method, max(1, len(dates)), [d.isoformat() for d in dates], today, cmd.by,
                    (cmd.reason or "").strip() or None)
        uow.plans.add(plan)
        uow.publish("inspection.plan.created", plan.id, _plan_event(plan))
        changes.record(uow, cmd.by, "plan.created", plan.id, **_plan_event(plan))
        for round_ in range(1, plan.rounds + 1):
            source = cmd.random_sources[round_ - 1] if cmd.random_sources else None
            commit_draw(uow, plan, round_, dates[round_ - 1] if dates else None, source)
        uow.commit()
    return plan


def commit_draw(uow: UnitOfWork, plan: Plan, round_: int, draw_on: date | None,
                source: binding.RandomSource | None = None, *, redraw_of: Draw | None = None,
                reason: str | None = None, by: str | None = None) -> Draw:
    """A new seed and its commitment (algorithm step 1, bound to the external value's source), published."""
    seed = draw_rules.new_seed()
    text = draw_rules.source_text(source.source, source.announced_on) if source else ""
    draw = Draw(new_id("DR"), plan.id, round_, draw_rules.commitment_of(seed, text), seed, uow.clock.now(),
                draw_rules.ALGORITHM, draw_on)
    if source is not None:
        draw.random_source, draw.random_announced_on = source.source, source.announced_on
    if redraw_of is not None:
        draw.attempt, draw.redraw_of, draw.redraw_reason, draw.redraw_by = redraw_of.attempt + 1, redraw_of.id, reason, by
    uow.draws.add(draw)
    uow.publish("inspection.draw.committed", plan.id, {
        "plan_id": plan.id, "draw_id": draw.id, "round": round_, "commitment": draw.commitment,
        "algorithm": draw.algorithm, "committed_at": draw.committed_at.isoformat(),
        "draw_on": draw_on.isoformat() if draw_on else None, "attempt": draw.attempt, "redraw_of": draw.redraw_of,
        "redraw_reason": draw.redraw_reason, "random_source": draw.random_source,
        "random_announced_on": source.announced_on.isoformat() if source else None})
    return draw


def _plan_event(plan: Plan) -> dict[str, Any]:
    return {"plan_id": plan.id, "year": plan.year, "kind": plan.kind, "title": plan.title, "scope": plan.scope,
            "ratio": _text(plan.ratio), "count": plan.count, "inspectors_per_task": plan.inspectors_per_task,
            "check_items": plan.check_items, "method": plan.method, "rounds": plan.rounds,
            "draw_dates": plan.draw_dates, "created_on": plan.created_on.isoformat(), "reason": plan.reason}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")
