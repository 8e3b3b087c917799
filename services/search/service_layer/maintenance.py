"""Rebuilding and reconciling the index (`socreg search reindex` / `socreg search reconcile`).

reindex: replay every event from the start of the bus into a scratch projection, build a fresh
index from it while the live one keeps serving, swap it in atomically; the live projection takes
over what the replay knows better (e.g. after the search database was lost), then the index is
reconciled against it (anything that changed during the rebuild is marked and re-synced).

reconcile: count and a checksum per organization, projection against index; what differs, is
missing or is extra is marked, and the marks are drained into the index.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.search.service_layer.handlers import UowFactory, apply_event, documents_for, drain_index
from services.search.service_layer.ports import SearchIndex

Progress = Callable[[str, int, int | None], None]  # stage, how many more done, stage total if known
REPLAY_CONSUMER = "search-reindex"


def _quiet(_stage: str, _done: int, _total: int | None) -> None:
    return None


@dataclass
class ReconcileReport:
    projection: int
    index: int
    missing: int
    extra: int
    different: int
    repaired: int

    @property
    def drift(self) -> int:
        return self.missing + self.extra + self.different


@dataclass
class ReindexReport:
    events: int
    skipped_duplicates: int
    indexed: int
    adopted: int
    reconcile: ReconcileReport


def expected_checksums(uow_factory: UowFactory, today: date, progress: Progress, batch: int) -> dict[str, str]:
    with uow_factory() as uow:
        total = uow.projection.count_organizations()
    expected: dict[str, str] = {}
    after = ""
    while True:
        with uow_factory() as uow:
            usccs = uow.projection.usccs_after(after, batch)
            docs, _ = documents_for(uow, usccs, today)
        if not usccs:
            return expected
        expected.update((d.uscc, d.to_dict()["checksum"]) for d in docs)
        after = usccs[-1]
        progress("checking the projection", len(usccs), total)


def reconcile(uow_factory: UowFactory, index: SearchIndex, today: date, *, repair: bool = True,
              progress: Progress = _quiet, batch: int = 1_000) -> ReconcileReport:
    expected = expected_checksums(uow_factory, today, progress, batch)
    actual: dict[str, str] = {}
    for uscc, digest in index.checksums():
        actual[uscc] = digest
        if len(actual) % batch == 0:
            progress("reading the index", batch, None)
    missing = expected.keys() - actual.keys()
    extra = actual.keys() - expected.keys()
    different = {u for u in expected.keys() & actual.keys() if expected[u] != actual[u]}
    repaired = 0
    if repair and (missing or extra or different):
        marked = sorted(missing | extra | different)
        for start in range(0, len(marked), batch):
            with uow_factory() as uow:
                uow.projection.mark_dirty(marked[start:start + batch])
                uow.commit()
        repaired = drain_index(uow_factory, index, today)
        progress("repairing", repaired, len(marked))
    return ReconcileReport(len(expected), len(actual), len(missing), len(extra), len(different), repaired)


def replay_into(scratch_uow: UowFactory, batches: Iterable[list[tuple[str, str, dict[str, Any]]]],
                progress: Progress) -> tuple[int, int]:
    """Apply (event id, type, data) batches to the scratch projection, each event once."""
    events = duplicates = 0
    for chunk in batches:
        with scratch_uow() as uow:
            for event_id, event_type, data in chunk:
                if uow.already_processed(REPLAY_CONSUMER, event_id):  # type: ignore[attr-defined]
                    duplicates += 1
                    continue
                apply_event(event_type, data, uow)
                uow.mark_processed(REPLAY_CONSUMER, event_id)  # type: ignore[attr-defined]
            uow.commit()
        events += len(chunk)
        progress("replaying events", len(chunk), None)
    return events, duplicates


def build_generation(scratch_uow: UowFactory, index: SearchIndex, generation: str, today: date,
                     progress: Progress, batch: int) -> int:
    with scratch_uow() as uow:
        total = uow.projection.count_organizations()
    after, indexed = "", 0
    while True:
        with scratch_uow() as uow:
            usccs = uow.projection.usccs_after(after, batch)
            docs, _ = documents_for(uow, usccs, today)
        if not usccs:
            return indexed
        index.bulk_into(generation, docs)
        indexed, after = indexed + len(docs), usccs[-1]
        progress("indexing", len(usccs), total)


def adopt_replayed(scratch_uow: UowFactory, live_uow: UowFactory, progress: Progress, batch: int) -> int:
    """Where the replay saw more of an organization than the live projection holds (the live one was
    lost or is behind), the live projection takes the replayed rows; where the live one is ahead
    (events consumed while the replay ran), it stays. Returns how many were taken over."""
    after, adopted = "", 0
    while True:
        with scratch_uow() as scratch:
            usccs = scratch.projection.usccs_after(after, batch)
            bundles = scratch.projection.bundles(usccs)
        if not usccs:
            return adopted
        with live_uow() as live:
            held = live.projection.versions(usccs)
            newer = [bundles[u] for u in usccs if bundles[u].organization["version"] > held.get(u, -1)]
            for bundle in newer:
                live.projection.replace_bundle(bundle)
            live.projection.mark_dirty(b.organization["uscc"] for b in newer)
            live.commit()
        adopted, after = adopted + len(newer), usccs[-1]
        progress("adopting the replay", len(usccs), None)


def reindex(batches: Iterable[list[tuple[str, str, dict[str, Any]]]], scratch_uow: UowFactory,
            live_uow: UowFactory, index: SearchIndex, today: date, *, progress: Progress = _quiet,
            batch: int = 1_000) -> ReindexReport:
    generation = index.start_rebuild()
    try:
        events, duplicates = replay_into(scratch_uow, batches, progress)
        indexed = build_generation(scratch_uow, index, generation, today, progress, batch)
        index.finish_rebuild(generation)
    except BaseException:
        index.abort_rebuild(generation)
        raise
    adopted = adopt_replayed(scratch_uow, live_uow, progress, batch)
    report = reconcile(live_uow, index, today, repair=True, progress=progress, batch=batch)
    return ReindexReport(events, duplicates, indexed, adopted, report)
