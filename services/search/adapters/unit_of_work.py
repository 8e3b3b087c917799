"""The search service's unit of work: the shared SQL unit of work plus the projection repository, and
the processed-event bookkeeping of a whole consumer batch in one statement."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.dialects import postgresql, sqlite

from services.search.adapters.repository import SqlProjectionRepository
from shared.db import SqlUnitOfWork
from shared.events.outbox import processed_event_table

_P = processed_event_table
_CLAIM = {dialect.__name__.rsplit(".", 1)[-1]: dialect.insert(_P).on_conflict_do_nothing(
    index_elements=["consumer", "event_id"]).returning(_P.c.event_id) for dialect in (postgresql, sqlite)}


class SearchUnitOfWork(SqlUnitOfWork):
    def _open(self) -> None:
        self.projection = SqlProjectionRepository(self.session)

    def __enter__(self) -> "SearchUnitOfWork":
        super().__enter__()
        return self

    def claim_events(self, consumer: str, event_ids: Sequence[str]) -> set[str]:
        """Record these events as processed by `consumer`; returns those not recorded before (the
        others were handled already: a redelivery). Inside the batch's transaction, so a rollback
        un-records them."""
        ids = list(dict.fromkeys(event_ids))
        if not ids:
            return set()
        now = self.clock.now()
        statement = _CLAIM[self.session.get_bind().dialect.name]
        rows = self.session.connection().execute(
            statement, [{"consumer": consumer, "event_id": e, "processed_at": now} for e in ids])
        return set(rows.scalars())
