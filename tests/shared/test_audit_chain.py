"""The audit log's chain and its append-only guard, on SQLite and PostgreSQL (shared/audit.py).

An attacker with database access who drops the triggers and edits, deletes or re-hashes a record is
caught by verify(); UPDATE and DELETE are refused by the database itself while the triggers stand."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from shared import audit
from shared.audit import AuditEntry, audit_log
from shared.db import Database
from shared.migrate import upgrade


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.connect(database_url)
    audit.metadata.create_all(database.write_engine)  # the table's after_create event installs the triggers
    yield database
    database.dispose()


def entries(n: int) -> list[AuditEntry]:
    return [AuditEntry(actor=f"registrar{i % 3}", role="registrar", action="PATCH /registry/organizations/{uscc}",
                       target_type="organizations", target_id=f"51350200MJ{i:08d}", request_id=f"req-{i}",
                       client_address="127.0.0.1", after_digest=audit.digest({"n": i}),
                       detail={"events": ["registry.organization.changed"], "值": "中文 ok", "n": i}) for i in range(n)]


def fill(db: Database, n: int) -> None:
    for entry in entries(n):
        audit.record(db, entry)


def drop_triggers(db: Database) -> None:
    """What an attacker with database access does first."""
    with db.write_engine.begin() as conn:
        audit.remove_append_only(conn)


def test_records_chain_to_the_one_before_and_verify_finds_the_chain_intact(db: Database) -> None:
    fill(db, 5)
    with db.read_engine.connect() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings().all()
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["prev_hash"] == audit.GENESIS
    assert all(rows[i]["prev_hash"] == rows[i - 1]["hash"] for i in range(1, 5))
    assert rows[2]["detail"] == {"events": ["registry.organization.changed"], "值": "中文 ok", "n": 2}
    report = audit.inspect_chain(db.read_engine)
    assert (report.records, report.head, report.broken) == (5, rows[-1]["hash"], None)


def test_update_and_delete_are_refused_by_the_database(db: Database) -> None:
    fill(db, 2)
    for statement in (update(audit_log).where(audit_log.c.seq == 1).values(actor="someone else"),
                      delete(audit_log).where(audit_log.c.seq == 2), delete(audit_log)):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.write_engine.begin() as conn:
                conn.execute(statement)
    if db.write_engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            with db.write_engine.begin() as conn:
                conn.execute(text("TRUNCATE audit_log"))
    assert audit.verify(db.read_engine) is None
    with db.read_engine.connect() as conn:
        assert conn.execute(select(audit_log.c.actor).where(audit_log.c.seq == 1)).scalar_one() == "registrar0"


def test_a_record_edited_by_sql_breaks_the_chain_at_that_record(db: Database) -> None:
    fill(db, 4)
    drop_triggers(db)
    with db.write_engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(actor="nobody"))
    broken = audit.verify(db.read_engine)
    assert broken is not None and broken.seq == 3 and "edited" in broken.reason


def test_a_record_rewritten_and_rehashed_breaks_the_chain_at_the_next_record(db: Database) -> None:
    fill(db, 4)
    drop_triggers(db)
    with db.read_engine.connect() as conn:
        row = dict(conn.execute(select(audit_log).where(audit_log.c.seq == 2)).mappings().one())
    row["actor"] = "nobody"
    with db.write_engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(actor="nobody",
                                                                          hash=audit.record_hash(row)))
    broken = audit.verify(db.read_engine)
    assert broken is not None and broken.seq == 3 and "record 2 was rewritten" in broken.reason


def test_a_deleted_record_breaks_the_chain_where_it_was(db: Database) -> None:
    fill(db, 4)
    drop_triggers(db)
    with db.write_engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 2))
    broken = audit.verify(db.read_engine)
    assert broken is not None and broken.seq == 2 and "missing" in broken.reason


def test_concurrent_appends_keep_one_chain(db: Database) -> None:
    """Eight threads appending at once (PostgreSQL: the advisory lock; SQLite: the write transaction)."""
    failures: list[BaseException] = []

    def work() -> None:
        try:
            fill(db, 15)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    report = audit.inspect_chain(db.read_engine)
    assert (report.records, report.broken) == (120, None)


QUALIFIED = "registry.organization.fundraising_qualified"


def test_a_unit_of_work_commit_without_a_context_records_nothing(db: Database) -> None:
    """Consumers and relays run without a context: no audit row for them (the consumer path stays as fast)."""
    from shared.clock import SystemClock
    from shared.db import SqlUnitOfWork
    from shared.events.outbox import metadata as outbox_metadata

    outbox_metadata.create_all(db.write_engine)
    with SqlUnitOfWork(db, source="/test", clock=SystemClock()) as uow:
        uow.publish(QUALIFIED, "X", {"uscc": "X", "qualified_on": "2026-06-01", "decided_by": "r"})
        uow.commit()
    with audit.acting_as("cli:tester", "cli test", role="cli"):
        with SqlUnitOfWork(db, source="/test", clock=SystemClock()) as uow:
            event = uow.publish(QUALIFIED, "Y", {"uscc": "51350200MJ0000001X", "qualified_on": "2026-06-01",
                                                 "decided_by": "r"})
            uow.commit()
    with db.read_engine.connect() as conn:
        rows = conn.execute(select(audit_log)).mappings().all()
    assert len(rows) == 1
    assert (rows[0]["actor"], rows[0]["role"], rows[0]["action"]) == ("cli:tester", "cli", "cli test")
    assert rows[0]["uscc"] == "51350200MJ0000001X" and rows[0]["detail"]["event_ids"] == [str(event.id)]
    assert rows[0]["after_digest"] == audit.digest({"events": [[event.type, "Y", event.data]], "rows": []})


@pytest.mark.parametrize("service", ["registry", "inspection", "search"])
def test_every_service_migration_creates_the_log_with_its_guard(database_url: str, service: str) -> None:
    migrations = Path(__file__).resolve().parents[2] / "services" / service / "migrations"
    upgrade(migrations, database_url)
    database = Database.connect(database_url)
    try:
        audit.record(database, AuditEntry(actor="a", action="b"))
        with pytest.raises(DBAPIError, match="append-only"):
            with database.write_engine.begin() as conn:
                conn.execute(update(audit_log).values(actor="c"))
        with database.read_engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(audit_log)).scalar_one() == 1
    finally:
        database.dispose()
