"""The search service's event consumer: every family (registry, credit, inspection) feeds the read
model. The runner records each event id with its effect (idempotent); a malformed event is parked.
The index itself is written by the container's IndexSyncer, so a search-backend outage never makes
the consumer park or skip an event."""
from __future__ import annotations

import logging
from typing import Any

from services.search.bootstrap import SearchContainer
from services.search.domain import projections
from services.search.domain.projections import PROJECTIONS
from services.search.service_layer import handlers
from shared.contracts import CATALOGUE, TOPICS, parse_data
from shared.events.bus import Delivery
from shared.events.consumer import ConsumerRunner, _describe
from shared.events.envelope import Envelope

CONSUMER = "search"
log = logging.getLogger(__name__)


def checked_data(event: Envelope) -> dict[str, Any]:
    """The event's data as the published language reads it (raises on anything malformed)."""
    return parse_data(event.type, event.data).model_dump()


def on_event(event: Envelope, uow: Any) -> None:
    handlers.apply_event(event.type, checked_data(event), uow)


HANDLERS = {event_type: on_event for event_type in PROJECTIONS if event_type in CATALOGUE}


class SearchConsumerRunner(ConsumerRunner):
    """The shared runner's guarantees (exactly-once effect, poison events parked, the stream goes on)
    at a lower cost per event: a batch is checked and projected in memory first (a malformed event
    is parked there, without a savepoint), then applied in one transaction - the processed-ids
    check and record as one statement each, each organization's version and index mark once per
    batch however many of its events the batch held. If the transaction fails, the batch is run
    again the shared runner's way (a savepoint per event, a failing one parked)."""

    def _process_batch(self, batch: list[Delivery]) -> None:
        try:
            with self.uow_factory() as uow:
                handled, parked = self._apply_batch(uow, batch)  # type: ignore[arg-type]
                uow.commit()
        except Exception:  # noqa: BLE001 - the batch's transaction failed: the shared runner's way
            log.exception("%s: batch failed; retrying with a savepoint per event", self.name)
            super()._process_batch(batch, isolate=True)
            return
        self.handled += handled
        self.parked += parked

    def _apply_batch(self, uow: Any, batch: list[Delivery]) -> tuple[int, int]:
        envelopes: list[tuple[Delivery, Envelope]] = []
        parked = 0
        for delivery in batch:
            try:
                envelopes.append((delivery, delivery.envelope()))
            except ValueError as exc:
                uow.park(self.name, None, None, delivery.raw.decode("utf-8", errors="replace"), _describe(exc))
                parked += 1
        new = uow.claim_events(self.name, [e.id for _, e in envelopes])  # recorded as processed, too
        changes: list[projections.Change] = []
        done: list[str] = []
        bad = 0
        for delivery, event in envelopes:
            if event.id not in new:
                continue  # handled before (or twice in this batch)
            new.discard(event.id)
            done.append(event.id)
            if event.type not in self.handlers:
                continue
            try:
                changes += projections.project(event.type, checked_data(event))
            except Exception as exc:  # noqa: BLE001 - a poison event must not stop the stream
                log.warning("%s parked %s: %s", self.name, event.id, exc)
                uow.park(self.name, event.id, event.type, delivery.raw.decode("utf-8", errors="replace"),
                         _describe(exc))
                bad += 1
        touched = uow.projection.apply_many(changes)
        uow.projection.mark_dirty(u for u, c in zip(touched, changes) if projections.changes_document(c))
        return len(done) - bad, parked + bad


def build_consumers(container: SearchContainer) -> list[ConsumerRunner]:
    return [SearchConsumerRunner(CONSUMER, container.bus, sorted(set(TOPICS.values())), HANDLERS, container.uow,
                                 poll_seconds=container.settings.consumer_poll_seconds,
                                 linger_seconds=container.settings.search_consumer_linger_seconds)]
