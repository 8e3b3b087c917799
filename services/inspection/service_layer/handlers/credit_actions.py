"""People's acts on the credit lists: an inspector's manual inclusion and removal (with reason and legal
basis), the organization's removal application (信用修复) and objection (异议), and the inspector's or
registrar's decision on them. Inclusions, removals and approved applications are sanctions: they take
effect only through a two-person proposal (handlers/sanctions.py calls the `*_in` functions here inside
the approval's unit of work); a rejection is one person's. Each decision becomes a fact, so the engine
recomputes the lists from it like from any event; every change is in the audit log and leaves as a
credit.* event. Objections and what an upheld one corrects: handlers/credit_corrections.py."""
from __future__ import annotations

from datetime import date
from typing import Any

from services.inspection.domain import credit_checks as checks
from services.inspection.domain.credit import Derivation, Entry, Fact, derive
from services.inspection.domain.credit_commands import ApplyForRemoval, Decide, IncludeManually, Object, RemoveEntry
from services.inspection.domain.credit_policy import SERIOUS, CreditPolicy
from services.inspection.domain.model import DirectoryEntry, new_id
from services.inspection.domain.sanctions import check_act_date
from services.inspection.domain.rules import add_working_days
from services.inspection.service_layer.handlers import credit_corrections as corrections
from services.inspection.service_layer.handlers.credit import refresh
from services.inspection.service_layer.ports import UnitOfWork
from shared.errors import NotFound, RuleViolation


def check_inclusion(uow: UnitOfWork, cmd: IncludeManually, policy: CreditPolicy) -> DirectoryEntry:
    """The rules of a manual inclusion, checked when it is proposed and again when it is approved."""
    today = uow.clock.today()
    on = cmd.included_on or today
    checks.check_manual_inclusion(cmd.list, cmd.trigger, on, today, policy)
    org = uow.directory.get(cmd.uscc)
    if org is None:
        raise NotFound(f"no organization with USCC {cmd.uscc}")
    check_act_date(on, org, today, "included_on")
    org.ensure_active("be put on a credit list")
    return org


def include_in(uow: UnitOfWork, cmd: IncludeManually, policy: CreditPolicy, approved_by: str) -> Entry:
    """Inside an open unit of work: the approved inclusion becomes a fact and the lists are recomputed."""
    check_inclusion(uow, cmd, policy)
    key = f"manual:{new_id('MI')}"
    data = {"rule": cmd.trigger, "legal_basis": cmd.legal_basis, "reason": cmd.reason, "approved_by": approved_by,
            "verified_on": uow.clock.today().isoformat()}  # 查实: approved today, whatever day it is dated (R8.4.2)
    on = cmd.included_on or uow.clock.today()
    uow.credit.add_fact(cmd.uscc, Fact("trigger", key, on, data, None, cmd.by), uow.clock.now())
    d = refresh(uow, [cmd.uscc], policy)[cmd.uscc]
    return next(e for e in d.entries if e.trigger_key == key)


def check_removal(uow: UnitOfWork, cmd: RemoveEntry, policy: CreditPolicy) -> tuple[str, Entry]:
    """The rules of a removal outside the automatic ones (R8.4.2, R8.4.3): the USCC and the entry."""
    row = uow.credit.entry(cmd.entry_id)
    if row is None or row["list"] != cmd.list or row["voided_on"] is not None:
        raise NotFound(f"no entry {cmd.entry_id} on the {cmd.list} list")
    d = _derive(uow, row["uscc"], policy)
    entry = _open_entry(d, cmd.entry_id)
    checks.removable(d, cmd.list, [entry], uow.clock.today())
    return row["uscc"], entry


def remove_in(uow: UnitOfWork, cmd: RemoveEntry, policy: CreditPolicy, approved_by: str) -> Entry:
    """Inside an open unit of work: the approved removal becomes a fact and the lists are recomputed."""
    uscc, entry = check_removal(uow, cmd, policy)
    _removal_fact(uow, uscc, cmd.list, [entry.id], cmd.reason, cmd.legal_basis, cmd.by, "manual", approved_by)
    d = refresh(uow, [uscc], policy)[uscc]
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
    """异议 (R8.4.4) to one entry or to the credit information itself (handlers/credit_corrections.py)."""
    with uow:
        d = _known(uow, cmd.uscc, policy)
        list_name, ids, target = corrections.target_of(uow, d, cmd)
        row = _application(uow, cmd.uscc, "objection", list_name, ids, cmd.statement, cmd.by,
                           add_working_days(d.today, policy.objection_working_days, policy.holidays), target)
        uow.commit()
    return row


