"""The inspection service's event consumers: its organization directory, kept from registry.* events
(and the credit status from credit.status.changed), each in the consumer's own transaction."""
from __future__ import annotations

from typing import Any

from services.inspection.bootstrap import InspectionContainer
from services.inspection.domain import commands
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
    "credit.status.changed": on_credit_status_changed,
}


def build_consumers(container: InspectionContainer) -> list[ConsumerRunner]:
    topics = [TOPICS["registry.organization"], TOPICS["credit"]]
    return [ConsumerRunner(CONSUMER, container.bus, topics, HANDLERS, container.uow,
                           poll_seconds=container.settings.consumer_poll_seconds)]
