"""Rectification notices (整改通知书, R7): issue, the organization's response, the inspector's review,
and the daily sweep that reports each notice past its deadline exactly once. An answer given by the
deadline is not overdue while it awaits review, however late the bureau reviews it (R7.1); rejected after
the deadline, the notice counts as unmet from that review."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from services.inspection.domain import commands, rules
from services.inspection.domain.model import CHECK_ITEMS, DirectoryEntry, Rectification, Task, new_id
from services.inspection.service_layer.handlers import acting
from services.inspection.service_layer.ports import UnitOfWork
from shared.errors import Forbidden, NotFound


def order(uow: UnitOfWork, task: Task, org: DirectoryEntry, cmd: commands.RectificationOrder,
          failed: Sequence[rules.Finding], by: str, policy: rules.Policy) -> Rectification:
    """Inside an open unit of work: number the notice and publish it."""
    today = uow.clock.today()
    rules.check_deadline(cmd.deadline, today)
    problems = list(cmd.problems) or [f"{CHECK_ITEMS.get(f.item, f.item)}：{f.problem}" for f in failed]
    number = rules.notice_number(policy.notice_prefix, today.year, uow.rectifications.next_serial(today.year))
    rect = Rectification(new_id("RC"), number, task.id, org.uscc, org.name,
                         cmd.legal_basis or rules.default_legal_basis(org.type), problems, today, cmd.deadline, by)
    uow.rectifications.add(rect)
    uow.publish("inspection.rectification.ordered", org.uscc, {
        "uscc": org.uscc, "rectification_id": rect.id, "number": number, "task_id": task.id,
        "legal_basis": rect.legal_basis, "problems": problems, "issued_on": today.isoformat(),
        "deadline": cmd.deadline.isoformat()})
    return rect


def respond(cmd: commands.RespondToRectification, uow: UnitOfWork) -> Rectification:
    with uow:
        rect = _load(uow, cmd.rectification_id)
        if cmd.uscc is not None and cmd.uscc != rect.uscc:
            raise Forbidden("an org account responds only to its own notices")
        rules.ensure_can_respond(rect)
        rect.response, rect.responded_on, rect.status = cmd.report, uow.clock.today(), "responded"
        uow.commit()
    return rect


def review(cmd: commands.ReviewRectification, uow: UnitOfWork, policy: rules.Policy | None = None) -> Rectification:
    """By an inspector of the inspection that ordered it (drawn, or a drawn substitute; R6.1)."""
    with uow:
        rect = _load(uow, cmd.rectification_id)
        task = uow.tasks.get(rect.task_id)
        if task is None:
            raise NotFound(f"no inspection task {rect.task_id}")
        acting.acting_member(uow, task, cmd.by, policy or rules.Policy())
        rules.ensure_can_review(rect)
        today = uow.clock.today()
        rect.review_note, rect.reviewed_on, rect.reviewed_by = cmd.note, today, cmd.by
        rect.status = "accepted" if cmd.accept else "rejected"
        if cmd.accept:
            rect.accepted_on = today
            uow.publish("inspection.rectification.accepted", rect.uscc, {
                "uscc": rect.uscc, "rectification_id": rect.id, "number": rect.number,
                "deadline": rect.deadline.isoformat(), "accepted_on": today.isoformat(),
                "on_time": rect.responded_on is not None and rect.responded_on <= rect.deadline})
        elif rules.is_overdue(rect, today):  # R7.1: an answer given in time, rejected after the deadline
            _report_overdue(uow, rect, today)
        uow.commit()
    return rect


def sweep_overdue(uow_factory: Callable[[], UnitOfWork]) -> int:
    """The daily job's command: inspection.rectification.overdue once per notice past its deadline
    without acceptance (R7.1). The overdue mark has a unique key and is written in the event's own
    transaction, so a second sweep, or a concurrent one, emits nothing more."""
    with uow_factory() as uow:
        today = uow.clock.today()
        candidates = uow.rectifications.overdue_candidates(today)
    reported = 0
    for rectification_id in candidates:
        with uow_factory() as uow:
            rect = uow.rectifications.get(rectification_id)
            if rect is None or not rules.is_overdue(rect, today) or not _report_overdue(uow, rect, today):
                continue
            uow.commit()
            reported += 1
    return reported


def _report_overdue(uow: UnitOfWork, rect: Rectification, today: date) -> bool:
    """inspection.rectification.overdue, once per notice (the unique overdue mark; False if it was reported),
    from the day it counts as unmet (R7.1: a late review is not the organization's delay)."""
    if not uow.rectifications.mark_overdue(rect.id, today):
        return False
    _flag(uow, rect.uscc)
    uow.publish("inspection.rectification.overdue", rect.uscc, {
        "uscc": rect.uscc, "rectification_id": rect.id, "number": rect.number,
        "deadline": rect.deadline.isoformat(), "detected_on": today.isoformat(),
        "overdue_from": rules.overdue_from(rect).isoformat()})
    return True


def _flag(uow: UnitOfWork, uscc: str) -> None:
    org = uow.directory.get(uscc)
    if org is not None:
        org.add_risk("rectification_overdue")


def _load(uow: UnitOfWork, rectification_id: str) -> Rectification:
    rect = uow.rectifications.get(rectification_id)
    if rect is None:
        raise NotFound(f"no rectification notice {rectification_id}")
    return rect
