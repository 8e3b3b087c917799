"""A synthetic 2020-2025 inspection history on the demo register, made through the service's own
handlers (every rule applies, every step emits its event, each on the day it happens).

Input — `organizations`: the demo register, one mapping per organization with at least
  uscc, name, type, category, level, district, registered_on (date or YYYY-MM-DD)
and optionally status ("active" by default), charity (bool), fundraising_qualified_on, domicile.
The registry's records (services.registry.adapters.views.list_organizations(...)["items"]) and the
data of registry.organization.registered events both have this shape. The directory is filled from
them through the same handler the registry.* consumer uses, so events that arrive later (or arrived
already) change nothing.

Each year: a scheduled city-level plan (the 4% minimum of L45 art. 5), a scheduled district-level
plan (3%), and an unscheduled plan over every charity (R6.6, 100%); each drawn in spring with a
public random value; each task noticed, inspected and recorded; about one in six ends in a
rectification notice (most answered and accepted; a few late or never, which the sweep reports overdue;
some answered in time but rejected at first, overdue from that review when it came after the deadline) and
about one in seventy (at least one a year) in a penalty (mostly warnings, some fines, rarely a
suspension). Results are published by the publication sweep within the working-day limit. Nothing
happens after the container clock's today. Everything is labelled 演示 (demo).

Call it once, after the registry demo, on an empty inspection database; it takes about 20 s for the
7,391-organization demo register on SQLite.
"""
from __future__ import annotations

import dataclasses
import heapq
import itertools
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

from sqlalchemy import select

from services.inspection.adapters import views
from services.inspection.adapters.orm import credit_facts
from services.inspection.bootstrap import InspectionContainer
from services.inspection.domain import commands
from services.inspection.domain.binding import RandomSource
from services.inspection.domain.credit import Derivation, Entry, Fact, derive
from services.inspection.domain.credit_commands import ApplyForRemoval, Decide
from services.inspection.domain.credit_policy import ABNORMAL, DUTY_NONE, DUTY_RECTIFY, DUTY_REPORT, SERIOUS, CreditPolicy
from services.inspection.domain.model import SCHEDULED_CHECK_ITEMS
from services.inspection.domain.rules import Finding, add_working_days, default_legal_basis
from services.inspection.domain.sanctions import PENALTY
from services.inspection.service_layer.handlers import (credit, credit_actions, directory, draws, inspectors, plans,
                                                       rectifications, sanctions, tasks)
from shared.clock import FixedClock

YEARS = range(2020, 2026)
DEPARTMENTS = ("厦门市民政局社会组织管理处", "厦门市社会组织综合党委", "思明区民政局", "湖里区民政局", "集美区民政局",
               "海沧区民政局", "同安区民政局", "翔安区民政局")
ITEMS = list(SCHEDULED_CHECK_ITEMS)
PROBLEMS = {"annual_report": "年度工作报告未按时报送（演示）", "information_disclosure": "未按规定公开年度工作报告（演示）",
            "internal_governance": "未按章程按期召开理事会（演示）", "financial_status": "财务账目不清、票据不全（演示）",
            "business_activities": "开展活动超出章程规定的业务范围（演示）"}
PENALTY_SHARE = 0.015  # of a year's tasks, at least one
# inspections that find the organization cannot be reached at its domicile (R8.2 #6, two unsigned letters),
# and the 2020 penalties that are a suspension (R8.3 #3): with the overdue rectifications they give the
# plan's 2020 baseline on the credit lists (27 abnormal, 1 serious) when the credit engine runs over them
UNCONTACTABLE = {2020: 17, 2021: 12, 2022: 10, 2023: 8, 2024: 8, 2025: 6}
SUSPENSIONS = {2020: 1}
RECTIFICATION_SHARE = 0.17
# of the notices: never answered, answered after the deadline, and answered in time but rejected at the first
# review (answered again and accepted later). An answer in time is never overdue however late the bureau
# reviews it; one rejected after the deadline counts as unmet from that review (R7.1). With the uncontactable
# findings they give the plan's 2020 abnormal figure
NEVER_ANSWERED, ANSWERED_LATE, REJECTED_FIRST = 0.05, 0.10, 0.09
DEMO_APPROVER = "demo-approver"  # every demo sanction is proposed by one person and approved by this one
Action = tuple[date, int, Callable[[FixedClock], object]]
DEMO_INSPECTOR = "inspector"  # the demo's inspector account (services/registry/entrypoints/demo.py) is a pool member


