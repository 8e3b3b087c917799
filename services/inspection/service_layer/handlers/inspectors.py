"""The inspector pool: inspectors and the organizations each must not inspect (回避)."""
from __future__ import annotations

from services.inspection.domain import commands, rules
from services.inspection.domain.model import Conflict, Inspector, new_id
from services.inspection.service_layer.ports import UnitOfWork
from shared.errors import Conflict as Taken
from shared.errors import NotFound


def add_inspector(cmd: commands.AddInspector, uow: UnitOfWork) -> Inspector:
    today = uow.clock.today()
    for c in cmd.conflicts:
        rules.check_conflict_fields(c.kind, c.ended_on, today)
    with uow:
        if cmd.username and uow.inspectors.by_username(cmd.username) is not None:
            raise Taken(f"an inspector is already bound to the account {cmd.username}", rule="inspector.username")
        inspector = Inspector(new_id("INS"), cmd.name, cmd.department, list(cmd.qualifications), cmd.active,
                              cmd.username, cmd.badge_number, today)
        uow.inspectors.add(inspector)
        for c in cmd.conflicts:
            _add_conflict(uow, inspector.id, c)
        uow.commit()
    return inspector


def update_inspector(cmd: commands.UpdateInspector, uow: UnitOfWork) -> Inspector:
    with uow:
        inspector = _load(uow, cmd.inspector_id)
        if cmd.active is not None:
            inspector.active = cmd.active
        if cmd.department is not None:
            inspector.department = cmd.department
        if cmd.qualifications is not None:
            inspector.qualifications = list(cmd.qualifications)
        uow.commit()
    return inspector


def declare_conflict(inspector_id: str, cmd: commands.DeclareConflict, uow: UnitOfWork) -> Conflict:
    rules.check_conflict_fields(cmd.kind, cmd.ended_on, uow.clock.today())
    with uow:
        _load(uow, inspector_id)
        conflict = _add_conflict(uow, inspector_id, cmd)
        uow.commit()
    return conflict


def _load(uow: UnitOfWork, inspector_id: str) -> Inspector:
    inspector = uow.inspectors.get(inspector_id)
    if inspector is None:
        raise NotFound(f"no inspector {inspector_id}")
    return inspector


def _add_conflict(uow: UnitOfWork, inspector_id: str, c: commands.DeclareConflict) -> Conflict:
    if uow.directory.get(c.uscc) is None:
        raise NotFound(f"no organization with USCC {c.uscc}")
    conflict = Conflict(inspector_id, c.uscc, c.kind, uow.clock.now(), c.ended_on, c.note)
    uow.inspectors.add_conflict(conflict)
    return conflict
