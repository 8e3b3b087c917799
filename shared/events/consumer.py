"""The consumer runner: at-least-once delivery, exactly-once effect.

Each event is handled in the consumer's own unit of work, and its id is recorded in that same
transaction, so a redelivered event changes nothing (an event of a type the consumer has no handler
for has no effect to repeat, and is not recorded). An event that cannot be parsed or whose handler
fails is parked in dead_letters with its error; the stream goes on.
"""
from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from shared import audit
from shared.db import SqlUnitOfWork
from shared.events.bus import Bus, BusUnavailable, Delivery
from shared.events.envelope import Envelope

log = logging.getLogger(__name__)

Handler = Callable[[Envelope, Any], None]


class ConsumerRunner:
    def __init__(self, name: str, bus: Bus, topics: Sequence[str], handlers: Mapping[str, Handler],
                 uow_factory: Callable[[], SqlUnitOfWork], *, poll_seconds: float = 0.2,
                 linger_seconds: float = 0.0) -> None:
        self.name, self.bus, self.topics = name, bus, list(topics)
        self.handlers, self.uow_factory = dict(handlers), uow_factory
        self.poll_seconds = poll_seconds
        self.linger_seconds = linger_seconds  # after a short poll, wait this long so events arriving together share a batch
        self.handled = 0
        self.parked = 0
        self._consumer = None

    def _subscription(self):  # type: ignore[no-untyped-def]
        if self._consumer is None:
            self._consumer = self.bus.consumer(self.name, self.topics)
        return self._consumer

    def run_once(self, max_records: int = 500, timeout: float | None = None) -> int:
        consumer = self._subscription()
        batch = consumer.poll(max_records, self.poll_seconds if timeout is None else timeout)
        if batch and len(batch) < max_records and self.linger_seconds > 0:
            time.sleep(self.linger_seconds)
            batch += consumer.poll(max_records - len(batch), 0.0)
        try:
            if batch:
                with audit.unrecorded():  # consumers record nothing in the audit trail, in any thread
                    self._process_batch(batch)
            consumer.commit(batch)
        except Exception:
            self.close()  # the next poll starts again from the committed offset: nothing is skipped
            raise
        return len(batch)

    def _process_batch(self, batch: list[Delivery], *, isolate: bool = False) -> None:
        """One transaction for the batch. It runs first without savepoints (a savepoint per event costs
        two statements and a flush, a good part of a small handler's cost); if a handler fails, that
        transaction is rolled back and the batch runs again with a savepoint per event, so the failing
        event is rolled back to its savepoint and parked while the others commit together (catch-up
        runs at batch speed). Which events were already processed is asked once per batch, and the
        batch's ids are recorded in one statement, in the same transaction as the effects. With
        `isolate` (a subclass whose own batch run failed) it starts with the savepoints."""
        parsed = [self._parse(delivery) for delivery in batch]
        if not any(isinstance(e, ValueError) or e.type in self.handlers for e in parsed):
            self.handled += len(batch)  # nothing this consumer acts on: no transaction (no write lock) at all
            return
        try:
            try:
                outcomes = self._run_batch(batch, parsed, isolate=isolate)
            except _HandlerFailed:
                outcomes = self._run_batch(batch, parsed, isolate=True)
        except Exception:  # noqa: BLE001 - the batch's own transaction failed: go event by event
            log.exception("%s: batch transaction failed; retrying event by event", self.name)
            for delivery in batch:
                self._process(delivery)
            return
        self.handled += outcomes.count("handled")
        self.parked += outcomes.count("parked")

    def _run_batch(self, batch: list[Delivery], parsed: list[Envelope | ValueError], *, isolate: bool) -> list[str]:
        with self.uow_factory() as uow:
            seen = uow.processed_among(self.name, [e.id for e in parsed
                                                   if isinstance(e, Envelope) and e.type in self.handlers])
            done: list[str] = []
            outcomes = [self._apply(uow, delivery, envelope, seen, done, isolate)
                        for delivery, envelope in zip(batch, parsed)]
            uow.mark_processed_many(self.name, done)
            uow.commit()
        return outcomes

    @staticmethod
    def _parse(delivery: Delivery) -> Envelope | ValueError:
        try:
            return delivery.envelope()
        except ValueError as exc:
            return exc

    def _apply(self, uow: SqlUnitOfWork, delivery: Delivery, envelope: Envelope | ValueError,
               seen: set[str], done: list[str], isolate: bool) -> str:
        if isinstance(envelope, ValueError):
            uow.park(self.name, None, None, delivery.raw.decode("utf-8", errors="replace"), _describe(envelope))
            return "parked"
        handler = self.handlers.get(envelope.type)
        if handler is None:  # an event of a type this consumer does nothing with: nothing to remember
            return "handled"
        if envelope.id in seen:  # processed before, or earlier in this very batch (a redelivery)
            return "duplicate"
        seen.add(envelope.id)
        done.append(envelope.id)
        if not isolate:
            try:
                handler(envelope, uow)
            except Exception as exc:  # noqa: BLE001 - rolled back whole; the batch runs again, isolated
                raise _HandlerFailed(envelope.id) from exc
            return "handled"
        try:
            with uow.savepoint():
                handler(envelope, uow)
        except Exception as exc:  # noqa: BLE001 - a poison event must not stop the stream
            log.warning("%s parked %s: %s", self.name, envelope.id, exc)
            uow.park(self.name, envelope.id, envelope.type, delivery.raw.decode("utf-8", errors="replace"),
                     _describe(exc))
            return "parked"
        return "handled"

    def _process(self, delivery: Delivery) -> None:
        """One event in a transaction of its own (the fallback when a batch cannot commit)."""
        envelope: Envelope | None = None
        try:
            envelope = delivery.envelope()
            handler = self.handlers.get(envelope.type)
            if handler is None:
                self.handled += 1
                return
            with self.uow_factory() as uow:
                if uow.already_processed(self.name, envelope.id):
                    return
                handler(envelope, uow)
                uow.mark_processed(self.name, envelope.id)
                uow.commit()
            self.handled += 1
        except Exception as exc:  # noqa: BLE001 - a poison event must not stop the stream
            self._park(delivery, envelope, exc)

    def _park(self, delivery: Delivery, envelope: Envelope | None, exc: Exception) -> None:
        log.warning("%s parked an event: %s", self.name, exc)
        error = _describe(exc)
        with self.uow_factory() as uow:
            raw = delivery.raw.decode("utf-8", errors="replace")
            uow.park(self.name, envelope.id if envelope else None, envelope.type if envelope else None, raw, error)
            if envelope is not None:
                uow.mark_processed(self.name, envelope.id)
            uow.commit()
        self.parked += 1

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.run_once()
            except BusUnavailable as exc:
                log.warning("%s: bus unavailable: %s", self.name, exc)
                stop.wait(1.0)
            except Exception:  # noqa: BLE001
                log.exception("%s: consumer loop failed; retrying", self.name)
                stop.wait(1.0)

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()
            self._consumer = None


class _HandlerFailed(Exception):
    """A handler failed in a batch run without savepoints: run the batch again with them."""


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()
