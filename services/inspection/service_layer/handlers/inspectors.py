"""The inspector pool: inspectors, the account each is linked to, and the organizations each must not
inspect (回避). Adding and editing members and linking accounts is an admin's act; an inspector
declares their own conflicts. Every change goes to the change log with its actor."""
from __future__ import annotations

from services.inspection.domain import binding, commands, rules
from services.inspection.domain.model import Conflict, Inspector, new_id
from services.inspection.service_layer.handlers import changes
from services.inspection.service_layer.ports import UnitOfWork
from shared.errors import Conflict as Taken
from shared.errors import Forbidden, NotFound


def add_inspector(cmd: commands.AddInspector, uow: UnitOfWork) -> Inspector:
    today = uow.clock.today()
    for c in cmd.conflicts:
        rules.check_conflict_fields(c.kind, c.ended_on, today)
    with uow:
        _ensure_free(uow, cmd.username, None)
        inspector = Inspector(new_id("INS"), cmd.name, cmd.department, list(cmd.qualifications), cmd.active,
                              cmd.username, cmd.badge_number, today)
        uow.inspectors.add(inspector)
        changes.record(uow, cmd.by, "inspector.added", inspector.id, name=inspector.name,
                       department=inspector.department, qualifications=inspector.qualifications,
                       active=inspector.active, username=inspector.username, badge_number=inspector.badge_number)
        for c in cmd.conflicts:
            _add_conflict(uow, inspector.id, c, cmd.by)
        uow.commit()
    return inspector


def update_inspector(cmd: commands.UpdateInspector, uow: UnitOfWork) -> Inspector:
    with uow:
        inspector = _load(uow, cmd.inspector_id)
        before = {"active": inspector.active, "department": inspector.department,
                  "qualifications": list(inspector.qualifications), "username": inspector.username}
        if cmd.active is not None:
            inspector.active = cmd.active
        if cmd.department is not None:
            inspector.department = cmd.department
        if cmd.qualifications is not None:
            inspector.qualifications = list(cmd.qualifications)
        if cmd.relink:
            _ensure_free(uow, cmd.username, inspector.id)
            inspector.username = cmd.username
        after = {"active": inspector.active, "department": inspector.department,
                 "qualifications": list(inspector.qualifications), "username": inspector.username}
        changed = {k: {"from": before[k], "to": after[k]} for k in after if after[k] != before[k]}
        if changed:
            changes.record(uow, cmd.by, "inspector.updated", inspector.id, **changed)
        uow.commit()
    return inspector


def declare_conflict(inspector_id: str, cmd: commands.DeclareConflict, uow: UnitOfWork, *, by: str = "system",
                     as_admin: bool = True) -> Conflict:
    """An inspector declares their own conflicts (the member linked to their account); an admin records
    any member's (R6.4 回避)."""
    rules.check_conflict_fields(cmd.kind, cmd.ended_on, uow.clock.today())
    with uow:
        _load(uow, inspector_id)
        if not as_admin:
            own = uow.inspectors.by_username(by)
            if own is None or own.id != inspector_id:
                raise Forbidden(f"the account {by} may declare only the conflicts of its own pool member",
                                rule=binding.RULE_OWN_CONFLICT)
        conflict = _add_conflict(uow, inspector_id, cmd, by)
        uow.commit()
    return conflict


def _ensure_free(uow: UnitOfWork, username: str | None, member_id: str | None) -> None:
    """An account is linked to at most one pool member."""
    holder = uow.inspectors.by_username(username) if username else None
    if holder is not None and holder.id != member_id:
        raise Taken(f"an inspector is already bound to the account {username}", rule="inspector.username")


def _load(uow: UnitOfWork, inspector_id: str) -> Inspector:
    inspector = uow.inspectors.get(inspector_id)
    if inspector is None:
        raise NotFound(f"no inspector {inspector_id}")
    return inspector


def _add_conflict(uow: UnitOfWork, inspector_id: str, c: commands.DeclareConflict, by: str) -> Conflict:
    if uow.directory.get(c.uscc) is None:
        raise NotFound(f"no organization with USCC {c.uscc}")
    conflict = Conflict(inspector_id, c.uscc, c.kind, uow.clock.now(), c.ended_on, c.note)
    uow.inspectors.add_conflict(conflict)
    changes.record(uow, by, "conflict.declared", inspector_id, uscc=c.uscc, kind=c.kind, ended_on=c.ended_on,
                   note=c.note)
    return conflict