class _DemoSecrets:
    """Reproducible ids and draw seeds (演示): the same history - the same organizations drawn, listed and
    penalized - on every load. Production draws keep their secret random seed (domain.draw)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"{seed}-ids")

    def token_hex(self, nbytes: int) -> str:
        return self._rng.randbytes(nbytes).hex()


def load_demo(container: InspectionContainer, organizations: Iterable[Mapping[str, Any]], *, seed: int = 2020,
              years: Iterable[int] = YEARS) -> dict[str, int]:
    """Load the history; returns counts. Meant for an empty inspection database (the demo)."""
    from services.inspection.domain import draw as draw_rules
    from services.inspection.domain import model

    ids = _DemoSecrets(seed)
    with mock.patch.object(model, "secrets", ids), mock.patch.object(draw_rules, "secrets", ids):
        return _load(container, organizations, seed, years)


def _load(container: InspectionContainer, organizations: Iterable[Mapping[str, Any]], seed: int,
          years: Iterable[int]) -> dict[str, int]:
    rng, rows = random.Random(seed), list(organizations)
    counts = {"organizations": _fill_directory(container, rows), "inspectors": 0, "plans": 0, "draws": 0,
              "tasks": 0, "rectifications": 0, "overdue": 0, "penalties": 0}
    accounts = _add_inspectors(container, [str(o["uscc"]) for o in rows[:2]])
    counts["inspectors"] = len(accounts)
    for year in years:
        _replay(container, _year(container, year, rng, counts, accounts))
    return counts


def _at(day: date) -> FixedClock:
    return FixedClock(day)


def _fill_directory(container: InspectionContainer, rows: list[Mapping[str, Any]]) -> int:
    for start in range(0, len(rows), 500):
        with container.uow() as uow:
            for o in rows[start:start + 500]:
                directory.record_organization(_record(o), uow)
            uow.commit()
    return len(rows)


def _record(o: Mapping[str, Any]) -> commands.RecordOrganization:
    registered = o["registered_on"]
    return commands.RecordOrganization(
        uscc=o["uscc"], name=o["name"], type=o["type"], category=o["category"], level=o["level"],
        district=o["district"], domicile=o.get("domicile") or "", status=o.get("status") or "active",
        registered_on=registered if isinstance(registered, date) else date.fromisoformat(str(registered)),
        charity=bool(o.get("charity")), fundraising_qualified=o.get("fundraising_qualified_on") is not None)


def _add_inspectors(container: InspectionContainer, conflicted: list[str]) -> dict[str, str]:
    """30 inspectors, each linked to an inspector account name (the third to the demo account `inspector`;
    the others' names have no account: nobody signs in as them, the history acts as them); the first two
    must withdraw from one organization each (回避). Returns the account name of each pool id."""
    accounts: dict[str, str] = {}
    surnames = "陈林黄张李王吴刘蔡杨许郑谢洪郭邱曾廖赖周"
    conflicts = [(commands.DeclareConflict(uscc, "relative", None, "配偶在该组织任职（演示）"),) if n == 0 else
                 (commands.DeclareConflict(uscc, "former_employment", date(2019, 6, 30), "曾任该组织秘书长（演示）"),)
                 for n, uscc in enumerate(conflicted)]
    for n in range(30):
        name = f"{surnames[n % len(surnames)]}检查员{n + 1:02d}（演示）"
        username = DEMO_INSPECTOR if n == 2 else f"demo-inspector-{n + 1:02d}"
        cmd = commands.AddInspector(name, DEPARTMENTS[n % len(DEPARTMENTS)], ("行政执法证",), username,
                                    f"DEMO-{n + 1:04d}", conflicts[n] if n < len(conflicts) else (), by="demo-admin")
        accounts[inspectors.add_inspector(cmd, container.uow(_at(date(2020, 1, 6)))).id] = username
    return accounts


def _year(container: InspectionContainer, year: int, rng: random.Random, counts: dict[str, int],
          accounts: dict[str, str]) -> list[Action]:
    created = _at(date(year, 3, 2))
    specs = [("scheduled", f"{year}年度市级社会组织“双随机、一公开”定期抽查（演示）", {"levels": ["city"]}),
             ("scheduled", f"{year}年度区级社会组织“双随机、一公开”定期抽查（演示）", {"levels": ["district"]}),
             ("unscheduled", f"{year}年度慈善组织专项抽查（演示）", {"charity": True})]
    actions: list[Action] = []
    drawn: list[tuple[str, date]] = []
    actors: dict[str, str] = {}  # task id -> the account of its first drawn inspector, who works it
    for n, (kind, title, scope) in enumerate(specs):
        draw_on = date(year, 4, 8 + n)
        # a scheduled plan fixes its external random value (announced on the draw day) before its commitment;
        # the unscheduled one states its topic (R6.1, R6.2)
        source = (RandomSource("演示公开随机数（抽查日公布，演示）", draw_on),) if kind == "scheduled" else ()
        cmd = commands.CreatePlan(year, kind, title, scope, 2, tuple(ITEMS), "both", draw_dates=(draw_on,), by="demo",
                                  reason=None if source else "慈善组织专项抽查：全部慈善组织（R6.6，演示）",
                                  random_sources=source)
        plan = plans.create_plan(cmd, container.uow(created), container.policy)
        draw, _ = draws.run_draw(commands.RunDraw(plan.id, f"演示公开随机数 {year}-{n + 1}", "demo"),
                                 container.uow(_at(draw_on)), container.policy)
        counts["plans"] += 1
        counts["draws"] += 1
        with container.db.read_session() as session:
            task_ids = [t["id"] for t in views.task_page(session, {"draw_id": draw.id}, 1, 1_000_000)["items"]]
            actors.update({t: accounts[views.task(session, t)["inspectors"][0]["id"]] for t in task_ids})
        counts["tasks"] += len(task_ids)
        drawn += [(task_id, draw_on) for task_id in task_ids]
    penalized = {t for t, _ in rng.sample(drawn, max(1, round(len(drawn) * PENALTY_SHARE)))} if drawn else set()
    own = random.Random(f"credit-{year}")  # a sequence of its own: the rest of the history is unchanged
    plain = [t for t, _ in drawn if t not in penalized]
    lost = set(own.sample(plain, min(len(plain), UNCONTACTABLE.get(year, 0))))
    position = {t: n for n, (t, _) in enumerate(drawn)}  # task ids are random: draw order is the stable one
    suspended = set(own.sample(sorted(penalized, key=position.__getitem__), min(len(penalized), SUSPENSIONS.get(year, 0))))
    for task_id, draw_on in drawn:
        actions += _task_actions(container, task_id, actors[task_id], draw_on, task_id in penalized, rng, counts,
                                 lost=task_id in lost, suspend=task_id in suspended)
    weekly = [date(year, 5, 4) + timedelta(weeks=w) for w in range(40)]  # Mondays, May to next February
    actions += [(d, 9, lambda clock: _sweep(container, clock, counts)) for d in weekly]
    return actions


def _task_actions(container: InspectionContainer, task_id: str, actor: str, drawn: date, penalized: bool,
                  rng: random.Random,
                  counts: dict[str, int], *, lost: bool = False, suspend: bool = False) -> list[Action]:
    noticed = drawn + timedelta(days=rng.randint(3, 20))
    inspected = noticed + timedelta(days=rng.randint(10, 90))
    outcome = "penalty" if penalized else "rectification" if rng.random() < RECTIFICATION_SHARE else "compliant"
    failed = rng.sample(ITEMS, rng.randint(1, 2)) if outcome != "compliant" else []
    findings = tuple(Finding(i, i not in failed, PROBLEMS[i] if i in failed else None) for i in ITEMS)
    notice = commands.SendNotice(task_id, "both", "章程、年度工作报告、财务会计报告、会议纪要（演示）", actor)
    actions: list[Action] = [(noticed, 1, lambda clock: tasks.send_notice(notice, container.uow(clock),
                                                                          container.policy))]
    deadline = inspected + timedelta(days=30)
    result = _result(task_id, outcome, findings, deadline, inspected, rng, suspend, actor)
    if lost:  # two special letters, 35 days apart, both unsigned (R8.2.1)
        letters = commands.Uncontactable(inspected - timedelta(days=50), inspected - timedelta(days=15))
        result = commands.RecordResult(result.task_id, result.outcome, result.findings, result.by,
                                       result.rectification, result.penalty, letters)
    actions.append((inspected, 2, lambda clock: _record_result(container, clock, result, deadline, rng, counts)))
    return actions


def _result(task_id: str, outcome: str, findings: tuple[Finding, ...], deadline: date, inspected: date,
            rng: random.Random, suspend: bool = False, actor: str = "demo") -> commands.RecordResult:
    rect = commands.RectificationOrder(deadline) if outcome != "compliant" else None
    penalty = None
    if outcome == "penalty":
        kind = rng.choices(["warning", "fine", "suspension"], weights=[80, 17, 3])[0]
        amount = Decimal(rng.choice([2000, 5000, 10000, 30000])) if kind == "fine" else None
        period = rng.choice([30, 60, 90]) if kind == "suspension" else None
        if suspend:  # drawn after the random sequence above, which stays as it was
            kind, amount, period = "suspension", None, 60
        # a fine states its basis (SHT art. 30, MFQ art. 25): here four times the illegal gains (3-5×)
        penalty = commands.ImposePenalty("", kind, "", inspected, "抽查发现的违法行为（演示）", "demo", None, amount,
                                         period, task_id, fine_basis="gains" if amount else None,
                                         basis_amount=amount / 4 if amount else None)
    return commands.RecordResult(task_id, outcome, findings, actor, rect, penalty)  # by the drawn inspector


def _record_result(container: InspectionContainer, clock: FixedClock, result: commands.RecordResult, deadline: date,
                   rng: random.Random, counts: dict[str, int]) -> list[Action]:
    with container.uow(clock) as uow:
        task = uow.tasks.get(result.task_id)
        org = uow.directory.get(task.uscc) if task else None
    if task is None or org is None or not org.is_active:
        return []
    if result.penalty is not None:  # the penalty names its organization and its legal basis
        basis = default_legal_basis(org.type)
        result = commands.RecordResult(result.task_id, result.outcome, result.findings, result.by,
                                       result.rectification, _penalty_for(result.penalty, org.uscc, basis),
                                       result.uncontactable)
        counts["penalties"] += 1
    done = tasks.record_result(result, container.uow(clock), container.policy)
    if result.penalty is not None:  # a sanction like any other: another person, the approver, approves it
        _approve_open(container, clock, done.uscc, PENALTY)
    if done.rectification_id is None:
        return []
    counts["rectifications"] += 1
    return _rectification_actions(container, done.rectification_id, clock.today(), deadline, rng, result.by)


def _approve_open(container: InspectionContainer, clock: FixedClock, uscc: str, kind: str) -> None:
    with container.uow(clock) as uow:
        open_ = [p.id for p in uow.proposals.open_for(uscc, kind)]
    for proposal_id in open_:
        sanctions.approve(proposal_id, DEMO_APPROVER, "approver", None, container.uow(clock),
                          container.credit_policy)


def _penalty_for(p: commands.ImposePenalty, uscc: str, basis: str) -> commands.ImposePenalty:
    return dataclasses.replace(p, uscc=uscc, legal_basis=basis)


def _rectification_actions(container: InspectionContainer, rect_id: str, issued: date, deadline: date,
                           rng: random.Random, actor: str = "demo") -> list[Action]:
    roll = rng.random()
    if roll < NEVER_ANSWERED:
        return []  # never answered: reported overdue, stays open
    late = roll < NEVER_ANSWERED + ANSWERED_LATE
    answered = deadline + timedelta(days=rng.randint(5, 40)) if late else issued + timedelta(
        days=rng.randint(5, (deadline - issued).days - 2))
    respond = commands.RespondToRectification(rect_id, "已按通知书要求完成整改，附整改报告（演示）", None)
    review = commands.ReviewRectification(rect_id, True, "整改到位（演示）", actor)  # the inspector who ordered it
    reviewed = answered + timedelta(days=rng.randint(2, 10))
    if late or roll >= NEVER_ANSWERED + ANSWERED_LATE + REJECTED_FIRST:
        return [(answered, 3, lambda clock: rectifications.respond(respond, container.uow(clock))),
                (reviewed, 4, lambda clock: rectifications.review(review, container.uow(clock), container.policy))]
    # answered in time but not enough: rejected (after the deadline it counts as unmet from that review, R7.1),
    # answered again and accepted; its own days, so the history's other draws stay as they were
    again = reviewed + timedelta(days=random.Random(f"again-{rect_id}").randint(5, 30))
    reject = commands.ReviewRectification(rect_id, False, "整改不到位，请补充整改（演示）", actor)
    return [(answered, 3, lambda clock: rectifications.respond(respond, container.uow(clock))),
            (reviewed, 4, lambda clock: rectifications.review(reject, container.uow(clock), container.policy)),
            (again, 3, lambda clock: rectifications.respond(respond, container.uow(clock))),
            (again + timedelta(days=3), 4,
             lambda clock: rectifications.review(review, container.uow(clock), container.policy))]


def _sweep(container: InspectionContainer, clock: FixedClock, counts: dict[str, int]) -> list[Action]:
    """What the daily jobs do (run weekly here): overdue notices, due publications."""
    counts["overdue"] += rectifications.sweep_overdue(lambda: container.uow(clock))
    tasks.publish_due_results(lambda: container.uow(clock))
    return []


def _replay(container: InspectionContainer, actions: list[Action]) -> None:
    """Run the year's actions day by day, none after the container's today; an action may schedule
    further ones (a rectification's answer and review)."""
    order = itertools.count()
    pending = [(day, rank, next(order), action) for day, rank, action in actions]
    heapq.heapify(pending)
    today = container.clock.today()
    while pending:
        day, _, _, action = heapq.heappop(pending)
        if day > today:
            continue
        more = action(_at(day))
        for later in more if isinstance(more, list) else []:
            heapq.heappush(pending, (later[0], later[1], next(order), later[2]))


# ------------------------------------------------------------------------------------------ credit repair
# 信用修复 after the plan's baseline (R8.4.2, R8.4.3): the credit-list engine catches up with the history as
# of 2020-12-31 (`as_of(container, CREDIT_BASELINE)` for the consumer), then lives through 2021 to today:
# organizations that performed their duty apply some weeks later, the registrar decides within the working-
# day limit, each through the engine's own handlers on its day (credit_actions), and the daily sweep
# (handlers.credit.sweep) brings every other organization to today. Applications open after the baseline,
# so the 2020 figures (166 / 27 / 1) stay what the plan says.

CREDIT_BASELINE = date(2020, 12, 31)
REPAIR_OPENS = date(2021, 1, 4)  # the first working day after the baseline
NEVER_APPLY = 0.01  # organizations that never apply: they stay listed (and are escalated after 2 years)
RESURFACE = 0.5  # uncontactable organizations that are found again at their domicile and apply
STATEMENTS = {"abnormal": "已履行相关义务（补报年度工作报告/完成整改/恢复在登记住所办公），申请移出活动异常名录（演示）",
              "serious": "列入严重违法失信名单已满2年，期间未再出现列入情形，相关义务已履行，申请移出（演示）"}
DECISION = "经查实，已履行相关义务，准予移出（演示）"


@dataclass(frozen=True)
class Repair:
    """One removal application and its decision (decided_on None: still pending today)."""

    uscc: str
    list: str
    applied_on: date
    decided_on: date | None
    approve: bool
    entry_ids: tuple[str, ...]  # what an approval removes: the list's open entries on decided_on

    def fact(self) -> Fact | None:
        """The removal the decision records (credit_actions.decide), for a pure replay of the demo."""
        if self.decided_on is None or not self.approve:
            return None
        return Fact("removal", f"removal:demo:{self.list}:{self.decided_on.isoformat()}", self.decided_on,
                    {"list": self.list, "entry_ids": list(self.entry_ids), "kind": "application"}, None, "demo")


def as_of(container: InspectionContainer, day: date) -> InspectionContainer:
    """The container with its clock on `day` (the engine catching up with the history as of the baseline)."""
    return dataclasses.replace(container, clock=_at(day))


def plan_repairs(facts: Mapping[str, list[Fact]], policy: CreditPolicy, today: date, seed: int = 2020
                 ) -> list[Repair]:
    """Who applies when, and what the registrar decides: a pure function of each organization's facts
    (seeded per organization: the same plan whatever the order or the subset)."""
    return sorted((r for uscc, fs in facts.items() for r in _repairs_of(uscc, fs, policy, today, seed)),
                  key=lambda r: (r.applied_on, r.uscc, r.list))


def _repairs_of(uscc: str, facts: list[Fact], policy: CreditPolicy, today: date, seed: int) -> list[Repair]:
    triggers = [f for f in facts if f.kind == "trigger"]
    if not triggers and not any(f.kind == "penalty" for f in facts):
        return []
    if random.Random(f"{seed}-repair-{uscc}").random() < NEVER_APPLY:
        return []
    found = {}  # uncontactable entries: the day the organization can be reached again
    for f in triggers:
        if f.data.get("rule") == "uncontactable":
            rng = random.Random(f"{seed}-found-{uscc}-{f.key}")
            if rng.random() < RESURFACE:
                found[f.key] = f.on + timedelta(days=rng.randint(45, 300))
    keys = {f.key for f in triggers}
    candidates = sorted({f.on for f in facts if (f.kind == "duty_done" and f.key in keys) or f.kind == "penalty"}
                        | set(found.values()))
    pending, repairs, removals, seen = list(candidates), [], [], set()
    heapq.heapify(pending)
    while pending:
        ready_on = heapq.heappop(pending)
        if ready_on in seen or ready_on > today:
            continue
        seen.add(ready_on)
        rng = random.Random(f"{seed}-apply-{uscc}-{ready_on.isoformat()}")
        applied = ready_on + timedelta(days=round(rng.triangular(10, 180, 45)))  # weeks to months later
        if applied < REPAIR_OPENS:
            applied = REPAIR_OPENS + timedelta(days=rng.randint(0, 45))
        if applied > today or (repairs and (repairs[-1].decided_on or today) >= applied):
            continue
        d = derive(uscc, facts + removals, policy, applied)
        for name in (ABNORMAL, SERIOUS):
            entries = d.open_entries(name)
            if not entries or not _ready(d, name, entries, applied, found):
                if name == SERIOUS and d.serious_eligible_on is not None and d.serious_eligible_on > ready_on:
                    heapq.heappush(pending, d.serious_eligible_on)
                waiting = [e.removable_from for e in entries if e.removable_from and e.removable_from > ready_on]
                if name == ABNORMAL and waiting:  # R8.4.2: the rest once the 6 months from 查实 have passed
                    heapq.heappush(pending, max(waiting))
                continue
            days = policy.serious_decision_working_days if name == SERIOUS else policy.removal_working_days
            decided = add_working_days(applied, rng.randint(1, days), policy.holidays)
            if decided > today:
                repairs.append(Repair(uscc, name, applied, None, False, ()))
                return repairs
            at_decision = derive(uscc, facts + removals, policy, decided)
            now_open = at_decision.open_entries(name)
            approve = bool(now_open) and _ready(at_decision, name, now_open, decided, found)
            repair = Repair(uscc, name, applied, decided, approve, tuple(e.id for e in now_open) if approve else ())
            repairs.append(repair)
            if (fact := repair.fact()) is not None:
                removals.append(fact)
            break  # one application at a time
    return repairs


def _ready(d: Derivation, name: str, entries: list[Entry], on: date, found: Mapping[str, date]) -> bool:
    """Whether the organization has done what each entry asks by `on` (R8.4.2, R8.4.3)."""
    def done(e: Entry) -> bool:
        if e.duty in (DUTY_REPORT, DUTY_RECTIFY):
            return e.duty_done_on is not None and e.duty_done_on <= on
        if e.trigger == "uncontactable":
            return found.get(e.trigger_key, date.max) <= on
        # nothing to rectify: not before 6 months from 查实 (R8.4.2), when the engine removes it anyway
        return e.duty == DUTY_NONE and (e.removable_from is None or e.removable_from <= on)

    if name == ABNORMAL:
        return all(done(e) for e in entries)
    if d.serious_eligible_on is None or d.serious_eligible_on > on or any(e.trigger == "revoked" for e in entries):
        return False
    under = {x.id: x for x in d.entries}
    return all(done(under[u]) for e in entries for u in e.underlying if u in under)


def repair_credit(container: InspectionContainer, *, seed: int = 2020, usccs: Iterable[str] | None = None
                  ) -> dict[str, int]:
    """Call after the inspection consumer recorded the history's facts with the engine as of
    CREDIT_BASELINE: the applications and decisions of 2021 to today through credit_actions, each on its
    day, then the daily sweep on today. Returns counts."""
    from services.inspection.domain import model

    ids = _DemoSecrets(seed + 1)
    with mock.patch.object(model, "secrets", ids):
        return _repair(container, seed, usccs)


def _repair(container: InspectionContainer, seed: int, usccs: Iterable[str] | None) -> dict[str, int]:
    today, policy = container.clock.today(), container.credit_policy
    if usccs is None:
        with container.db.read_session() as session:
            usccs = session.scalars(select(credit_facts.c.uscc).distinct()).all()
    wanted, facts = sorted(set(usccs)), {}
    for start in range(0, len(wanted), 500):
        with container.uow() as uow:
            facts.update(uow.credit.facts_of(wanted[start:start + 500]))
    repairs = plan_repairs(facts, policy, today, seed)
    counts = {"applications": 0, "approved": 0, "rejected": 0, "pending": 0, "swept": 0}

    def decide(application_id: str, repair: Repair) -> Action:
        def act(clock: FixedClock) -> None:
            cmd = Decide(application_id, repair.approve, DECISION if repair.approve else "新的列入情形尚未消除（演示）",
                         "demo-registrar", "removal")
            if not repair.approve:
                credit_actions.reject(cmd, container.uow(clock))
            else:  # the registrar proposes, the approver approves (issue 12)
                proposal = sanctions.propose_application_approval(cmd, "registrar", container.uow(clock),
                                                                  container.policy)
                sanctions.approve(proposal.id, DEMO_APPROVER, "approver", None, container.uow(clock), policy)
            counts["approved" if repair.approve else "rejected"] += 1
        return (repair.decided_on or today, 6, act)

    def apply(repair: Repair) -> Action:
        def act(clock: FixedClock) -> list[Action]:
            cmd = ApplyForRemoval(repair.uscc, repair.list, STATEMENTS[repair.list], f"org-{repair.uscc[-6:]}")
            row = credit_actions.apply_for_removal(cmd, container.uow(clock), policy)
            counts["applications"] += 1
            if repair.decided_on is None:
                counts["pending"] += 1
                return []
            return [decide(row["id"], repair)]
        return (repair.applied_on, 5, act)

    _replay(container, [apply(r) for r in repairs])
    counts["swept"] = credit.sweep(container.uow, policy)
    return counts
