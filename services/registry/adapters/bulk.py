"""Bulk inserts for imports (a migrated register, the demo): many rows through the DBAPI's
executemany, each value converted once by the column type's own bind processor (so stored exactly
as SQLAlchemy stores it), without the per-row statement machinery of Connection.execute, which costs
more than the insert itself at tens of thousands of rows."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = conn.dialect
    columns = list(rows[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=columns)
    processors = {c: table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns}

    def convert(column: str, value: Any) -> Any:
        processor = processors[column]
        return value if processor is None or value is None else processor(value)

    if compiled.positional:
        order = list(compiled.positiontup or [])
        params: list[Any] = [tuple(convert(c, row[c]) for c in order) for row in rows]
    else:
        params = [{c: convert(c, row[c]) for c in columns} for row in rows]
    conn.exec_driver_sql(str(compiled), params)
