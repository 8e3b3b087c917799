"""Helpers for the credit-list tests: events on the bus as production delivers them (registry.* and
inspection.*), read by the inspection consumer; the engine's credit.* events read from the outbox."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from services.inspection.bootstrap import InspectionContainer
from services.inspection.entrypoints.consumers import build_consumers
from shared.events.envelope import Envelope, new_envelope
from tests.inspection.integration.support import events

LIST_TYPES = ("credit.entry.added", "credit.entry.removed", "credit.entry.escalated", "credit.status.changed")


def event(type_: str, uscc: str, **data: Any) -> Envelope:
    source = "/socreg/registry" if type_.startswith("registry.") else "/socreg/inspection"
    body = {"uscc": uscc, **{k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}}
    return new_envelope(type_, source=source, subject=uscc, data=body, time=datetime.now(timezone.utc))


def overdue(uscc: str, year: int, deadline: date, detected: date, submitted: date | None = None) -> Envelope:
    return event("registry.annual_report.overdue", uscc, year=year, deadline=deadline, detected_on=detected,
                 submitted_on=submitted)


def submitted(uscc: str, year: int, on: date, deadline: date) -> Envelope:
    return event("registry.annual_report.submitted", uscc, year=year, submitted_on=on, first_submitted_on=on,
                 deadline=deadline, late=on > deadline, resubmission=False, submitted_by="org")


def warning(uscc: str, penalty_id: str, on: date, kind: str = "warning", amount: str | None = None) -> Envelope:
    return event("inspection.penalty.imposed", uscc, penalty_id=penalty_id, kind=kind, amount=amount,
                 legal_basis="《社会团体登记管理条例》第三十条", effective_on=on)


def rating(uscc: str, rating_id: int, grade: str, on: date) -> Envelope:
    return event("registry.rating.awarded", uscc, rating_id=rating_id, grade=grade, score="900", awarded_on=on,
                 expires_on=on.replace(year=on.year + 5), evaluating_body="厦门市社会组织评估委员会", awarded_by="r1")


def deliver(container: InspectionContainer, envelopes: list[Envelope]) -> int:
    """Publish and let the inspection consumer read everything on its topics."""
    if envelopes:
        container.bus.publish(envelopes)
    runner = build_consumers(container)[0]
    handled = 0
    try:
        while (n := runner.run_once(timeout=0.05)):
            handled += n
    finally:
        runner.close()
    return handled


def credit_events(container: InspectionContainer) -> list[dict[str, Any]]:
    return [e for e in events(container) if e["type"].startswith("credit.")]


def entries_as_of(client: Any, headers: dict[str, str], list_name: str, day: str, uscc: str | None = None) -> list[Any]:
    query = f"/inspection/credit-lists/{list_name}?as_of={day}&size=500" + (f"&uscc={uscc}" if uscc else "")
    answer = client.get(query, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]
