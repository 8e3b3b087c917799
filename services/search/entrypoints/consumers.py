"""The search service's event consumer: every family (registry, credit, inspection) feeds the read
model. The runner records each event id with its effect (idempotent); a malformed event is parked.
The index itself is written by the container's IndexSyncer, so a search-backend outage never makes
the consumer park or skip an event."""
from __future__ import annotations

from typing import Any

from services.search.bootstrap import SearchContainer
from services.search.domain.projections import PROJECTIONS
from services.search.service_layer import handlers
from shared.contracts import CATALOGUE, TOPICS, parse_data
from shared.events.consumer import ConsumerRunner
from shared.events.envelope import Envelope

CONSUMER = "search"


def on_event(event: Envelope, uow: Any) -> None:
    data = parse_data(event.type, event.data)  # the published language checks what we are told
    handlers.apply_event(event.type, data.model_dump(), uow)


HANDLERS = {event_type: on_event for event_type in PROJECTIONS if event_type in CATALOGUE}


def build_consumers(container: SearchContainer) -> list[ConsumerRunner]:
    return [ConsumerRunner(CONSUMER, container.bus, sorted(set(TOPICS.values())), HANDLERS, container.uow,
                           poll_seconds=container.settings.consumer_poll_seconds)]
