"""The bus port. Backends: the embedded SQLite log (shared.events.sqlite_log) and Kafka
(shared.events.kafka_bus). Delivery is at least once; consumers de-duplicate by event id."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from shared.events.envelope import Envelope


@dataclass(frozen=True)
class Delivery:
    """One message as received: its raw bytes, and where it sits (for committing the offset)."""

    topic: str
    key: str | None
    raw: bytes
    position: Any

    def envelope(self) -> Envelope:
        return Envelope.from_json(self.raw)


class BusConsumer(Protocol):
    def poll(self, max_records: int = 500, timeout: float = 1.0) -> list[Delivery]: ...

    def commit(self, deliveries: Sequence[Delivery]) -> None: ...

    def close(self) -> None: ...


class Bus(Protocol):
    def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Durably append the events, each to its family's topic keyed by its subject (USCC).
        Returns only when the bus has them; raises BusUnavailable otherwise."""

    def publish_raw(self, topic: str, key: str, raw: bytes) -> None:
        """Append arbitrary bytes (tests use it to inject poison messages)."""

    def consumer(self, group: str, topics: Sequence[str]) -> BusConsumer: ...

    def ping(self) -> bool: ...

    def close(self) -> None: ...


class BusUnavailable(RuntimeError):
    pass


def build_bus(settings: Any) -> Bus:
    """The bus backend chosen by settings (SOCREG_BUS_BACKEND)."""
    if settings.bus_backend == "kafka":
        from shared.events.kafka_bus import KafkaBus

        return KafkaBus(settings.kafka_bootstrap_servers, topic_prefix=settings.kafka_topic_prefix,
                        session_timeout_ms=settings.kafka_session_timeout_ms,
                        heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms)
    from shared.events.sqlite_log import SqliteLogBus

    return SqliteLogBus(settings.bus_path())
