"""The overdue sweep's events, written to the outbox by one INSERT ... SELECT per sweep step.

A national backlog is hundreds of thousands of organization-years; building each event in Python and
inserting it row by row costs more than finding them. So the rows the sweep has just inserted into
annual_report_overdue (its sweep id) become outbox rows in the same transaction, set-based: the same
CloudEvents envelope as shared.events.envelope builds (the test suite checks both against each
other and every event against its contract), the event id a UUIDv7 whose last 32 bits count the rows
of the statement (RFC 9562 §6.2, method 1: unique and ordered within the millisecond of the sweep).
"""
from __future__ import annotations

import os
import time
import uuid
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from shared.contracts import schema_uri, validate_data
from shared.types import UtcDateTime

TYPE = "registry.annual_report.overdue"

_SELECT = """
SELECT :prefix || {counter} AS id, 'registry.annual_report' AS aggregatetype, d.uscc AS aggregateid,
       '{type}' AS type, {payload} AS payload, :created_at AS created_at
FROM (SELECT uscc, year, deadline, detected_on, submitted_on,
             row_number() OVER (ORDER BY uscc, year) AS rn
      FROM annual_report_overdue WHERE sweep_id = :sweep_id) AS d
"""
_ENVELOPE = ("'specversion', '1.0', 'id', :prefix || {counter}, 'type', '{type}', 'source', :source, "
             "'subject', d.uscc, 'time', :time, 'datacontenttype', 'application/json', 'dataschema', :schema, "
             "'data', {object}('uscc', d.uscc, 'year', d.year, 'deadline', {deadline}, "
             "'detected_on', {detected_on}, 'submitted_on', {submitted_on})")
_DIALECT = {
    "postgresql": {"counter": "lpad(to_hex(d.rn), 8, '0')", "object": "json_build_object",
                   "deadline": "to_char(d.deadline, 'YYYY-MM-DD')",
                   "detected_on": "to_char(d.detected_on, 'YYYY-MM-DD')",
                   "submitted_on": "to_char(d.submitted_on, 'YYYY-MM-DD')", "cast": "::text"},
    "sqlite": {"counter": "printf('%08x', d.rn)", "object": "json_object", "deadline": "d.deadline",
               "detected_on": "d.detected_on", "submitted_on": "d.submitted_on", "cast": ""},
}


def _statement(dialect: str) -> str:
    parts = _DIALECT[dialect]
    envelope = _ENVELOPE.format(type=TYPE, **{k: v for k, v in parts.items() if k != "cast"})
    payload = f"{parts['object']}({envelope}){parts['cast']}"
    select = _SELECT.format(counter=parts["counter"], type=TYPE, payload=payload)
    for name in ("prefix", "source", "time", "schema", "sweep_id"):  # typed for PostgreSQL's planner
        select = select.replace(f":{name}", f"CAST(:{name} AS VARCHAR)")
    return f"INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, created_at) {select}"


def id_prefix() -> str:
    """A UUIDv7 (now, random bits) up to its last 8 hex digits, which the statement fills with the row's number."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(6), "big")
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand & 0xFFF) << 64 | 0b10 << 62
    value |= ((rand >> 12) & ((1 << 30) - 1)) << 32  # 30 random bits; the low 32 bits: the row counter
    return str(uuid.UUID(int=value))[:-8]


def write_overdue_events(session: Session, sweep_id: str, source: str, now: datetime) -> int:
    validate_data(TYPE, {"uscc": "x", "year": 2000, "deadline": "2001-05-31", "detected_on": "2001-06-01",
                         "submitted_on": None})  # the contract still exists and has this shape
    dialect = session.get_bind().dialect.name
    statement = text(_statement(dialect)).bindparams(bindparam("created_at", type_=UtcDateTime()))
    result = session.execute(statement, {"prefix": id_prefix(), "source": source, "time": now.isoformat(),
                                         "schema": schema_uri(TYPE), "sweep_id": sweep_id, "created_at": now})
    return int(result.rowcount or 0)
