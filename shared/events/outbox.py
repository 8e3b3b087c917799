"""Tables every service database carries: the transactional outbox (Debezium column names), the
consumer's processed-event ids, and the dead-letter place for poison events."""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text

from shared.types import UtcDateTime

metadata = MetaData()

_seq = BigInteger().with_variant(Integer(), "sqlite")

outbox_table = Table(
    "outbox", metadata,
    Column("seq", _seq, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("aggregatetype", String(100), nullable=False),
    Column("aggregateid", String(64), nullable=False),
    Column("type", String(100), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True, index=True),
)

processed_event_table = Table(
    "processed_events", metadata,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("processed_at", UtcDateTime(), nullable=False),
)

dead_letter_table = Table(
    "dead_letters", metadata,
    Column("seq", _seq, primary_key=True, autoincrement=True),
    Column("consumer", String(100), nullable=False, index=True),
    Column("event_id", String(64), nullable=True),
    Column("type", String(100), nullable=True),
    Column("payload", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("failed_at", UtcDateTime(), nullable=False),
)
