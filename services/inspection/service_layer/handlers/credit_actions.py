"""People's acts on the credit lists: an inspector's manual inclusion and removal (with reason and legal
basis), the organization's removal application (信用修复) and objection (异议), and the inspector's or
registrar's decision on them. Each decision becomes a fact, so the engine recomputes the lists from it
like from any event; every change is in the audit log and leaves as a credit.* event."""
from __future__ import annotations

from datetime import date
from typing import Any

from services.inspection.domain import credit_checks as checks
from services.inspection.domain.credit import Derivation, Entry, Fact, derive
from services.inspection.domain.credit_commands import ApplyForRemoval, Decide, IncludeManually, Object, RemoveEntry
from services.inspection.domain.credit_policy import SERIOUS, CreditPolicy
from services.inspection.domain.model import new_id
from services.inspection.domain.rules import add_working_days
from services.inspection.service_layer.handlers.credit import refresh
from services.inspection.service_layer.ports import UnitOfWork
from shared.errors import NotFound, RuleViolation


def include(cmd: IncludeManually, uow: UnitOfWork, policy: CreditPolicy) -> Entry:
    today = uow.clock.today()
    on = cmd.included_on or today
    checks.check_manual_inclusion(cmd.list, cmd.trigger, on, today, policy)
    with uow:
        org = uow.directory.get(cmd.uscc)
        if org is None:
            raise NotFound(f"no organization with USCC {cmd.uscc}")
        org.ensure_active("be put on a credit list")
        key = f"manual:{new_id('MI')}"
        data = {"rule": cmd.trigger, "legal_basis": cmd.legal_basis, "reason": cmd.reason}
        uow.credit.add_fact(cmd.uscc, Fact("trigger", key, on, data, None, cmd.by), uow.clock.now())
        d = refresh(uow, [cmd.uscc], policy)[cmd.uscc]
        entry = next(e for e in d.entries if e.trigger_key == key)
        uow.commit()
    return entry


def remove(cmd: RemoveEntry, uow: UnitOfWork, policy: CreditPolicy) -> Entry:
    with uow:
        row = uow.credit.entry(cmd.entry_id)
        if row is None or row["list"] != cmd.list or row["voided_on"] is not None:
            raise NotFound(f"no entry {cmd.entry_id} on the {cmd.list} list")
        d = _derive(uow, row["uscc"], policy)
        entry = _open_entry(d, cmd.entry_id)
        checks.removable(d, cmd.list, [entry], uow.clock.today())
        _removal_fact(uow, row["uscc"], cmd.list, [entry.id], cmd.reason, cmd.legal_basis, cmd.by, "manual")
        d = refresh(uow, [row["uscc"]], policy)[row["uscc"]]
        uow.commit()
    return next(e for e in d.entries if e.id == cmd.entry_id)


def apply_for_removal(cmd: ApplyForRemoval, uow: UnitOfWork, policy: CreditPolicy) -> dict[str, Any]:
    with uow:
        d = _known(uow, cmd.uscc, policy)
        entries = d.open_entries(cmd.list)
        checks.removable(d, cmd.list, entries, d.today)
        days = policy.serious_decision_working_days if cmd.list == SERIOUS else policy.removal_working_days
        row = _application(uow, cmd.uscc, "removal", cmd.list, [e.id for e in entries], cmd.statement, cmd.by,
                           add_working_days(d.today, days, policy.holidays))
        uow.commit()
    return row


def object_to(cmd: Object, uow: UnitOfWork, policy: CreditPolicy) -> dict[str, Any]:
    with uow:
        d = _known(uow, cmd.uscc, policy)
        entry = checks.objectable(d, cmd.entry_id)
        row = _application(uow, cmd.uscc, "objection", entry.list, [entry.id], cmd.statement, cmd.by,
                           add_working_days(d.today, policy.objection_working_days, policy.holidays))
        uow.commit()
    return row


