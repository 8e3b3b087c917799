"""The credit-list engine's handlers: record what an event said, recompute the organization's lists
(domain.credit.derive) and write the difference - new entries, removals, escalations, corrections -
with their credit.* events in the same transaction. The daily sweep does the same for every
organization whose next step has come.

Recording and recomputing run inside the caller's unit of work (the consumer runner commits with the
event id); the sweep opens its own, one per batch."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from services.inspection.domain.credit import Derivation, Entry, derive
from services.inspection.domain.credit_commands import RecordCreditFacts
from services.inspection.domain.credit_policy import CreditPolicy
from services.inspection.service_layer.ports import UnitOfWork

SUPERSEDED = "更正：依据较早发生但较晚送达的信息重新计算，此记录不再成立"
SWEEP_BATCH = 500


def record_facts(cmd: RecordCreditFacts, uow: UnitOfWork, policy: CreditPolicy) -> bool:
    """Store the event's facts (once: a redelivered event adds nothing) and recompute; False if nothing
    new was learnt. A filed report with no listing behind it, or a filing record (R8.5.3) of an
    organization that has never held a grade, changes nothing, so it is only stored."""
    at = uow.clock.now()
    new = [f for f in cmd.facts if uow.credit.add_fact(cmd.uscc, f, at)]
    if not new:
        return False
    quiet = all(f.kind == "filing" or (f.kind == "duty_done" and not uow.credit.has_fact(cmd.uscc, "trigger", f.key))
                for f in new)
    if quiet and not (any(f.kind == "filing" for f in new) and uow.credit.has_fact(cmd.uscc, "rating")):
        return True
    refresh(uow, [cmd.uscc], policy)
    return True


def refresh(uow: UnitOfWork, usccs: Sequence[str], policy: CreditPolicy) -> dict[str, Derivation]:
    """Recompute each organization's lists as of the clock's today and write the difference."""
    today, at = uow.clock.today(), uow.clock.now()
    statuses = uow.credit.lock_statuses(usccs, at)
    facts, stored = uow.credit.facts_of(usccs), uow.credit.entries_of(usccs)
    out = {}
    for uscc in usccs:
        d = derive(uscc, facts[uscc], policy, today)
        _reconcile(uow, d, stored[uscc], at)
        _status(uow, d, statuses[uscc], at)
        out[uscc] = d
    return out


def sweep(uow_factory: Callable[[], UnitOfWork], policy: CreditPolicy, batch: int = SWEEP_BATCH) -> int:
    """The daily job's command: every organization whose next step (escalation, automatic removal, a
    red-list change) is due by today is recomputed; each step lands on its own due date. Idempotent."""
    done, seen = 0, set()
    while True:
        with uow_factory() as uow:
            due = [u for u in uow.credit.due(uow.clock.today(), batch + len(seen)) if u not in seen]
            if not due:
                return done
            refresh(uow, due[:batch], policy)
            uow.commit()
        seen.update(due[:batch])
        done += len(due[:batch])


# ------------------------------------------------------------------------------------------ writing


def entry_row(e: Entry, at: datetime) -> dict[str, Any]:
    return {"id": e.id, "uscc": e.uscc, "list": e.list, "trigger": e.trigger, "trigger_key": e.trigger_key,
            "legal_basis": e.legal_basis, "reason": e.reason, "source_event_id": e.source_event_id,
            "included_on": e.included_on, "decided_by": e.decided_by, "duty": e.duty, "duty_done_on": e.duty_done_on,
            "removed_on": e.removed_on, "removal_reason": e.removal_reason, "removal_basis": e.removal_basis,
            "removed_by": e.removed_by, "underlying": list(e.underlying), "policy_version": e.policy_version,
            "voided_on": None, "void_reason": None, "recorded_at": at, "verified_on": e.verified_on}


def _reconcile(uow: UnitOfWork, d: Derivation, stored: dict[str, dict[str, Any]], at: datetime) -> None:
    changes: list[tuple[date, int, str, dict[str, Any]]] = []  # (on, order, event type, data)
    log: list[dict[str, Any]] = []
    new_rows = []
    for e in d.entries:
        s = stored.get(e.id)
        if s is None:
            new_rows.append(entry_row(e, at))
            _opened(e, changes, log, at)
            if e.removed_on is not None:
                _closed(e, changes, log, at)
        else:
            _compare(uow, e, s, changes, log, at)
    uow.credit.insert_entries(new_rows)
    derived = {e.id for e in d.entries}
    for s in stored.values():
        if s["id"] not in derived and s["voided_on"] is None:
            _void(uow, d, s, changes, log, at)
    uow.credit.log(log)
    for _, _, type_, data in sorted(changes, key=lambda c: (c[0], c[1])):
        uow.publish(type_, d.uscc, data)


def _compare(uow: UnitOfWork, e: Entry, s: dict[str, Any], changes: list[Any], log: list[Any], at: datetime) -> None:
    same_start = s["included_on"] == e.included_on and s["voided_on"] is None
    if same_start and s["removed_on"] == e.removed_on:
        if s["duty_done_on"] != e.duty_done_on:
            uow.credit.update_entry(e.id, {"duty_done_on": e.duty_done_on})
        return
    row = {k: v for k, v in entry_row(e, at).items() if k not in ("id", "recorded_at")}
    uow.credit.update_entry(e.id, row)
    if same_start and s["removed_on"] is None:
        _closed(e, changes, log, at)
        return
    # a correction (an earlier fact arrived late, or a voided entry stands again): say it as it now is
    log.append(_log(e, "corrected" if s["voided_on"] is None else "restored", e.included_on, "system", at,
                    {"before": {"included_on": str(s["included_on"]), "removed_on": str(s["removed_on"])}}))
    _opened(e, changes, log, at, logged=False)
    if e.removed_on is not None:
        _closed(e, changes, log, at, logged=False)


def _opened(e: Entry, changes: list[Any], log: list[Any], at: datetime, logged: bool = True) -> None:
    escalated = e.trigger == "abnormal_two_years"
    if logged:
        log.append(_log(e, "escalated" if escalated else "added", e.included_on, e.decided_by, at,
                        {"trigger": e.trigger, "legal_basis": e.legal_basis, "reason": e.reason}))
    changes.append((e.included_on, 1, "credit.entry.escalated" if escalated else "credit.entry.added",
                    entry_event(e, e.included_on, e.reason, e.decided_by)))


def _closed(e: Entry, changes: list[Any], log: list[Any], at: datetime, logged: bool = True) -> None:
    assert e.removed_on is not None
    if logged:
        log.append(_log(e, "removed", e.removed_on, e.removed_by or "system", at,
                        {"reason": e.removal_reason, "legal_basis": e.removal_basis}))
    changes.append((e.removed_on, 0, "credit.entry.removed", entry_event(e, e.removed_on, e.removal_reason, e.removed_by)))


def _void(uow: UnitOfWork, d: Derivation, s: dict[str, Any], changes: list[Any], log: list[Any],
          at: datetime) -> None:
    on, by, reason = d.voids.get(s["id"], (d.today, "system", ""))
    why = f"异议成立，更正：{reason}" if s["id"] in d.voids else SUPERSEDED
    uow.credit.update_entry(s["id"], {"voided_on": on, "void_reason": why})
    log.append({"entry_id": s["id"], "uscc": s["uscc"], "action": "voided", "on": on, "by": by,
                "detail": {"reason": why}, "at": at})
    data = {"uscc": s["uscc"], "entry_id": s["id"], "list": s["list"], "trigger": s["trigger"],
            "legal_basis": s["legal_basis"], "on": s["included_on"].isoformat(), "reason": why,
            "included_on": s["included_on"].isoformat(), "removed_reason": why, "decided_by": by,
            "source_event_id": s["source_event_id"]}
    changes.append((s["included_on"], 0, "credit.entry.removed", data))


def _log(e: Entry, action: str, on: date, by: str, at: datetime, detail: dict[str, Any]) -> dict[str, Any]:
    return {"entry_id": e.id, "uscc": e.uscc, "action": action, "on": on, "by": by, "detail": detail, "at": at}


def entry_event(e: Entry, on: date, reason: str | None, by: str | None) -> dict[str, Any]:
    return {"uscc": e.uscc, "entry_id": e.id, "list": e.list, "trigger": e.trigger, "legal_basis": e.legal_basis,
            "on": on.isoformat(), "reason": reason, "included_on": e.included_on.isoformat(),
            "removed_reason": e.removal_reason if e.removed_on == on else None, "decided_by": by,
            "source_event_id": e.source_event_id}


def timeline_items(d: Derivation) -> list[dict[str, Any]]:
    return [{"on": s.on.isoformat(), "step": s.step, "list": s.list, "legal_basis": s.legal_basis,
             "description_zh": s.description_zh, "entry_id": s.entry_id} for s in d.timeline]


def _status(uow: UnitOfWork, d: Derivation, status: dict[str, Any], at: datetime) -> None:
    lists, timeline = ",".join(d.lists()), timeline_items(d)
    values = {"lists": lists, "next_due": d.next_due, "timeline": timeline, "changed_on": d.changed_on(),
              "serious_eligible_on": d.serious_eligible_on, "updated_at": at}
    if status["lists"] != lists or (status["timeline"] or []) != timeline:
        uow.publish("credit.status.changed", d.uscc, {
            "uscc": d.uscc, "lists": d.lists(), "changed_on": (d.changed_on() or d.today).isoformat(),
            "timeline": [{k: t[k] for k in ("on", "step", "list", "legal_basis")} for t in timeline]})
    uow.credit.save_status(d.uscc, values)
