"""The change log of the inspector pool, plans and draws (issue 12): every change with its actor and
instant, written in the change's own transaction. Read-only to inspectors (GET /inspection/changes)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from services.inspection.service_layer.ports import UnitOfWork


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def record(uow: UnitOfWork, actor: str, action: str, subject: str, **detail: Any) -> None:
    """Inside an open unit of work."""
    uow.changes.record(uow.clock.now(), actor or "system", action, subject, _plain(detail))