def decide(cmd: Decide, uow: UnitOfWork, policy: CreditPolicy) -> dict[str, Any]:
    with uow:
        app = uow.credit.application(cmd.application_id, lock=True)
        if app is None:
            raise NotFound(f"no credit application {cmd.application_id}")
        if cmd.kind is not None and cmd.kind != app["kind"]:
            raise RuleViolation(f"application {app['id']} is a {app['kind']}, not a {cmd.kind}",
                                rule="credit.application.kind")
        if app["state"] != "submitted":
            raise RuleViolation(f"application {app['id']} was already decided ({app['state']} on {app['decided_on']})",
                                rule="credit.application.decided_once")
        today = uow.clock.today()
        if cmd.approve:
            _approve(uow, app, cmd, policy)
        values = {"state": "approved" if cmd.approve else "rejected", "decided_on": today, "decided_by": cmd.by,
                  "decision_reason": cmd.reason}
        uow.credit.update_application(app["id"], values)
        uow.publish("credit.application.decided", app["uscc"], {
            "uscc": app["uscc"], "application_id": app["id"], "kind": app["kind"], "list": app["list"],
            "state": values["state"], "decided_on": today.isoformat(), "reason": cmd.reason})
        uow.commit()
    return {**app, **values}


def _approve(uow: UnitOfWork, app: dict[str, Any], cmd: Decide, policy: CreditPolicy) -> None:
    d = _derive(uow, app["uscc"], policy)
    if app["kind"] == "objection":
        checks.objectable(d, app["entry_ids"][0])
        fact = Fact("void", f"objection:{app['id']}", d.today, {"entry_id": app["entry_ids"][0], "reason": cmd.reason},
                    None, cmd.by)
        uow.credit.add_fact(app["uscc"], fact, uow.clock.now())
    else:
        entries = d.open_entries(app["list"])
        checks.removable(d, app["list"], entries, d.today)
        rule = checks.RULE_SERIOUS_REMOVAL if app["list"] == SERIOUS else checks.RULE_ABNORMAL_REMOVAL
        _removal_fact(uow, app["uscc"], app["list"], [e.id for e in entries], cmd.reason,
                      f"信用修复申请 {app['id']}（{rule}）", cmd.by, "application")
    refresh(uow, [app["uscc"]], policy)


def _removal_fact(uow: UnitOfWork, uscc: str, list_name: str, ids: list[str], reason: str, basis: str, by: str,
                  kind: str) -> None:
    data = {"list": list_name, "entry_ids": ids, "reason": reason, "legal_basis": basis, "kind": kind}
    uow.credit.add_fact(uscc, Fact("removal", f"removal:{new_id('RM')}", uow.clock.today(), data, None, by),
                        uow.clock.now())


def _application(uow: UnitOfWork, uscc: str, kind: str, list_name: str, ids: list[str], statement: str, by: str,
                 decide_by: date) -> dict[str, Any]:
    if (pending := uow.credit.pending_application(uscc, kind, list_name)) is not None:
        raise RuleViolation(f"{uscc} already has a pending {kind} application on the {list_name} list: {pending}",
                            rule="credit.application.one_pending")
    row = {"id": new_id("CA"), "uscc": uscc, "kind": kind, "list": list_name, "entry_ids": ids, "state": "submitted",
           "statement": statement, "submitted_on": uow.clock.today(), "submitted_by": by, "decide_by": decide_by,
           "created_at": uow.clock.now()}
    uow.credit.add_application(row)
    uow.publish("credit.application.submitted", uscc, {
        "uscc": uscc, "application_id": row["id"], "kind": kind, "list": list_name, "entry_ids": ids,
        "submitted_on": row["submitted_on"].isoformat(), "decide_by": decide_by.isoformat()})
    return row


def _derive(uow: UnitOfWork, uscc: str, policy: CreditPolicy) -> Derivation:
    return derive(uscc, uow.credit.facts_of([uscc])[uscc], policy, uow.clock.today())


def _known(uow: UnitOfWork, uscc: str, policy: CreditPolicy) -> Derivation:
    if uow.directory.get(uscc) is None:
        raise NotFound(f"no organization with USCC {uscc}")
    return _derive(uow, uscc, policy)


def _open_entry(d: Derivation, entry_id: str) -> Entry:
    entry = next((e for e in d.entries if e.id == entry_id), None)
    if entry is None:
        raise NotFound(f"no entry {entry_id}")
    if entry.removed_on is not None:
        raise RuleViolation(f"entry {entry_id} was removed on {entry.removed_on}", rule="credit.entry.removed_once")
    return entry
