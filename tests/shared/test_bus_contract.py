"""The bus port's contract, run with the same assertions against every backend: the embedded SQLite
log and Kafka (a real Tansu broker started by the suite, driven with kafka-python)."""
from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from shared.contracts import topic_for
from shared.events.bus import Bus, BusConsumer, BusUnavailable, Delivery
from shared.events.envelope import Envelope, new_envelope
from shared.events.kafka_bus import KafkaBus
from shared.events.sqlite_log import SqliteLogBus
from tests.fixtures.servers import free_port, running_tansu

USCCS = ("51310110501144395U", "51100000500009247D", "51100000500012681T")
ORGS = topic_for("registry.organization.deregistered")  # "registry.organizations"
CREDIT = topic_for("credit.status.changed")  # "credit.lists"


# -- fixtures and helpers ----------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "kafka"])
def make_bus(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Bus]]:
    """Opens a bus on this test's own storage; each call is a new client, as another process
    would be."""
    opened: list[Bus] = []
    prefix = f"t{uuid.uuid4().hex[:12]}."
    broker = request.getfixturevalue("tansu_broker") if request.param == "kafka" else ""

    def open_bus() -> Bus:
        bus: Bus
        if request.param == "sqlite":
            bus = SqliteLogBus(str(tmp_path / "bus.db"))
        else:
            bus = KafkaBus(broker, topic_prefix=prefix, session_timeout_ms=2000,
                           heartbeat_interval_ms=500)
        opened.append(bus)
        return bus

    yield open_bus
    for bus in opened:
        bus.close()


@pytest.fixture
def bus(make_bus: Callable[[], Bus]) -> Bus:
    return make_bus()


def deregistered(uscc: str, n: int = 0) -> Envelope:
    return new_envelope("registry.organization.deregistered", source="test", subject=uscc,
                        data={"uscc": uscc, "deregistered_on": date(2024, 6, 30).isoformat(),
                              "liquidation_report": f"清算报告 {n}", "decided_by": "市民政局"},
                        time=datetime.now(timezone.utc))


def credit_changed(uscc: str) -> Envelope:
    return new_envelope("credit.status.changed", source="test", subject=uscc,
                        data={"uscc": uscc, "lists": ["abnormal"], "changed_on": "2024-07-01"},
                        time=datetime.now(timezone.utc))


def consume_until(consumer: BusConsumer, n: int, timeout: float = 15.0) -> list[Delivery]:
    """Poll until at least n deliveries arrived or the timeout passed; returns what arrived."""
    got: list[Delivery] = []
    deadline = time.monotonic() + timeout
    while len(got) < n and time.monotonic() < deadline:
        got.extend(consumer.poll(max_records=500, timeout=0.5))
    return got


def drain(consumer: BusConsumer, quiet: float = 1.0) -> list[Delivery]:
    """Whatever else arrives within `quiet` seconds (to prove nothing more comes)."""
    got: list[Delivery] = []
    deadline = time.monotonic() + quiet
    while time.monotonic() < deadline:
        got.extend(consumer.poll(max_records=500, timeout=0.2))
    return got


def ids(deliveries: Sequence[Delivery]) -> list[str]:
    return [d.envelope().id for d in deliveries]


# -- the contract ------------------------------------------------------------------------------

def test_published_events_reach_a_group_on_their_familys_topic_keyed_by_uscc(
        make_bus: Callable[[], Bus]) -> None:
    sent = [deregistered(USCCS[0]), credit_changed(USCCS[1])]
    make_bus().publish(sent)

    reader = make_bus()  # another client: publish returned, so the bus has the events durably
    with closing(reader.consumer("search-indexer", [ORGS, CREDIT])) as consumer:
        got = consume_until(consumer, 2)
        got += drain(consumer, 0.5)

    assert sorted((d.topic, d.key) for d in got) == sorted(
        [("registry.organizations", USCCS[0]), ("credit.lists", USCCS[1])])
    assert {d.envelope().id: d.envelope() for d in got} == {e.id: e for e in sent}


def test_a_consumer_reads_only_the_topics_it_subscribed(bus: Bus) -> None:
    bus.publish([credit_changed(USCCS[0]), deregistered(USCCS[0]), credit_changed(USCCS[1])])

    with closing(bus.consumer("registry-projector", [ORGS])) as consumer:
        got = consume_until(consumer, 1) + drain(consumer, 0.5)

    assert [(d.topic, d.envelope().type) for d in got] == [
        (ORGS, "registry.organization.deregistered")]


def test_events_of_one_organization_arrive_in_publish_order(bus: Bus) -> None:
    first = [deregistered(USCCS[0], n) for n in range(50)]
    second = [deregistered(USCCS[1], n) for n in range(50)]
    interleaved = [e for pair in zip(first, second) for e in pair]
    bus.publish(interleaved[:60])
    bus.publish(interleaved[60:])

    with closing(bus.consumer("order-check", [ORGS])) as consumer:
        got = consume_until(consumer, 100)

    assert len(got) == 100
    for uscc, sent in ((USCCS[0], first), (USCCS[1], second)):
        assert [d.envelope().id for d in got if d.key == uscc] == [e.id for e in sent]


