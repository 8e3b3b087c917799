"""The registry's event consumers: it keeps each organization's credit status (credit.*) and the
penalties it has received (inspection.penalty.imposed), for the charity and fundraising rules."""
from __future__ import annotations

from typing import Any

from services.registry.bootstrap import RegistryContainer
from services.registry.domain import commands
from services.registry.service_layer import handlers
from shared.contracts import TOPICS, parse_data
from shared.events.consumer import ConsumerRunner
from shared.events.envelope import Envelope


def on_credit_status_changed(event: Envelope, uow: Any) -> None:
    data = parse_data(event.type, event.data)
    handlers.apply_credit_status(commands.ApplyCreditStatus(data.uscc, tuple(data.lists)), uow)


def on_penalty_imposed(event: Envelope, uow: Any) -> None:
    data = parse_data(event.type, event.data)
    handlers.record_penalty(commands.RecordPenalty(data.penalty_id, data.uscc, data.kind, data.effective_on,
                                                   data.legal_basis, data.amount), uow)


HANDLERS = {
    "credit.status.changed": on_credit_status_changed,
    "inspection.penalty.imposed": on_penalty_imposed,
}


def build_consumers(container: RegistryContainer) -> list[ConsumerRunner]:
    return [ConsumerRunner("registry", container.bus, [TOPICS["credit"], TOPICS["inspection"]], HANDLERS,
                           container.uow, poll_seconds=container.settings.consumer_poll_seconds)]
