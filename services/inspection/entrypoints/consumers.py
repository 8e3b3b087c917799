"""The inspection service's event consumers: its organization directory, kept from registry.* events
(organizations, annual reports as a risk signal, evaluation grades) and the credit status from
credit.status.changed, each event in the consumer's own transaction."""
from __future__ import annotations

from typing import Any

from services.inspection.bootstrap import InspectionContainer
from services.inspection.domain import commands
from services.inspection.entrypoints.credit_consumers import credit_handlers
from services.inspection.service_layer.handlers import directory
from shared.contracts import TOPICS, parse_data
from shared.events.consumer import ConsumerRunner
from shared.events.envelope import Envelope

CONSUMER = "inspection"


def record_command(facts: Any) -> commands.RecordOrganization:
    return commands.RecordOrganization(
        uscc=facts.uscc, name=facts.name, type=facts.type, category=facts.category, level=facts.level,
        district=facts.district, domicile=facts.domicile, registered_on=facts.registered_on, status=facts.status,
        charity=facts.charity, fundraising_qualified=facts.fundraising_qualified_on is not None)


def on_registered(event: Envelope, uow: Any) -> None:
    directory.record_organization(record_command(parse_data(event.type, event.data)), uow)


def on_changed(event: Envelope, uow: Any) -> None:
    directory.record_organization(record_command(parse_data(event.type, event.data).organization), uow)


def on_deregistered(event: Envelope, uow: Any) -> None:
    data = parse_data(event.type, event.data)
    directory.close_organization(commands.CloseOrganization(data.uscc, "deregistered", data.deregistered_on), uow)


def on_revoked(event: Envelope, uow: Any) -> None:
    data = parse_data(event.type, event.data)
    directory.close_organization(commands.CloseOrganization(data.uscc, "revoked", data.revoked_on), uow)


def on_charity_recognized(event: Envelope, uow: Any) -> None:
    data = parse_data(event.type, event.data)
    directory.mark_organization(commands.MarkOrganization(data.uscc, charity=True), uow)


def on_fundraising_qualified(event: Envelope, uow: Any) -> None:
    data = parse_data(event.type, event.data)
    directory.mark_organization(commands.MarkOrganization(data.uscc, fundraising_qualified=True), uow)


def on_annual_report(event: Envelope, uow: Any) -> None:
    """Risk signal late_annual_report (R8.2 trigger 1): set when a report is overdue or filed late,
    cleared when a report filed on time is accepted (the latest filing was on time)."""
    data = parse_data(event.type, event.data)
    late = event.type.endswith(".overdue") or bool(getattr(data, "late", False))
    if event.type.endswith(".accepted"):
        cmd = commands.MarkOrganization(data.uscc, risk_off=None if late else "late_annual_report")
    else:
        cmd = commands.MarkOrganization(data.uscc, risk_on="late_annual_report" if late else None)
    directory.mark_organization(cmd, uow)


def on_rating(event: Envelope, uow: Any) -> None:
    """The current evaluation grade (L39), for plans scoped by rating."""
    data = parse_data(event.type, event.data)
    grade = getattr(data, "grade", None) if event.type.endswith(".awarded") else getattr(data, "to_grade", None)
    directory.mark_organization(commands.MarkOrganization(data.uscc, rating=grade, rating_cleared=grade is None), uow)


def on_credit_status_changed(event: Envelope, uow: Any) -> None:
    data = parse_data(event.type, event.data)
    directory.mark_organization(commands.MarkOrganization(data.uscc, credit_lists=tuple(data.lists)), uow)


HANDLERS = {
    "registry.organization.registered": on_registered,
    "registry.organization.changed": on_changed,
    "registry.organization.deregistered": on_deregistered,
    "registry.organization.revoked": on_revoked,
    "registry.organization.charity_recognized": on_charity_recognized,
    "registry.organization.fundraising_qualified": on_fundraising_qualified,
    "registry.annual_report.submitted": on_annual_report,
    "registry.annual_report.accepted": on_annual_report,
    "registry.annual_report.overdue": on_annual_report,
    "registry.rating.awarded": on_rating,
    "registry.rating.expired": on_rating,
    "registry.rating.downgraded": on_rating,
    "credit.status.changed": on_credit_status_changed,
}


def _both(first: Any, second: Any) -> Any:
    def handle(event: Envelope, uow: Any) -> None:
        first(event, uow)
        second(event, uow)

    return handle


def build_consumers(container: InspectionContainer) -> list[ConsumerRunner]:
    """One consumer: the directory and the credit-list engine (issue 5), each event in one transaction."""
    topics = [TOPICS["registry.organization"], TOPICS["registry.annual_report"], TOPICS["registry.rating"],
              TOPICS["credit"], TOPICS["inspection"]]
    handlers = dict(HANDLERS)
    for type_, handle in credit_handlers(container).items():
        handlers[type_] = _both(handlers[type_], handle) if type_ in handlers else handle
    return [ConsumerRunner(CONSUMER, container.bus, topics, handlers, container.uow,
                           poll_seconds=container.settings.consumer_poll_seconds,
                           linger_seconds=container.settings.consumer_linger_seconds)]
