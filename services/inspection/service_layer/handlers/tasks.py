"""Inspection tasks: the notice to the organization, the findings and outcome, and publication
of the result (一公开) within the configured number of working days."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from services.inspection.domain import commands, rules
from services.inspection.domain.model import DirectoryEntry, Task
from services.inspection.domain.sanctions import check_act_date
from services.inspection.service_layer.handlers import acting, penalties, rectifications, sanctions
from services.inspection.service_layer.ports import UnitOfWork
from shared.errors import InvalidInput, NotFound, RuleViolation


def send_notice(cmd: commands.SendNotice, uow: UnitOfWork, policy: rules.Policy | None = None) -> Task:
    with uow:
        task = _load(uow, cmd.task_id)
        acting.acting_member(uow, task, cmd.by, policy or rules.Policy())
        _ensure_open(task)
        task.status, task.notified_on = "notified", uow.clock.today()
        task.notice_method, task.notice_requirements = cmd.method, cmd.requirements
        uow.commit()
    return task


def record_result(cmd: commands.RecordResult, uow: UnitOfWork, policy: rules.Policy) -> Task:
    _check_parts(cmd)
    with uow:
        task = _load(uow, cmd.task_id)
        acting.acting_member(uow, task, cmd.by, policy)  # drawn for it, linked, no conflict (R6.1, R6.4)
        _ensure_open(task)
        if task.notified_on is None:
            raise RuleViolation("send the inspection notice first", rule=rules.RULE_NOTICE)
        plan = uow.plans.get(task.plan_id)
        failed = rules.check_findings(list(cmd.findings), plan.check_items if plan else [], cmd.outcome)
        org = penalties.load_organization(uow, task.uscc)
        if cmd.uncontactable is not None:
            _uncontactable(uow, task, org, cmd.uncontactable, policy)
        if cmd.rectification is not None:
            task.rectification_id = rectifications.order(uow, task, org, cmd.rectification, failed, cmd.by, policy).id
        if cmd.penalty is not None:  # a proposal: the penalty takes effect when an approver approves it
            _penalty_proposal(uow, org, cmd.penalty, policy)
        _complete(uow, task, cmd, failed, policy)
        uow.commit()
    return task


def _penalty_proposal(uow: UnitOfWork, org: DirectoryEntry, penalty: commands.ImposePenalty,
                      policy: rules.Policy) -> None:
    """Issue 12: a result's penalty is proposed by the inspector who records it (a revocation is a request
    to the registry); task.penalty_id is set when the penalty is approved."""
    if {m.kind for m in penalty.all_measures()} == {"revocation"}:
        penalties.publish_revocation_request(uow, org, penalty)
    else:
        sanctions.add_penalty_proposal(uow, org, penalty, "inspector", policy)


def _check_parts(cmd: commands.RecordResult) -> None:
    if cmd.outcome == "rectification" and cmd.rectification is None:
        raise InvalidInput("outcome rectification needs the notice: rectification {deadline, ...}",
                           rule="R7.1 整改文书 with a deadline")
    if cmd.outcome == "penalty" and cmd.penalty is None:
        raise InvalidInput("outcome penalty needs the penalty {kind, legal_basis, effective_on, ...}",
                           rule=rules.RULE_PENALTY)
    if cmd.outcome == "compliant" and (cmd.rectification or cmd.penalty):
        raise InvalidInput("a compliant outcome carries no rectification or penalty", rule="outcome.follows_findings")
    if cmd.outcome == "rectification" and cmd.penalty is not None:
        raise InvalidInput("a penalty makes the outcome penalty", rule="outcome.follows_findings")


def _uncontactable(uow: UnitOfWork, task: Task, org: DirectoryEntry, cmd: commands.Uncontactable,
                   policy: rules.Policy) -> None:
    today = uow.clock.today()
    rules.check_uncontactable(cmd.first_letter_on, cmd.second_letter_on, today, policy)
    check_act_date(cmd.first_letter_on, org, today, "uncontactable.first_letter_on")  # a finding within its life
    org.add_risk("uncontactable")
    uow.publish("inspection.finding.uncontactable", org.uscc, {
        "uscc": org.uscc, "task_id": task.id, "found_on": today.isoformat(),
        "first_letter_on": cmd.first_letter_on.isoformat(), "second_letter_on": cmd.second_letter_on.isoformat(),
        "legal_basis": "《社会组织信用信息管理办法》(民政部令第60号) 活动异常名录情形：通过登记的住所无法与社会组织取得联系"})


def _complete(uow: UnitOfWork, task: Task, cmd: commands.RecordResult, failed: list[rules.Finding],
              policy: rules.Policy) -> None:
    today = uow.clock.today()
    task.status, task.outcome, task.completed_on, task.recorded_by = "completed", cmd.outcome, today, cmd.by
    task.findings = [asdict(f) for f in cmd.findings]
    task.publish_by = rules.add_working_days(today, policy.publication_working_days, policy.holidays)
    uow.publish("inspection.task.completed", task.uscc, {
        "uscc": task.uscc, "task_id": task.id, "plan_id": task.plan_id, "draw_id": task.draw_id,
        "outcome": cmd.outcome, "check_items": [f.item for f in cmd.findings],
        "failed_items": [f.item for f in failed], "completed_on": today.isoformat(),
        "publish_by": task.publish_by.isoformat(), "rectification_id": task.rectification_id,
        "penalty_id": task.penalty_id})


def publish_result(cmd: commands.PublishResult, uow: UnitOfWork, policy: rules.Policy | None = None) -> Task:
    with uow:
        task = _load(uow, cmd.task_id)
        acting.acting_member(uow, task, cmd.by, policy or rules.Policy())
        if task.status != "completed":
            raise RuleViolation("only a recorded result can be published", rule="R6.5 L45 publish the results")
        if task.published_on is None:
            task.published_on = uow.clock.today()
        uow.commit()
    return task


def publish_due_results(uow_factory: Callable[[], UnitOfWork]) -> int:
    """The daily job's command: every result whose publication day has come goes public (R6.5)."""
    with uow_factory() as uow:
        today = uow.clock.today()
        due = uow.tasks.due_for_publication(today)
        for task in due:
            task.published_on = today
        uow.commit()
    return len(due)


def _load(uow: UnitOfWork, task_id: str) -> Task:
    task = uow.tasks.get(task_id)
    if task is None:
        raise NotFound(f"no inspection task {task_id}")
    return task


def _ensure_open(task: Task) -> None:
    if task.status == "completed":
        raise RuleViolation(f"task {task.id} already has its result ({task.outcome})", rule="task.result_once")
    if task.status == "superseded":
        raise RuleViolation(f"task {task.id} was stopped by a redraw of draw {task.draw_id}", rule="R6.1 draw.redraw")
