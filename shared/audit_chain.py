"""The audit log itself: one append-only, hash-chained table per service database (`audit_log`).

Each record carries the SHA-256 of its own fields and of the record before it, so an edited, removed
or inserted record breaks the chain (`verify`). Triggers refuse UPDATE and DELETE (and TRUNCATE on
PostgreSQL): the database itself keeps it append-only, not only the application. Who writes records,
and when, is shared/audit.py.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Integer, MetaData, String, Table, event, insert, select, text
from sqlalchemy.engine import Connection, Engine

from shared.types import UtcDateTime

metadata = MetaData()
GENESIS = "0" * 64  # the prev_hash of the first record
LOCK_KEY = int.from_bytes(b"socaudit", "big")  # PostgreSQL advisory lock serializing appends

audit_log = Table(
    "audit_log", metadata,
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
    Column("at", UtcDateTime(), nullable=False, index=True),
    Column("actor", String(200), nullable=False, index=True),
    Column("role", String(32)),
    Column("action", String(200), nullable=False),
    Column("target_type", String(50)),
    Column("target_id", String(100), index=True),
    Column("uscc", String(40), index=True),
    Column("request_id", String(100)),
    Column("client_address", String(100)),
    Column("before_digest", String(64)),
    Column("after_digest", String(64)),
    Column("detail", JSON(none_as_null=True)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
_LENGTHS = {c.name: c.type.length for c in audit_log.columns if isinstance(c.type, String) and c.type.length}
HASHED = ("seq", "at", "actor", "role", "action", "target_type", "target_id", "uscc", "request_id",
          "client_address", "before_digest", "after_digest", "detail", "prev_hash")

# ---------------------------------------------------------------- append-only, enforced by the database

_SQLITE_APPEND_ONLY = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END",
]
_POSTGRESQL_APPEND_ONLY = [
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION USING MESSAGE = 'audit_log is append-only: ' || TG_OP || ' refused', "
    "ERRCODE = 'insufficient_privilege'; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]
_DROP = {"sqlite": ["DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete"],
         "postgresql": ["DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
                        "DROP FUNCTION IF EXISTS audit_log_append_only()"]}


def install_append_only(connection: Connection) -> None:
    """The triggers refusing UPDATE and DELETE on audit_log (the migrations call this, and so does
    `metadata.create_all` through the table's after_create event)."""
    statements = {"sqlite": _SQLITE_APPEND_ONLY, "postgresql": _POSTGRESQL_APPEND_ONLY}[connection.dialect.name]
    for statement in statements:
        connection.exec_driver_sql(statement)


def remove_append_only(connection: Connection) -> None:
    for statement in _DROP[connection.dialect.name]:
        connection.exec_driver_sql(statement)


event.listen(audit_log, "after_create", lambda _table, connection, **_kw: install_append_only(connection))

# ---------------------------------------------------------------- canonical JSON, digests, the chain


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def canonical(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text as is: the same value always gives the same string."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_jsonable)


def digest(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode()).hexdigest()


def _instant(at: datetime) -> str:
    at = at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record_hash(row: Mapping[str, Any]) -> str:
    """The hash a record must carry: over its fields (`HASHED`, the previous record's hash included)."""
    return digest({name: _instant(row[name]) if name == "at" else row[name] for name in HASHED})


@dataclass(frozen=True)
class AuditEntry:
    """What one record says; append() adds seq, at, prev_hash and hash."""

    actor: str
    action: str
    role: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    uscc: str | None = None
    request_id: str | None = None
    client_address: str | None = None
    before_digest: str | None = None
    after_digest: str | None = None
    detail: dict[str, Any] | None = None


def _clip(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if not value.isprintable():  # no NUL or control characters
        value = "".join(ch if ch.isprintable() else "?" for ch in value)
    return value[:_LENGTHS[name]] if name in _LENGTHS else value


# built once: building a statement costs more than running it
_LOCK = text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=LOCK_KEY)
_LAST = select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
_INSERT = insert(audit_log)
_ENTRY_FIELDS = tuple(f.name for f in fields(AuditEntry))


def append(connection: Connection, entry: AuditEntry, *, at: datetime | None = None) -> int:
    """Append `entry` in the connection's transaction; returns its seq. Appends are serialized: on
    SQLite by the write transaction itself (BEGIN IMMEDIATE), on PostgreSQL by a transaction-level
    advisory lock taken before the last record is read, held until commit or rollback."""
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK)
    last = connection.execute(_LAST).first()
    row: dict[str, Any] = {name: _clip(name, getattr(entry, name)) for name in _ENTRY_FIELDS}
    if row["detail"] is not None:
        row["detail"] = json.loads(canonical(row["detail"]))  # what is stored is what was hashed
    row.update(seq=1 if last is None else last.seq + 1, prev_hash=GENESIS if last is None else last.hash,
               at=(at or datetime.now(timezone.utc)).astimezone(timezone.utc))
    row["hash"] = record_hash(row)
    connection.execute(_INSERT, row)
    return int(row["seq"])


@dataclass(frozen=True)
class Break:
    """The first record at which the chain does not hold, and what is wrong there."""

    seq: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    records: int
    head: str  # the last record's hash (GENESIS for an empty log): note it down to detect truncation
    broken: Break | None


def inspect_chain(engine: Engine | Connection, batch: int = 2000) -> ChainReport:
    """Walk the chain in seq order, recomputing every hash."""
    expected_seq, prev, count = 1, GENESIS, 0
    query = select(audit_log).order_by(audit_log.c.seq)
    with _connected(engine) as conn:
        for row in conn.execution_options(yield_per=batch).execute(query).mappings():
            broken = _check(row, expected_seq, prev)
            if broken is not None:
                return ChainReport(count, prev, broken)
            expected_seq, prev, count = row["seq"] + 1, row["hash"], count + 1
    return ChainReport(count, prev, None)


def verify(engine: Engine | Connection) -> Break | None:
    """None when the chain is intact; otherwise the first broken record."""
    return inspect_chain(engine).broken


def _check(row: Mapping[str, Any], expected_seq: int, prev: str) -> Break | None:
    seq = row["seq"]
    if seq != expected_seq:
        return Break(expected_seq, f"records {expected_seq}..{seq - 1} are missing (deleted); the next is {seq}")
    if row["prev_hash"] != prev:
        return Break(seq, f"prev_hash {row['prev_hash'][:16]}… is not the hash of record {seq - 1} ({prev[:16]}…): "
                          f"record {seq - 1} was rewritten and re-hashed, or this record re-chained")
    recomputed = record_hash(row)
    if recomputed != row["hash"]:
        return Break(seq, f"its fields do not match its hash (stored {row['hash'][:16]}…, recomputed "
                          f"{recomputed[:16]}…): the record was edited after it was written")
    return None


@contextmanager
def _connected(engine: Engine | Connection) -> Iterator[Connection]:
    if isinstance(engine, Connection):
        yield engine
        return
    with engine.connect() as conn:
        yield conn
