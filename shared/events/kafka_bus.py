"""The Kafka bus backend (kafka-python 3.x): the same port as the embedded SQLite log.

Each event goes to `topic_prefix + topic_for(type)`, keyed by its subject (the USCC), so one
organization's events stay in one partition and in order. Nothing connects at construction: the
service starts while Kafka is down, and every Kafka failure surfaces as BusUnavailable.

kafka-python 3.0.x leaks an IO thread when a KafkaAdminClient or KafkaConsumer cannot bootstrap,
so before building one the bus checks, with a short raw metadata request, that a broker answers.
"""
from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from shared.contracts import topic_for
from shared.events.bus import BusUnavailable, Delivery
from shared.events.envelope import Envelope

_TOPIC_EXISTS = 36  # Kafka error code TOPIC_ALREADY_EXISTS
_PING_CORRELATION = 0x50494E47


class KafkaBus:
    """Bus port on Kafka: durable publish (acks=all), consumer groups with manual commits."""

    def __init__(self, bootstrap_servers: str, *, topic_prefix: str = "",
                 session_timeout_ms: int = 10000, heartbeat_interval_ms: int = 3000,
                 client_id: str = "socreg", partitions: int = 3, replication_factor: int = 1,
                 request_timeout_ms: int = 10000, max_block_ms: int = 10000,
                 delivery_timeout_ms: int = 30000, ping_timeout_ms: int = 1500) -> None:
        self.bootstrap_servers, self.topic_prefix = bootstrap_servers, topic_prefix
        self.client_id = client_id
        self.session_timeout_ms = session_timeout_ms
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.partitions, self.replication_factor = partitions, replication_factor
        self.request_timeout_ms, self.max_block_ms = request_timeout_ms, max_block_ms
        self.delivery_timeout_ms = max(delivery_timeout_ms, request_timeout_ms)
        self.ping_timeout_ms = ping_timeout_ms
        self._producer: KafkaProducer | None = None
        self._admin: KafkaAdminClient | None = None
        self._created: set[str] = set()
        self._lock = threading.RLock()

    # -- publishing ---------------------------------------------------------------------------

    def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Append every event; returns only when the broker acknowledged all of them."""
        self._send([(topic_for(e.type), e.subject, e.to_json().encode("utf-8")) for e in envelopes])

    def publish_raw(self, topic: str, key: str, raw: bytes) -> None:
        """Append arbitrary bytes to a topic (the prefix is added)."""
        self._send([(topic, key, raw)])

    def _send(self, messages: list[tuple[str, str | None, bytes]]) -> None:
        if not messages:
            return
        wait_s = self.delivery_timeout_ms / 1000
        with _kafka_errors("publish"):
            with self._lock:
                self.ensure_topics({topic for topic, _, _ in messages})
                producer = self._producer_or_new()
            try:
                futures = [producer.send(self._full(topic), key=_key_bytes(key), value=raw)
                           for topic, key, raw in messages]
                producer.flush(timeout=wait_s)
                for future in futures:
                    future.get(timeout=wait_s)
            except Exception:
                self._forget_connection()
                raise

    def _producer_or_new(self) -> KafkaProducer:
        if self._producer is None:
            self._require_broker()
            self._producer = KafkaProducer(
                bootstrap_servers=self.bootstrap_servers, client_id=self.client_id, acks="all",
                retries=5, linger_ms=0, request_timeout_ms=self.request_timeout_ms,
                max_block_ms=self.max_block_ms, bootstrap_timeout_ms=self.max_block_ms,
                delivery_timeout_ms=self.delivery_timeout_ms)
        return self._producer

    def _forget_connection(self) -> None:
        """After a failed publish: fresh clients next time (no half-failed idempotence state, no
        reconnect backoff), and topics checked again (a broker that lost them gets them back)."""
        self._drop_producer()
        self._drop_admin()
        with self._lock:
            self._created.clear()

    # -- topics -------------------------------------------------------------------------------

    def ensure_topics(self, topics: set[str]) -> None:
        """Create the (unprefixed) topics this bus has not created yet; existing ones are fine."""
        with self._lock:
            missing = sorted(t for t in topics if t not in self._created)
            if not missing:
                return
            self._require_broker()
            try:
                with _kafka_errors("create topics"):
                    result = self._admin_or_new().create_topics(
                        {self._full(t): self._topic_spec() for t in missing},
                        timeout_ms=self.request_timeout_ms, raise_errors=False)
            except BusUnavailable:
                self._drop_admin()
                raise
            failed = [t for t in result["topics"] if t["error_code"] not in (0, _TOPIC_EXISTS)]
            if failed:
                raise BusUnavailable(f"Kafka refused to create topics: {failed}")
            self._created.update(missing)

    def _topic_spec(self) -> dict[str, int]:
        return {"num_partitions": self.partitions, "replication_factor": self.replication_factor}

    def _admin_or_new(self) -> KafkaAdminClient:
        if self._admin is None:
            self._admin = KafkaAdminClient(
                bootstrap_servers=self.bootstrap_servers, client_id=self.client_id,
                request_timeout_ms=self.request_timeout_ms, bootstrap_timeout_ms=self.max_block_ms)
        return self._admin

    # -- consuming ----------------------------------------------------------------------------

    def consumer(self, group: str, topics: Sequence[str]) -> KafkaBusConsumer:
        """A member of consumer group `group` reading `topics` from the group's committed offsets
        (from the beginning when the group has committed nothing)."""
        with _kafka_errors("subscribe"):
            self.ensure_topics(set(topics))
            self._require_broker()
            consumer = KafkaConsumer(
                *[self._full(t) for t in topics], bootstrap_servers=self.bootstrap_servers,
                client_id=self.client_id, group_id=group, enable_auto_commit=False,
                auto_offset_reset="earliest", session_timeout_ms=self.session_timeout_ms,
                heartbeat_interval_ms=self.heartbeat_interval_ms,
                request_timeout_ms=self.request_timeout_ms, bootstrap_timeout_ms=self.max_block_ms)
        return KafkaBusConsumer(consumer, self.topic_prefix, self.request_timeout_ms)

    # -- health and lifecycle -----------------------------------------------------------------

    def ping(self) -> bool:
        """True if a bootstrap broker answers a metadata request; all tries within ping_timeout_ms.
        Never raises."""
        servers = list(_servers(self.bootstrap_servers))
        each = self.ping_timeout_ms / 1000 / max(1, len(servers))
        return any(_metadata_answers(host, port, each, self.client_id) for host, port in servers)

    def close(self) -> None:
        self._drop_producer()
        self._drop_admin()

    def _drop_producer(self) -> None:
        with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            _quietly(lambda: producer.close(timeout=1))

    def _drop_admin(self) -> None:
        with self._lock:
            admin, self._admin = self._admin, None
        if admin is not None:
            _quietly(admin.close)

    def _require_broker(self) -> None:
        if not self.ping():
            raise BusUnavailable(f"no Kafka broker answers at {self.bootstrap_servers}")

    def _full(self, topic: str) -> str:
        return self.topic_prefix + topic


class KafkaBusConsumer:
    """One consumer-group member. Offsets are committed only when the caller has handled them."""

    def __init__(self, consumer: KafkaConsumer, topic_prefix: str, request_timeout_ms: int) -> None:
        self._consumer, self._prefix, self._timeout_ms = consumer, topic_prefix, request_timeout_ms

    def poll(self, max_records: int = 500, timeout: float = 1.0) -> list[Delivery]:
        """Up to max_records deliveries, each partition in order.
        Delivery.topic has no prefix; position = (kafka topic, partition, offset)."""
        with _kafka_errors("poll"):
            batches = self._consumer.poll(timeout_ms=int(timeout * 1000), max_records=max_records)
        return [Delivery(self._strip(r.topic), _key_text(r.key), bytes(r.value or b""),
                         (r.topic, r.partition, r.offset))
                for records in batches.values() for r in records]

    def commit(self, deliveries: Sequence[Delivery]) -> None:
        """Commit, per partition, the offset after the last handled delivery."""
        upto: dict[TopicPartition, int] = {}
        for d in deliveries:
            topic, partition, offset = d.position
            tp = TopicPartition(topic, partition)
            upto[tp] = max(upto.get(tp, -1), offset + 1)
        if not upto:
            return
        offsets = {tp: OffsetAndMetadata(o, "", -1) for tp, o in upto.items()}
        with _kafka_errors("commit"):
            self._consumer.commit(offsets, timeout_ms=self._timeout_ms)

    def close(self) -> None:
        _quietly(lambda: self._consumer.close(autocommit=False, timeout_ms=self._timeout_ms))

    def _strip(self, topic: str) -> str:
        if self._prefix and topic.startswith(self._prefix):
            return topic[len(self._prefix):]
        return topic


@contextmanager
def _kafka_errors(action: str) -> Iterator[None]:
    """Any kafka-python (or socket) error inside the block becomes BusUnavailable."""
    try:
        yield
    except (KafkaError, OSError) as exc:
        raise BusUnavailable(f"Kafka {action} failed: {exc}") from exc


def _metadata_answers(host: str, port: int, timeout: float, client_id: str) -> bool:
    """MetadataRequest v1 for no topics over a raw socket: True if a broker list comes back
    within `timeout` seconds in all."""
    client = client_id.encode("utf-8")
    body = struct.pack(">hhih", 3, 1, _PING_CORRELATION, len(client)) + client
    body += struct.pack(">i", 0)
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            sock.sendall(struct.pack(">i", len(body)) + body)
            size = struct.unpack(">i", _read_exactly(sock, 4, deadline))[0]
            reply = _read_exactly(sock, min(size, 1 << 20), deadline)
    except (OSError, struct.error, ValueError):
        return False
    if len(reply) < 8:
        return False
    correlation, brokers = struct.unpack(">ii", reply[:8])
    return correlation == _PING_CORRELATION and brokers > 0


def _read_exactly(sock: socket.socket, n: int, deadline: float) -> bytes:
    chunks, remaining = [], n
    while remaining > 0:
        left = deadline - time.monotonic()
        if left <= 0:
            raise ValueError("no complete answer in time")
        sock.settimeout(left)
        chunk = sock.recv(remaining)
        if not chunk:
            raise ValueError("connection closed by the broker")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _servers(bootstrap_servers: str) -> Iterator[tuple[str, int]]:
    for item in (s.strip() for s in bootstrap_servers.split(",")):
        host, _, port = item.rpartition(":")
        if host and port.isdigit():
            yield host.strip("[]"), int(port)
        elif item:
            yield item, 9092


def _key_bytes(key: str | None) -> bytes | None:
    return None if key is None else key.encode("utf-8")


def _key_text(key: bytes | None) -> str | None:
    return None if key is None else key.decode("utf-8", errors="replace")


def _quietly(action: Callable[[], object]) -> None:
    try:
        action()
    except Exception:  # noqa: BLE001 - closing is best effort
        pass
