"""The credit-list engine's consumer: each event that can list, escalate, clear or red-list an
organization becomes facts dated by the event's own dates (event time: an overdue report lists the
organization on the day after its deadline, whenever the event arrives). Idempotent twice over: the
runner records the event id, and a fact is stored once per (event, kind, key). They run inside the
inspection consumer (entrypoints.consumers), in the same transaction as its directory updates."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from services.inspection.bootstrap import InspectionContainer
from services.inspection.domain.credit import Fact
from services.inspection.domain.credit_commands import RecordCreditFacts
from services.inspection.domain.model import PENALTY_KINDS
from services.inspection.service_layer.handlers import credit
from shared.contracts import parse_data
from shared.events.envelope import Envelope

DAY = timedelta(days=1)


def _report(event: Envelope, d: Any, filed_on: date | None, late: bool) -> list[Fact]:
    key = f"annual_report:{d.year}"
    facts = []
    if late:
        facts.append(Fact("trigger", key, d.deadline + DAY, {
            "rule": "annual_report_overdue", "year": d.year, "deadline": d.deadline.isoformat(),
            "reason": f"{d.year}年度工作报告未在{d.deadline.isoformat()}前报送"}, event.id))
    if filed_on is not None:
        facts.append(Fact("duty_done", key, filed_on, {"year": d.year}, event.id))
    return facts


def _filing(event: Envelope, d: Any, kind: str, on: date, conclusion: str | None = None) -> Fact:
    """The filing record the red list reads (R8.5.3; R4.1/R4.3/R4.5): on time or late, and the 年检
    conclusion where the registrar gave one."""
    data = {"event": kind, "year": d.year, "deadline": d.deadline.isoformat(), "late": d.late,
            "first_submitted_on": d.first_submitted_on.isoformat()}
    if kind == "accepted":
        data["conclusion"] = conclusion
    return Fact("filing", f"annual_report:{d.year}", on, data, event.id)


def report_overdue(event: Envelope, d: Any) -> list[Fact]:
    return _report(event, d, d.submitted_on, True)


def report_submitted(event: Envelope, d: Any) -> list[Fact]:
    return [*_report(event, d, d.submitted_on, d.late), _filing(event, d, "submitted", d.first_submitted_on)]


def report_accepted(event: Envelope, d: Any) -> list[Fact]:
    return [*_report(event, d, d.first_submitted_on, d.late),
            _filing(event, d, "accepted", d.accepted_on, d.conclusion)]


def rectification_overdue(event: Envelope, d: Any) -> list[Fact]:
    """R7.1: from the day after the deadline - or, when a response given in time was rejected after it, from
    that review (the bureau's late review is not the organization's delay)."""
    return [Fact("trigger", f"rectification:{d.rectification_id}", d.overdue_from or d.deadline + DAY, {
        "rule": "rectification_overdue", "number": d.number, "deadline": d.deadline.isoformat(),
        "reason": f"整改通知书{d.number}限期{d.deadline.isoformat()}前未完成整改"}, event.id)]


def rectification_accepted(event: Envelope, d: Any) -> list[Fact]:
    return [Fact("duty_done", f"rectification:{d.rectification_id}", d.accepted_on, {"number": d.number}, event.id)]


def uncontactable(event: Envelope, d: Any) -> list[Fact]:
    return [Fact("trigger", f"uncontactable:{d.task_id}", d.found_on, {
        "rule": "uncontactable", "reason": f"两次邮寄专用信函均未签收（{d.first_letter_on.isoformat()}、"
                                           f"{d.second_letter_on.isoformat()}），通过登记的住所无法取得联系"}, event.id)]


def penalty(event: Envelope, d: Any) -> list[Fact]:
    """One penalty decision is one fact, with all its measures (R8.3 #5 counts decisions, issue 13)."""
    amount = None if d.amount is None else format(d.amount, "f")
    measures = [{"kind": m.kind, "amount": None if m.amount is None else format(m.amount, "f")} for m in d.measures]
    what = "、".join(PENALTY_KINDS.get(m["kind"], m["kind"]) + (f"{m['amount']}元" if m["amount"] else "")
                    for m in measures) if measures else PENALTY_KINDS.get(d.kind, d.kind) + (f"{amount}元" if amount else "")
    verified = {"verified_on": d.decided_on.isoformat()} if d.decided_on else {}  # 查实: the decision (R8.4.2)
    return [Fact("penalty", f"penalty:{d.penalty_id}", d.effective_on, {
        "kind": d.kind, "amount": amount, "penalty_legal_basis": d.legal_basis, **verified,
        "decision_number": d.decision_number, **({"measures": measures} if measures else {}),
        "reason": f"受到行政处罚：{what}（{d.decision_number or d.penalty_id}；{d.legal_basis}）"}, event.id)]


def revoked(event: Envelope, d: Any) -> list[Fact]:
    return [Fact("revoked", "revoked", d.revoked_on, {
        "reason": f"被撤销登记（{d.decision_number or d.legal_basis}）"}, event.id)]


def deregistered(event: Envelope, d: Any) -> list[Fact]:
    return [Fact("deregistered", "deregistered", d.deregistered_on, {}, event.id)]


def rating_awarded(event: Envelope, d: Any) -> list[Fact]:
    return [Fact("rating", f"rating:{d.rating_id}:awarded", d.awarded_on, {
        "event": "awarded", "rating_id": d.rating_id, "grade": d.grade, "expires_on": d.expires_on.isoformat()},
        event.id)]


def rating_expired(event: Envelope, d: Any) -> list[Fact]:
    return [Fact("rating", f"rating:{d.rating_id}:expired", d.expired_on,
                 {"event": "expired", "rating_id": d.rating_id}, event.id)]


def rating_downgraded(event: Envelope, d: Any) -> list[Fact]:
    return [Fact("rating", f"rating:{d.rating_id}:downgraded:{d.on.isoformat()}", d.on,
                 {"event": "downgraded", "rating_id": d.rating_id, "to_grade": d.to_grade}, event.id)]


def rating_restored(event: Envelope, d: Any) -> list[Fact]:
    """The grade a penalty lowered, given back when the penalty was voided as an error (R8.4.4, R9.6)."""
    return [Fact("rating", f"rating:{d.rating_id}:restored:{d.on.isoformat()}", d.on,
                 {"event": "restored", "rating_id": d.rating_id, "to_grade": d.to_grade}, event.id)]


FACTS: dict[str, Callable[[Envelope, Any], list[Fact]]] = {
    "registry.annual_report.overdue": report_overdue,
    "registry.annual_report.submitted": report_submitted,
    "registry.annual_report.accepted": report_accepted,
    "inspection.rectification.overdue": rectification_overdue,
    "inspection.rectification.accepted": rectification_accepted,
    "inspection.finding.uncontactable": uncontactable,
    "inspection.penalty.imposed": penalty,
    "registry.organization.revoked": revoked,
    "registry.organization.deregistered": deregistered,
    "registry.rating.awarded": rating_awarded,
    "registry.rating.expired": rating_expired,
    "registry.rating.downgraded": rating_downgraded,
    "registry.rating.restored": rating_restored,
}


def credit_handlers(container: InspectionContainer) -> dict[str, Callable[[Envelope, Any], None]]:
    """The handlers the inspection consumer runs for the credit engine (entrypoints.consumers)."""
    def handle(event: Envelope, uow: Any) -> None:
        data = parse_data(event.type, event.data)
        cmd = RecordCreditFacts(data.uscc, tuple(FACTS[event.type](event, data)))
        credit.record_facts(cmd, uow, container.credit_policy)

    return {type_: handle for type_ in FACTS}
