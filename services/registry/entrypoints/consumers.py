"""The registry's event consumers: it keeps each organization's credit status (credit.*) and the
penalties it has received (inspection.penalty.imposed; inspection.penalty.annulled voids one, R8.4.4),
for the charity, fundraising and rating rules. A penalty lowers a valid evaluation grade by one (R9.6, L39 art. 30); an entry on the serious
list lowers or cancels it as the setting says (R8.5.1, R9.6). The abnormal list itself changes no
grade: its triggers that are R9.6 grounds (a late report, a warning or fine) act through their own
facts, so one act is not counted twice. Every effect is keyed by its cause, so a redelivered event
(or the same entry arriving as added and as escalated) changes nothing."""
from __future__ import annotations

from functools import partial
from typing import Any

from services.registry.bootstrap import RegistryContainer
from services.registry.domain import commands
from services.registry.domain.rating import RatingPolicy
from services.registry.domain.report_commands import DowngradeForPenalty, DowngradeForSeriousList
from services.registry.service_layer import handlers, penalty_annulment, ratings, sanctions
from shared.contracts import TOPICS, parse_data
from shared.events.consumer import ConsumerRunner, Handler
from shared.events.envelope import Envelope


def on_credit_status_changed(event: Envelope, uow: Any) -> None:
    data = parse_data(event.type, event.data)
    handlers.apply_credit_status(commands.ApplyCreditStatus(data.uscc, tuple(data.lists)), uow)


def on_penalty_imposed(event: Envelope, uow: Any) -> None:
    data = parse_data(event.type, event.data)
    handlers.record_penalty(commands.RecordPenalty(data.penalty_id, data.uscc, data.kind, data.effective_on,
                                                   data.legal_basis, data.amount), uow)
    if penalty_annulment.is_annulled(uow, data.penalty_id):
        return  # voided as an error before this event came (R8.4.4): it lowers nothing
    # R9.6 (L39 art. 30): the grade held when the penalty took effect goes one down (same transaction)
    ratings.downgrade_for_penalty(DowngradeForPenalty(data.uscc, data.penalty_id, data.kind, data.effective_on), uow)


def on_penalty_annulled(event: Envelope, uow: Any) -> None:
    """An upheld objection voided the penalty decision (R8.4.4): it leaves the penalty windows (R10.1-10.2, R9.3)
    and the grade it lowered comes back (R9.6)."""
    data = parse_data(event.type, event.data)
    penalty_annulment.annul_penalty(commands.AnnulPenalty(data.penalty_id, data.uscc, data.kind, data.effective_on,
                                                          data.legal_basis, data.annulled_on, data.reason), uow)


def on_revocation_requested(event: Envelope, uow: Any) -> None:
    """An inspection asks for 撤销登记: it waits in the registrars' queue (issue 12: nothing is revoked here)."""
    data = parse_data(event.type, event.data)
    sanctions.receive_request(uow, {
        "id": data.request_id, "uscc": data.uscc, "legal_basis": data.legal_basis, "facts": data.facts,
        "found_on": data.found_on, "requested_on": data.requested_on, "task_id": data.task_id,
        "source_event_id": event.id})


def on_credit_entry(event: Envelope, uow: Any, *, policy: RatingPolicy) -> None:
    """credit.entry.added / credit.entry.escalated: onto the serious list (R8.3) -> the grade (R9.6)."""
    data = parse_data(event.type, event.data)
    if event.type == "credit.entry.escalated" or data.list == "serious":
        ratings.downgrade_for_serious_list(DowngradeForSeriousList(data.uscc, data.entry_id, data.on, data.trigger),
                                           uow, policy)


def event_handlers(policy: RatingPolicy) -> dict[str, Handler]:
    serious = partial(on_credit_entry, policy=policy)
    return {
        "credit.status.changed": on_credit_status_changed,
        "credit.entry.added": serious,
        "credit.entry.escalated": serious,
        "inspection.penalty.imposed": on_penalty_imposed,
        "inspection.penalty.annulled": on_penalty_annulled,
        "inspection.revocation.requested": on_revocation_requested,
    }


HANDLERS = event_handlers(RatingPolicy())  # with the default settings (the container's policy is used in runners)


def build_consumers(container: RegistryContainer) -> list[ConsumerRunner]:
    return [ConsumerRunner("registry", container.bus, [TOPICS["credit"], TOPICS["inspection"]],
                           event_handlers(container.rating_policy), container.uow,
                           poll_seconds=container.settings.consumer_poll_seconds,
                           linger_seconds=container.settings.consumer_linger_seconds)]
