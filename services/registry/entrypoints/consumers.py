"""The registry's event consumers: it keeps each organization's credit status (credit.*) and the
penalties it has received (inspection.penalty.imposed), for the charity, fundraising and rating
rules; a penalty also lowers a valid evaluation grade by one (R9.6)."""
from __future__ import annotations

from typing import Any

from services.registry.bootstrap import RegistryContainer
from services.registry.domain import commands
from services.registry.domain.report_commands import DowngradeForPenalty
from services.registry.service_layer import handlers, ratings
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
    # R9.6 (L39 art. 30): the grade held when the penalty took effect goes one down (same transaction)
    ratings.downgrade_for_penalty(DowngradeForPenalty(data.uscc, data.penalty_id, data.kind, data.effective_on), uow)


HANDLERS = {
    "credit.status.changed": on_credit_status_changed,
    "inspection.penalty.imposed": on_penalty_imposed,
}


def build_consumers(container: RegistryContainer) -> list[ConsumerRunner]:
    return [ConsumerRunner("registry", container.bus, [TOPICS["credit"], TOPICS["inspection"]], HANDLERS,
                           container.uow, poll_seconds=container.settings.consumer_poll_seconds)]
