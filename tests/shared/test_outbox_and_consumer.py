"""The outbox, its relay and the consumer runner against real databases (SQLite and PostgreSQL)
and the embedded bus: a state change and its events commit together; redelivery changes nothing;
a poison event is parked and the stream goes on."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from services.registry.entrypoints.consumers import build_consumers
from services.registry.entrypoints.demo import registration_command
from services.registry.service_layer import handlers
from shared.contracts import TOPICS
from shared.events.bus import BusUnavailable
from shared.events.envelope import Envelope, new_envelope
from shared.events.outbox import dead_letter_table, outbox_table, processed_event_table
from tests.registry.factories import registration_body


def _outbox_count(platform, published: bool | None = None) -> int:
    query = select(func.count()).select_from(outbox_table)
    if published is not None:
        column = outbox_table.c.published_at
        query = query.where(column.is_not(None) if published else column.is_(None))
    with platform.registry.db.read_engine.connect() as conn:
        return conn.execute(query).scalar_one()


def _register(platform, n: int = 1) -> list[str]:
    return [handlers.register_organization(registration_command(registration_body(i)), platform.registry.uow(),
                                           platform.registry.policy).uscc for i in range(n)]


def _credit_event(uscc: str, lists: list[str]) -> Envelope:
    return new_envelope("credit.status.changed", source="/test", subject=uscc,
                        data={"uscc": uscc, "lists": lists, "changed_on": "2026-06-01"},
                        time=datetime.now(timezone.utc))


def test_state_change_and_its_event_commit_together(platform):
    [uscc] = _register(platform)
    with platform.registry.db.read_engine.connect() as conn:
        rows = conn.execute(select(outbox_table)).mappings().all()
    assert [(r["type"], r["aggregateid"], r["aggregatetype"]) for r in rows] == [
        ("registry.organization.registered", uscc, "registry.organization")]
    assert Envelope.from_json(rows[0]["payload"]).id == rows[0]["id"]


def test_a_rollback_discards_the_pending_events(platform):
    uow = platform.registry.uow()
    with uow:
        uow.publish("registry.organization.deregistered", "51350200MJ0000018X",
                    {"uscc": "51350200MJ0000018X", "deregistered_on": "2026-06-01",
                     "liquidation_report": "r", "decided_by": "t"})
        # no commit: leaving the block rolls back
    assert _outbox_count(platform) == 0


def test_relay_publishes_in_commit_order_once(platform):
    usccs = _register(platform, 5)
    relay = platform.registry.relay
    assert relay.drain() == 5
    assert relay.relay_once() == 0
    assert _outbox_count(platform, published=False) == 0
    consumer = platform.bus.consumer("order-check", [TOPICS["registry.organization"]])
    got = [d.envelope().subject for d in consumer.poll(100, timeout=2)]
    assert got == usccs


class _DownBus:
    def publish(self, envelopes):
        raise BusUnavailable("broker down")


def test_relay_keeps_the_outbox_while_the_bus_is_down(platform):
    _register(platform, 3)
    real_bus = platform.registry.relay.bus
    platform.registry.relay.bus = _DownBus()
    with pytest.raises(BusUnavailable):
        platform.registry.relay.relay_once()
    assert _outbox_count(platform, published=False) == 3
    platform.registry.relay.bus = real_bus
    assert platform.registry.relay.drain() == 3


def _run_consumer(runner, rounds: int = 20) -> None:
    for _ in range(rounds):
        if runner.run_once(timeout=0.2) == 0:
            return


def _credit_lists(platform, uscc: str) -> list[str]:
    with platform.registry.uow() as uow:
        return [x for x in uow.organizations.get(uscc).credit_lists.split(",") if x]


def test_redelivered_event_changes_nothing(platform):
    [uscc] = _register(platform)
    event = _credit_event(uscc, ["abnormal"])
    platform.bus.publish([event, event])  # the same event twice, as a redelivery would bring it
    [runner] = build_consumers(platform.registry)
    _run_consumer(runner)
    assert runner.handled == 1
    assert _credit_lists(platform, uscc) == ["abnormal"]
    with platform.registry.db.read_engine.connect() as conn:
        ids = conn.execute(select(processed_event_table.c.event_id)).scalars().all()
    assert ids.count(event.id) == 1


def test_uncommitted_batch_is_redelivered_and_applied_once(platform):
    [uscc] = _register(platform)
    platform.bus.publish([_credit_event(uscc, ["abnormal"])])
    [first] = build_consumers(platform.registry)
    batch = first._subscription().poll(10, timeout=2)
    first._process(batch[0])  # handled, but the crash comes before the offset commit
    first.close()
    [second] = build_consumers(platform.registry)
    _run_consumer(second)
    assert second.handled == 0  # delivered again, recognised as processed
    assert _credit_lists(platform, uscc) == ["abnormal"]


def test_poison_event_is_parked_and_the_stream_goes_on(platform):
    [uscc] = _register(platform)
    platform.bus.publish_raw(TOPICS["credit"], uscc, b"\xff not json")
    bad = _credit_event(uscc, ["abnormal"])
    bad_raw = bad.to_json().replace('"lists":["abnormal"]', '"lists":"not-a-list"')
    platform.bus.publish_raw(TOPICS["credit"], uscc, bad_raw.encode())
    good = _credit_event(uscc, ["serious"])
    platform.bus.publish([good])
    [runner] = build_consumers(platform.registry)
    _run_consumer(runner)
    assert _credit_lists(platform, uscc) == ["serious"]
    with platform.registry.db.read_engine.connect() as conn:
        parked = conn.execute(select(dead_letter_table)).mappings().all()
    assert len(parked) == 2
    assert parked[0]["event_id"] is None and "not json" in parked[0]["payload"]
    assert parked[1]["event_id"] == bad.id and "malformed credit.status.changed" in parked[1]["error"]


def test_a_lingering_consumer_takes_events_that_arrive_together_in_one_batch(platform):
    """With linger_seconds the runner waits after a short poll, so a burst shares one transaction;
    without it, what arrives after the poll waits for the next round."""
    import threading

    from shared.events.consumer import ConsumerRunner

    first, second = _register(platform, 2)
    batches: list[int] = []

    class Recording(ConsumerRunner):
        def _process_batch(self, batch):  # type: ignore[no-untyped-def]
            batches.append(len(batch))
            super()._process_batch(batch)

    [runner] = build_consumers(platform.registry)
    for linger, expected in ((0.0, [1]), (1.0, [2])):
        batches.clear()
        lingering = Recording("lingering", platform.bus, runner.topics, runner.handlers,
                              platform.registry.uow, linger_seconds=linger)
        platform.bus.publish([_credit_event(first, ["abnormal"])])
        later = threading.Timer(0.3, platform.bus.publish, [[_credit_event(second, ["abnormal"])]])
        later.start()
        lingering.run_once(timeout=2)
        later.join()
        assert batches == expected
        _run_consumer(lingering)
        lingering.close()
    assert _credit_lists(platform, second) == ["abnormal"]


def _outbox_types(platform) -> list[str]:
    with platform.registry.db.read_engine.connect() as conn:
        return list(conn.execute(select(outbox_table.c.type).order_by(outbox_table.c.seq)).scalars())


def test_a_handler_failing_after_it_wrote_is_undone_alone_and_parked_once(platform):
    """A batch runs without savepoints first; when a handler fails after writing, that whole run is
    rolled back and the batch runs again with a savepoint per event: the good events' effects land
    once, nothing of the failing one stays but its dead letter, and it is recorded as processed."""
    from shared.events.consumer import ConsumerRunner

    usccs = _register(platform, 3)
    platform.registry.relay.drain()
    before = _outbox_types(platform)
    calls: list[str] = []

    def handler(event, uow):  # type: ignore[no-untyped-def]
        calls.append(event.subject)
        uow.publish("registry.organization.deregistered", event.subject, {
            "uscc": event.subject, "deregistered_on": "2026-06-01", "liquidation_report": "r", "decided_by": "t"})
        if event.subject == usccs[1]:
            raise RuntimeError("handler broke after writing")

    events = [_credit_event(u, ["abnormal"]) for u in usccs]
    platform.bus.publish(events)
    runner = ConsumerRunner("failing-midway", platform.bus, [TOPICS["credit"]], {"credit.status.changed": handler},
                            platform.registry.uow)
    _run_consumer(runner)
    assert calls == [*usccs[:2], *usccs]  # without savepoints up to the failure, then again isolated
    assert (runner.handled, runner.parked) == (2, 1)
    assert _outbox_types(platform)[len(before):] == ["registry.organization.deregistered"] * 2
    with platform.registry.db.read_engine.connect() as conn:
        parked = conn.execute(select(dead_letter_table)).mappings().all()
        processed = set(conn.execute(select(processed_event_table.c.event_id)
                                     .where(processed_event_table.c.consumer == "failing-midway")).scalars())
    assert [(p["event_id"], "handler broke after writing" in p["error"]) for p in parked] == [(events[1].id, True)]
    assert processed == {e.id for e in events}
    _run_consumer(runner)  # nothing comes back
    assert len(calls) == 5


def test_another_writer_commits_while_the_relay_publishes(platform):
    """The relay must not shut the API's writers out while it talks to the bus: on SQLite it reads
    the batch and marks it in a short write transaction, publishing between the two with the lock
    free; on PostgreSQL it locks only the rows it relays. Either way a registration commits while a
    publish is in progress."""
    import threading

    _register(platform, 2)
    relay, real_bus = platform.registry.relay, platform.registry.relay.bus
    committed: list[bool] = []

    class Probe:
        def publish(self, envelopes):  # type: ignore[no-untyped-def]
            if not committed:
                def register_another() -> None:
                    handlers.register_organization(registration_command(registration_body(100)),
                                                   platform.registry.uow(), platform.registry.policy)
                    committed.append(True)

                writer = threading.Thread(target=register_another, daemon=True)
                writer.start()
                writer.join(10)
                if not committed:
                    committed.append(False)
            real_bus.publish(envelopes)

    relay.bus = Probe()
    try:
        relay.drain()
    finally:
        relay.bus = real_bus
    assert committed[0] is True, "a writer waited for the relay's publish"
    assert _outbox_count(platform, published=False) == 0


def test_events_without_a_handler_are_passed_over_without_a_transaction(platform):
    """The registry acts on credit.status.changed, not on credit.entry.removed: such events are
    consumed (the offset moves on) with no write transaction - on SQLite one would shut out the
    API's writers - and leave no processed-event row."""
    [uscc] = _register(platform)
    removed = new_envelope("credit.entry.removed", source="/test", subject=uscc, data={
        "uscc": uscc, "entry_id": "e-1", "list": "abnormal", "trigger": "annual_report_overdue",
        "legal_basis": "L61 art. 4", "on": "2026-06-01", "reason": "filed", "included_on": "2025-06-01",
        "removed_reason": "filed", "decided_by": "system", "source_event_id": None}, time=datetime.now(timezone.utc))
    platform.bus.publish([removed])
    [runner] = build_consumers(platform.registry)
    opened = []
    factory = runner.uow_factory
    runner.uow_factory = lambda: opened.append(1) or factory()
    _run_consumer(runner)
    assert opened == [] and runner.handled == 1
    with platform.registry.db.read_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(processed_event_table)).scalar_one() == 0
    platform.bus.publish([_credit_event(uscc, ["abnormal"])])
    _run_consumer(runner)
    assert opened == [1] and _credit_lists(platform, uscc) == ["abnormal"]
