"""One short function per job: apply an event to the projection; push changed documents to the index.

The consumer's unit of work records the projection change, marks the organization for (re)indexing
and records the event id in one transaction. A separate loop (`sync_index`) moves marked documents
to the index and clears the marks only after the index has them: an unavailable index delays the
index, it never loses an event, and the projection (and so the statistics) stays current.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from services.search.domain import projections
from services.search.domain.document import Document, build_document
from services.search.service_layer.ports import SearchIndex, SearchUnitOfWork

UowFactory = Callable[[], SearchUnitOfWork]


def apply_event(event_type: str, data: dict[str, Any], uow: SearchUnitOfWork) -> int:
    """Inside the consumer's unit of work (the runner commits): project, then mark for indexing."""
    changes = projections.project(event_type, data)
    touched = [uow.projection.apply(change) for change in changes]
    uow.projection.mark_dirty(u for u, c in zip(touched, changes) if projections.changes_document(c))
    return len(touched)


def documents_for(uow: SearchUnitOfWork, usccs: Sequence[str], today: date) -> tuple[list[Document], list[str]]:
    """The current documents of these organizations, and those that no longer have one."""
    bundles = uow.projection.bundles(usccs)
    return ([build_document(bundles[u], today) for u in usccs if u in bundles],
            [u for u in usccs if u not in bundles])


def sync_index(uow_factory: UowFactory, index: SearchIndex, today: date, batch: int = 500,
               ensure: bool = False) -> int:
    """Move one batch of marked documents to the index; returns how many. Raises IndexUnavailable.
    With `ensure`, an index found lost (a server restarted empty) first has everything marked again."""
    with uow_factory() as uow:
        pending = uow.projection.dirty(batch)
        if not pending:
            return 0
        docs, gone = documents_for(uow, [u for u, _ in pending], today)
    if ensure and index.ensure():
        mark_everything(uow_factory)
    index.bulk(docs, gone)
    with uow_factory() as uow:
        uow.projection.clear_dirty(pending)
        uow.commit()
    return len(pending)


def drain_index(uow_factory: UowFactory, index: SearchIndex, today: date, batch: int = 500) -> int:
    total = 0
    while (n := sync_index(uow_factory, index, today, batch)):
        total += n
    return total


def mark_lapsed_ratings(uow_factory: UowFactory, after: date, today: date) -> int:
    """A grade that expired since `after` must leave the index's documents (no event says so)."""
    if today <= after:
        return 0
    with uow_factory() as uow:
        usccs = uow.projection.ratings_lapsing(after, today)
        uow.projection.mark_dirty(usccs)
        uow.commit()
    return len(usccs)


def mark_everything(uow_factory: UowFactory, batch: int = 5_000) -> int:
    """Mark every organization for reindexing (after the index was lost, e.g. a restarted server)."""
    after, total = "", 0
    while True:
        with uow_factory() as uow:
            usccs = uow.projection.usccs_after(after, batch)
            uow.projection.mark_dirty(usccs)
            uow.commit()
        if not usccs:
            return total
        total, after = total + len(usccs), usccs[-1]


def yesterday(today: date, days: int = 1) -> date:
    return today - timedelta(days=days)
