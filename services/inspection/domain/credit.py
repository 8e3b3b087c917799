"""The credit-list engine (domain-rules.md §8): an organization's whole list history, derived from its
facts by a pure function.

Facts are what the events and decisions said, each with the date it took effect (event time, not
arrival time): triggers (R8.2, R8.3), penalties, revocation and deregistration, duties performed
(a report filed, a rectification accepted), evaluation grades, removal decisions and upheld
objections. An upheld objection (R8.4.4) voids an entry, and where the cause itself was the error
(a penalty annulled, a report wrongly flagged late) it voids that cause too: the replay then runs as if
the cause had never been, so it stops counting for the repeat rule (R8.3 #5), the red list and the
filing record, and every entry that followed from it is voided with the objection's reason.
`derive(facts, policy, today)` replays them in date order - with the automatic steps (escalation after
2 years, removal of entries with nothing to rectify 6 months after 查实) at their own due dates - so
the outcome depends only on the facts, never on the order they arrived in or on when the sweep ran.
The same replay carried past today gives the projected timeline and the next date anything is due.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from services.inspection.domain.credit_policy import (ABNORMAL, DUTY_NONE, DUTY_RECTIFY, DUTY_REPORT, RED,
                                                      RULE_ABNORMAL_REMOVAL, RULE_AUTO_REMOVAL, RULE_REVOKED_REMOVAL, RULE_SERIOUS_REMOVAL,
                                                      RULES_BY_CODE, SERIOUS, CreditPolicy)
from services.inspection.domain.credit_red import Filings, red_spells
from services.inspection.domain.rules import years_after

SYSTEM = "system"
# same-day order: duties and grades first, then triggers, revocation, decisions, deregistration
_ORDER = {"rating": 0, "duty_done": 1, "filing": 1, "trigger": 2, "penalty": 2, "revoked": 3, "removal": 4, "deregistered": 5}
FACT_KINDS = (*_ORDER, "void")


@dataclass(frozen=True)
class Fact:
    kind: str  # one of FACT_KINDS
    key: str  # natural key: annual_report:2023, penalty:PE-.., rectification:RC-.., revoked, rating:7:awarded ...
    # kinds: trigger, penalty, duty_done (a report filed, a rectification accepted), filing (a report's filing
    # record for the red list: year, deadline, late, 年检 conclusion), rating, revoked, removal, deregistered, void
    on: date
    data: Mapping[str, Any] = field(default_factory=dict)
    source_event_id: str | None = None
    by: str | None = None


@dataclass
class Entry:
    id: str
    uscc: str
    list: str
    trigger: str  # the rule code (credit_policy.RULES)
    trigger_key: str
    legal_basis: str
    reason: str | None
    source_event_id: str | None
    included_on: date
    decided_by: str
    duty: str = DUTY_NONE
    duty_done_on: date | None = None
    removed_on: date | None = None
    removal_reason: str | None = None
    removal_basis: str | None = None
    removed_by: str | None = None
    underlying: tuple[str, ...] = ()
    policy_version: str = ""
    verified_on: date | None = None  # 查实: the day the registrar established the cause (R8.4.2)
    removable_from: date | None = None  # nothing to rectify: not removed before 6 months from 查实 (R8.4.2)

    def open_on(self, day: date) -> bool:
        return self.included_on <= day and (self.removed_on is None or self.removed_on > day)


@dataclass(frozen=True)
class Step:
    on: date
    step: str  # escalate_to_serious | auto_removal | eligible_for_removal | join_red_list | leave_red_list
    list: str
    legal_basis: str
    description_zh: str
    entry_id: str | None = None


@dataclass
class Derivation:
    uscc: str
    today: date
    entries: list[Entry]
    voids: dict[str, tuple[date, str, str]]  # entry id -> (on, by, reason): upheld objections
    timeline: list[Step]
    next_due: date | None
    serious_eligible_on: date | None

    def open_entries(self, list_name: str | None = None) -> list[Entry]:
        return [e for e in self.entries if e.removed_on is None and (list_name is None or e.list == list_name)]

    def lists(self) -> list[str]:
        return sorted({e.list for e in self.open_entries()})

    def changed_on(self) -> date | None:
        """The day the current memberships took effect (the latest inclusion or removal)."""
        days = [d for e in self.entries for d in (e.included_on, e.removed_on) if d is not None]
        return max(days) if days else None


def entry_id(uscc: str, list_name: str, key: str) -> str:
    return "CE-" + hashlib.sha256(f"{uscc}|{list_name}|{key}".encode()).hexdigest()[:20]


def add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)


def measures_of(f: Fact) -> list[tuple[str, Decimal | None]]:
    """A penalty fact's measures (kind, amount): a decision may combine several (issue 13); a fact recorded
    before decisions carried measures has the one of its kind and amount."""
    found = f.data.get("measures") or [{"kind": f.data.get("kind"), "amount": f.data.get("amount")}]
    return [(str(m.get("kind")), None if m.get("amount") is None else Decimal(str(m["amount"]))) for m in found]


def penalty_rule(measures: list[tuple[str, Decimal | None]], earlier_minor: int, policy: CreditPolicy) -> str | None:
    """R8.3.1: the list one penalty decision puts an organization on (earlier_minor: the decisions with a
    warning or a sub-threshold fine within the repeat window before this one). A decision counts once,
    whatever measures it combines: 警告 + ¥3,000 is one decision (R8.3 #5 counts decisions)."""
    kinds = {kind for kind, _ in measures}
    if "suspension" in kinds:
        return "suspension"  # R8.3 #3
    if any(kind == "fine" and amount is not None and amount >= policy.fine_threshold for kind, amount in measures):
        return "large_fine"  # R8.3 #4
    if kinds & {"warning", "fine"}:
        return "repeat_penalties" if earlier_minor + 1 >= policy.repeat_count else "minor_penalty"  # R8.3 #5 / R8.2 #5
    return None  # confiscation alone lists nothing; a revocation lists through registry.organization.revoked


def is_minor(f: Fact, policy: CreditPolicy) -> bool:
    """A decision that counts toward R8.3 #5: it holds a warning or a fine under the threshold; and a warning or
    small fine of another department an inspector entered as a minor_penalty trigger (R8.2 #5) counts alike."""
    if f.kind == "trigger":
        return f.data.get("rule") == "minor_penalty"
    return any(kind == "warning" or (kind == "fine" and amount is not None and amount < policy.fine_threshold)
               for kind, amount in measures_of(f))


def verified_on(f: Fact) -> date:
    """查实 (R8.4.2): the day the registrar established the cause - a penalty decision's own date, the approval
    of a manual inclusion - never before the day it took effect; the effective day where nothing else is said."""
    said = f.data.get("verified_on")
    return max(f.on, date.fromisoformat(str(said))) if said else f.on


def voided_causes(facts: Iterable[Fact]) -> dict[tuple[str, str], tuple[date, str, str]]:
    """(kind, key) -> (on, by, reason): the credit information upheld objections found wrong (R8.4.4)."""
    out: dict[tuple[str, str], tuple[date, str, str]] = {}
    for f in facts:
        if f.kind != "void":
            continue
        for cause in f.data.get("facts") or ():
            k, said = (str(cause["kind"]), str(cause["key"])), (f.on, f.by or SYSTEM, str(f.data.get("reason") or ""))
            if k not in out or said < out[k]:  # the earliest (whatever the order they came in)
                out[k] = said
    return out


def corrected_report_years(causes: Mapping[tuple[str, str], object]) -> frozenset[int]:
    """Report years whose overdue flag an upheld objection voided: the report counts as on time."""
    return frozenset(int(key.split(":", 1)[1]) for kind, key in causes
                     if kind == "trigger" and key.startswith("annual_report:") and key.split(":", 1)[1].isdigit())


def _merged(facts: Iterable[Fact]) -> list[Fact]:
    """One fact per (kind, key) for triggers, penalties, duties and closures (the earliest, ties by
    source id: independent of arrival); decisions and grades stay as they are."""
    keep: dict[tuple[str, str], Fact] = {}
    others: list[Fact] = []
    for f in facts:
        if f.kind in ("trigger", "penalty", "duty_done", "revoked", "deregistered"):
            k = (f.kind, f.key)
            if k not in keep or (f.on, f.source_event_id or "") < (keep[k].on, keep[k].source_event_id or ""):
                keep[k] = f
        else:
            others.append(f)
    return sorted([*keep.values(), *others], key=lambda f: (f.on, _ORDER.get(f.kind, 9), f.key, f.source_event_id or ""))


class _Replay:
    """The replay of one organization's facts; automatic steps are recorded with their dates."""

    def __init__(self, uscc: str, facts: list[Fact], policy: CreditPolicy, voided: set[str]) -> None:
        self.uscc, self.facts, self.policy, self.voided = uscc, facts, policy, voided
        self.entries: list[Entry] = []
        self.duties = {f.key: f.on for f in facts if f.kind == "duty_done"}
        self.minor = sorted((f.on, f.key) for f in facts if f.kind in ("penalty", "trigger") and is_minor(f, policy))
        self.abnormal_clock: date | None = None
        self.last_trigger: date | None = None
        self.closed_on: date | None = None
        self.auto_steps: list[Step] = []

    def open(self, list_name: str | None = None) -> list[Entry]:
        return [e for e in self.entries if e.removed_on is None and (list_name is None or e.list == list_name)]

    def run(self, until: date) -> None:
        for f in self.facts:
            if f.on > until:
                break
            self._auto_until(f.on)
            self._apply(f)
        self._auto_until(until, inclusive=True)

    # automatic steps ----------------------------------------------------------------------------------------
    def _next_auto(self) -> tuple[date, str, list[Entry]] | None:
        if self.closed_on is not None:
            return None
        due: list[tuple[date, str, list[Entry]]] = []
        abnormal = self.open(ABNORMAL)
        if abnormal and self.abnormal_clock is not None:
            due.append((years_after(self.abnormal_clock, self.policy.escalation_years), "escalate", abnormal))
        due += [(e.removable_from, "auto_removal", [e]) for e in abnormal if e.removable_from is not None]
        return min(due, key=lambda d: (d[0], d[1] != "auto_removal", d[2][0].id)) if due else None

    def _auto_until(self, day: date, inclusive: bool = False) -> None:
        while (step := self._next_auto()) is not None and (step[0] < day or (inclusive and step[0] == day)):
            self._escalate(step[0], step[2]) if step[1] == "escalate" else self._auto_remove(step[0], step[2][0])

    def _auto_remove(self, on: date, e: Entry) -> None:
        self._close(e, on, "无需整改，自列入之日起满期限由登记管理机关移出", RULE_AUTO_REMOVAL, SYSTEM)
        self.auto_steps.append(Step(on, "auto_removal", ABNORMAL, RULE_AUTO_REMOVAL,
                                    f"列入满{self.policy.auto_removal_months}个月且无需整改，自动移出活动异常名录", e.id))
        self._after_abnormal_change()

    def _escalate(self, on: date, abnormal: list[Entry]) -> None:
        rule = RULES_BY_CODE["abnormal_two_years"]
        for e in abnormal:
            self._close(e, on, "列入活动异常名录满2年，移入严重违法失信名单", rule.article, SYSTEM)
        key = f"escalation:{self.abnormal_clock}"
        self.entries.append(Entry(entry_id(self.uscc, SERIOUS, key), self.uscc, SERIOUS, rule.code, key,
                                  rule.legal_basis, f"自{self.abnormal_clock}起列入活动异常名录满"
                                  f"{self.policy.escalation_years}年", None, on, SYSTEM, DUTY_NONE,
                                  underlying=tuple(e.id for e in abnormal), policy_version=self.policy.version))
        self.auto_steps.append(Step(on, "escalate_to_serious", ABNORMAL, rule.legal_basis,
                                    f"列入活动异常名录满{self.policy.escalation_years}年，移入严重违法失信名单",
                                    self.entries[-1].id))
        self.abnormal_clock = None

    def _after_abnormal_change(self) -> None:
        if not self.open(ABNORMAL):
            self.abnormal_clock = None

    # facts --------------------------------------------------------------------------------------------------
    def _earlier_minor(self, f: Fact) -> int:
        """Decisions with a warning or a small fine within the repeat window before `f` (R8.3 #5)."""
        return sum(1 for on, key in self.minor
                   if years_after(on, self.policy.repeat_window_years) > f.on and (on, key) < (f.on, f.key))

    def _apply(self, f: Fact) -> None:
        if f.kind == "trigger":
            if f.data.get("rule") == "annual_report_overdue" and int(f.data.get("year") or 9999) < self.policy.report_first_year:
                return  # R4.4: a 年检 before 年检改年报 is a filing record (the red list), not a trigger the register swept
            rule = str(f.data["rule"])
            if rule == "minor_penalty" and self._earlier_minor(f) + 1 >= self.policy.repeat_count:
                rule = "repeat_penalties"  # R8.3 #5: another department's warning or small fine counts alike
            self._list(f, rule)
        elif f.kind == "penalty":
            rule = penalty_rule(measures_of(f), self._earlier_minor(f), self.policy)
            if rule is not None:
                self._list(f, rule)
        elif f.kind == "revoked":
            self._list(f, "revoked")
            self.closed_on = f.on
        elif f.kind == "removal":
            ids = set(f.data.get("entry_ids") or ())
            for e in [e for e in self.open(str(f.data["list"])) if e.id in ids]:
                self._close(e, f.on, str(f.data.get("reason") or ""), str(f.data.get("legal_basis") or ""),
                            f.by or SYSTEM)
            self._after_abnormal_change()
        elif f.kind == "deregistered":
            for e in self.open():
                basis = RULE_REVOKED_REMOVAL if e.trigger == "revoked" else "R2.3 注销登记（组织终止）"
                self._close(e, f.on, "注销登记已完成，移出名录", basis, SYSTEM)
            self.closed_on = self.closed_on or f.on
            self.abnormal_clock = None

    def _list(self, f: Fact, code: str) -> None:
        rule = RULES_BY_CODE[code]
        if f.on < self.policy.engine_start or (self.closed_on is not None and f.on >= self.closed_on):
            return
        eid = entry_id(self.uscc, rule.list, f.key)
        if eid in self.voided or any(e.id == eid for e in self.entries):
            return
        reason = f.data.get("reason") or rule.title_zh
        verified = verified_on(f)
        e = Entry(eid, self.uscc, rule.list, rule.code, f.key, str(f.data.get("legal_basis") or rule.legal_basis),
                  str(reason), f.source_event_id, f.on, f.by or SYSTEM, rule.duty, policy_version=self.policy.version,
                  verified_on=verified)
        if rule.list == ABNORMAL and rule.duty == DUTY_NONE and self.policy.auto_removal_months > 0:
            e.removable_from = add_months(verified, self.policy.auto_removal_months)  # R8.4.2, from 查实
        self.entries.append(e)
        self.last_trigger = f.on  # R8.4.1: a new listable act restarts the clock
        if rule.list == ABNORMAL:
            self.abnormal_clock = f.on

    @staticmethod
    def _close(e: Entry, on: date, reason: str, basis: str, by: str) -> None:
        e.removed_on, e.removal_reason, e.removal_basis, e.removed_by = on, reason, basis, by

    # after the replay ---------------------------------------------------------------------------------------
    def duty_done(self, e: Entry) -> date | None:
        """When the duty of an abnormal entry (or of the abnormal entries under an escalation) was done."""
        if e.duty in (DUTY_REPORT, DUTY_RECTIFY):
            return self.duties.get(e.trigger_key)
        if e.underlying:
            under = [x for x in self.entries if x.id in e.underlying]
            done = [self.duty_done(x) if x.duty in (DUTY_REPORT, DUTY_RECTIFY) else x.included_on for x in under]
            return None if any(d is None for d in done) else max(d for d in done if d is not None)
        return None

    def serious_eligible_on(self) -> date | None:
        serious = [e for e in self.open(SERIOUS) if e.trigger != "revoked"]
        if not serious or self.closed_on is not None:
            return None
        latest = max([e.included_on for e in serious] + [self.last_trigger or serious[0].included_on])
        return years_after(latest, self.policy.serious_removal_years)


def derive(uscc: str, facts: Iterable[Fact], policy: CreditPolicy, today: date) -> Derivation:
    facts = list(facts)
    voids = {str(f.data["entry_id"]): (f.on, f.by or SYSTEM, str(f.data.get("reason") or ""))
             for f in facts if f.kind == "void" and f.data.get("entry_id")}
    causes = voided_causes(facts)
    ordered = _merged(f for f in facts if f.kind != "void" and (f.kind, f.key) not in causes)
    horizon = years_after(today, policy.projection_years)
    now = _Replay(uscc, ordered, policy, set(voids))
    now.run(today)
    ahead = _Replay(uscc, ordered, policy, set(voids))
    ahead.run(horizon)
    if causes:
        voids.update(_corrected(uscc, facts, causes, now, policy, today, voids))
    for e in now.entries:
        e.duty_done_on = now.duty_done(e)
    ratings = [f for f in ordered if f.kind == "rating"]
    penalties = [f.on for f in ordered if f.kind == "penalty"]
    filings = Filings([f for f in ordered if f.kind == "filing"],
                      [f for f in ordered if f.kind == "trigger" and f.data.get("rule") == "annual_report_overdue"],
                      policy.report_first_year, corrected_report_years(causes))
    spells_now = red_spells(uscc, now.entries, penalties, ratings, now.closed_on, policy, today, filings)
    spells_ahead = red_spells(uscc, ahead.entries, penalties, ratings, ahead.closed_on, policy, horizon, filings)
    entries = sorted(now.entries + spells_now, key=lambda e: (e.included_on, e.list, e.id))
    timeline = _timeline(now, ahead, spells_now, spells_ahead, today, policy)
    later_facts = [f.on for f in ordered if f.on > today]
    due = [s.on for s in timeline if s.on > today and s.step != "eligible_for_removal"] + later_facts
    return Derivation(uscc, today, entries, voids, timeline, min(due) if due else None, now.serious_eligible_on())


def _corrected(uscc: str, facts: list[Fact], causes: Mapping[tuple[str, str], tuple[date, str, str]], now: _Replay,
               policy: CreditPolicy, today: date, voids: Mapping[str, object]) -> dict[str, tuple[date, str, str]]:
    """The entries that stood only because of voided causes (R8.4.4): each is voided with the objection that
    found its own cause wrong, or else with the latest one (a repeat-rule entry whose earlier penalty fell)."""
    before = _Replay(uscc, _merged(f for f in facts if f.kind != "void"), policy, set(voids))
    before.run(today)
    standing = {e.id for e in now.entries}
    latest = max(causes.values())
    by_key = {key: v for (_, key), v in causes.items()}
    return {e.id: by_key.get(e.trigger_key, latest) for e in before.entries if e.id not in standing}


def _timeline(now: _Replay, ahead: _Replay, red_now: list[Entry], red_ahead: list[Entry], today: date,
              policy: CreditPolicy) -> list[Step]:
    steps = [s for s in ahead.auto_steps if s.on > today]
    for e in now.open(ABNORMAL):
        done = now.duty_done(e)
        if e.duty in (DUTY_REPORT, DUTY_RECTIFY) and done is not None:
            steps.append(Step(max(done, e.included_on), "eligible_for_removal", ABNORMAL, RULE_ABNORMAL_REMOVAL, "已履行义务，可申请移出活动异常名录", e.id))
    eligible = now.serious_eligible_on()
    if eligible is not None:
        steps.append(Step(eligible, "eligible_for_removal", SERIOUS, RULE_SERIOUS_REMOVAL,
                          f"列入满{policy.serious_removal_years}年且期间未再出现列入情形，可申请移出严重违法失信名单",
                          now.open(SERIOUS)[-1].id))
    red_id = {e.id for e in red_now}
    for e in red_ahead:
        if e.included_on > today and e.id not in red_id:
            steps.append(Step(e.included_on, "join_red_list", RED, e.legal_basis, "符合红名单条件，列入红名单", e.id))
        if e.removed_on is not None and e.removed_on > today:
            steps.append(Step(e.removed_on, "leave_red_list", RED, e.legal_basis,
                              f"不再符合红名单条件（{e.removal_reason}），移出红名单", e.id))
    return sorted(steps, key=lambda s: (s.on, s.step, s.entry_id or ""))