def pending_application(uow: UnitOfWork, application_id: str, kind: str | None) -> dict[str, Any]:
    app = uow.credit.application(application_id, lock=True)
    if app is None:
        raise NotFound(f"no credit application {application_id}")
    if kind is not None and kind != app["kind"]:
        raise RuleViolation(f"application {app['id']} is a {app['kind']}, not a {kind}",
                            rule="credit.application.kind")
    if app["state"] != "submitted":
        raise RuleViolation(f"application {app['id']} was already decided ({app['state']} on {app['decided_on']})",
                            rule="credit.application.decided_once")
    return app


def check_approval(uow: UnitOfWork, app: dict[str, Any], cmd: Decide, policy: CreditPolicy | None) -> None:
    """What approving an objection would correct, checked when the approval is proposed (R8.4.4)."""
    corrections.check_uphold(uow, app, cmd, _derive(uow, app["uscc"], policy or CreditPolicy()))


def reject(cmd: Decide, uow: UnitOfWork) -> dict[str, Any]:
    """A rejected application or objection changes no list: one person decides it, with the reason.
    An approval removes or voids entries and goes through a two-person proposal (handlers/sanctions.py)."""
    with uow:
        app = pending_application(uow, cmd.application_id, cmd.kind)
        values = _decided(uow, app, False, cmd.reason, cmd.by)
        uow.commit()
    return {**app, **values}


def approve_in(uow: UnitOfWork, cmd: Decide, policy: CreditPolicy, approved_by: str) -> dict[str, Any]:
    """Inside an open unit of work: the approved application's removal or correction takes effect."""
    app = pending_application(uow, cmd.application_id, cmd.kind)
    voided = _approve(uow, app, cmd, policy, approved_by)
    return {**app, **_decided(uow, app, True, cmd.reason, f"{cmd.by}；批准：{approved_by}", voided), "voided": voided}


def _decided(uow: UnitOfWork, app: dict[str, Any], approve: bool, reason: str, by: str,
             voided: list[str] | None = None) -> dict[str, Any]:
    today = uow.clock.today()
    values = {"state": "approved" if approve else "rejected", "decided_on": today, "decided_by": by,
              "decision_reason": reason}
    uow.credit.update_application(app["id"], values)
    uow.publish("credit.application.decided", app["uscc"], {
        "uscc": app["uscc"], "application_id": app["id"], "kind": app["kind"], "list": app["list"],
        "state": values["state"], "decided_on": today.isoformat(), "reason": reason, "target": app.get("target"),
        "voided": voided or []})
    return values


def _approve(uow: UnitOfWork, app: dict[str, Any], cmd: Decide, policy: CreditPolicy, approved_by: str) -> list[str]:
    """The approved act: a removal, or an upheld objection's corrections (the keys of the information voided)."""
    d = _derive(uow, app["uscc"], policy)
    voided: list[str] = []
    corrections.check_uphold(uow, app, cmd, d)
    if app["kind"] == "objection":
        voided = corrections.uphold(uow, app, cmd, d, approved_by)
    else:
        entries = d.open_entries(app["list"])
        checks.removable(d, app["list"], entries, d.today)
        rule = checks.RULE_SERIOUS_REMOVAL if app["list"] == SERIOUS else checks.RULE_ABNORMAL_REMOVAL
        _removal_fact(uow, app["uscc"], app["list"], [e.id for e in entries], cmd.reason,
                      f"信用修复申请 {app['id']}（{rule}）", cmd.by, "application", approved_by)
    refresh(uow, [app["uscc"]], policy)
    return voided


def _removal_fact(uow: UnitOfWork, uscc: str, list_name: str, ids: list[str], reason: str, basis: str, by: str,
                  kind: str, approved_by: str) -> None:
    data = {"list": list_name, "entry_ids": ids, "reason": reason, "legal_basis": basis, "kind": kind,
            "approved_by": approved_by}
    uow.credit.add_fact(uscc, Fact("removal", f"removal:{new_id('RM')}", uow.clock.today(), data, None, by),
                        uow.clock.now())


def _application(uow: UnitOfWork, uscc: str, kind: str, list_name: str, ids: list[str], statement: str, by: str,
                 decide_by: date, target: str | None = None) -> dict[str, Any]:
    if (pending := uow.credit.pending_application(uscc, kind, list_name)) is not None:
        raise RuleViolation(f"{uscc} already has a pending {kind} application on the {list_name} list: {pending}",
                            rule="credit.application.one_pending")
    row = {"id": new_id("CA"), "uscc": uscc, "kind": kind, "list": list_name, "entry_ids": ids, "state": "submitted",
           "statement": statement, "submitted_on": uow.clock.today(), "submitted_by": by, "decide_by": decide_by,
           "created_at": uow.clock.now(), "target": target}
    uow.credit.add_application(row)
    uow.publish("credit.application.submitted", uscc, {
        "uscc": uscc, "application_id": row["id"], "kind": kind, "list": list_name, "entry_ids": ids,
        "submitted_on": row["submitted_on"].isoformat(), "decide_by": decide_by.isoformat(), "target": target})
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