def test_each_group_receives_every_event_independently(bus: Bus) -> None:
    sent = [deregistered(USCCS[n % 3], n) for n in range(12)]
    bus.publish(sent)

    with closing(bus.consumer("group-a", [ORGS])) as a, \
            closing(bus.consumer("group-b", [ORGS])) as b:
        got_a = consume_until(a, 12)
        a.commit(got_a)  # one group's progress must not move the other's
        got_b = consume_until(b, 12)

    assert sorted(ids(got_a)) == sorted(ids(got_b)) == sorted(e.id for e in sent)


def test_a_new_member_of_the_group_resumes_after_the_committed_position(bus: Bus) -> None:
    before = [deregistered(USCCS[n % 3], n) for n in range(9)]
    after = [deregistered(USCCS[n % 3], 100 + n) for n in range(6)]
    bus.publish(before)
    with closing(bus.consumer("resumer", [ORGS])) as consumer:
        handled = consume_until(consumer, 9)
        consumer.commit(handled)
    bus.publish(after)

    with closing(bus.consumer("resumer", [ORGS])) as consumer:
        resumed = consume_until(consumer, 6) + drain(consumer, 1.0)

    assert sorted(ids(handled)) == sorted(e.id for e in before)
    assert sorted(ids(resumed)) == sorted(e.id for e in after)


def test_deliveries_not_committed_are_delivered_again_to_the_group(bus: Bus) -> None:
    sent = [deregistered(USCCS[0], n) for n in range(6)]
    bus.publish(sent)
    with closing(bus.consumer("redeliver", [ORGS])) as consumer:
        seen = consume_until(consumer, 6)
        consumer.commit(seen[:2])  # handled two, then "crashed" before committing the rest

    with closing(bus.consumer("redeliver", [ORGS])) as consumer:
        again = consume_until(consumer, 4) + drain(consumer, 1.0)

    assert ids(seen) == [e.id for e in sent]
    assert ids(again) == [e.id for e in sent[2:]]


def test_committing_nothing_is_harmless(bus: Bus) -> None:
    bus.publish([deregistered(USCCS[0])])
    with closing(bus.consumer("empty-commit", [ORGS])) as consumer:
        consumer.commit([])
        got = consume_until(consumer, 1)
    assert len(got) == 1


def test_raw_poison_bytes_arrive_and_fail_only_when_parsed(bus: Bus) -> None:
    good = deregistered(USCCS[1])
    bus.publish_raw(ORGS, USCCS[1], b"\xff\xfe not json")
    bus.publish_raw(ORGS, USCCS[1], b'{"hello": "world"}')
    bus.publish([good])

    with closing(bus.consumer("poison-check", [ORGS])) as consumer:
        got = consume_until(consumer, 3)

    assert [(d.topic, d.key, d.raw) for d in got[:2]] == [
        (ORGS, USCCS[1], b"\xff\xfe not json"), (ORGS, USCCS[1], b'{"hello": "world"}')]
    for poison in got[:2]:
        with pytest.raises(ValueError):
            poison.envelope()
    assert got[2].envelope() == good  # the poison does not block the events behind it


def test_ping_is_true_against_a_live_backend(bus: Bus) -> None:
    assert bus.ping() is True


# -- Kafka down --------------------------------------------------------------------------------

def test_kafka_bus_starts_without_a_broker_and_reports_it_down_quickly() -> None:
    bus = KafkaBus(f"127.0.0.1:{free_port()}", request_timeout_ms=1500, max_block_ms=1500)
    try:
        started = time.monotonic()
        assert bus.ping() is False
        with pytest.raises(BusUnavailable):
            bus.publish([deregistered(USCCS[0])])
        with pytest.raises(BusUnavailable):
            bus.consumer("nobody", [ORGS])
        assert time.monotonic() - started < 5.0
    finally:
        bus.close()


def test_kafka_ping_is_false_when_the_port_speaks_no_kafka() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]

        def accept_and_hang_up() -> None:
            conn, _ = server.accept()
            conn.recv(1024)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            conn.close()

        threading.Thread(target=accept_and_hang_up, daemon=True).start()
        started = time.monotonic()
        assert KafkaBus(f"127.0.0.1:{port}", ping_timeout_ms=1000).ping() is False
        assert time.monotonic() - started < 3.0


def test_kafka_publish_fails_during_an_outage_and_works_again_after_it() -> None:
    """Kafka down at start, up, down again, back (in memory, so empty): publish follows each
    state, and fails within a bounded time while the broker is down."""
    port = free_port()
    bus = KafkaBus(f"127.0.0.1:{port}", session_timeout_ms=2000, heartbeat_interval_ms=500,
                   request_timeout_ms=2000, max_block_ms=2000, delivery_timeout_ms=4000)
    try:
        with pytest.raises(BusUnavailable):
            bus.publish([deregistered(USCCS[0])])
        with running_tansu(port):
            bus.publish([deregistered(USCCS[0])])
        started = time.monotonic()
        with pytest.raises(BusUnavailable):
            bus.publish([deregistered(USCCS[0])])
        assert time.monotonic() - started < 8.0
        with running_tansu(port):
            event = deregistered(USCCS[0])
            bus.publish([event])
            with closing(bus.consumer("after-outage", [ORGS])) as consumer:
                assert [d.envelope() for d in consume_until(consumer, 1)] == [event]
    finally:
        bus.close()
