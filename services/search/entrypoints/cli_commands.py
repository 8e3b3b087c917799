"""`socreg search reindex` and `socreg search reconcile`: the work behind the two commands, with a
progress callback (the CLI passes a rich progress bar; tests pass nothing or a list)."""
from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from services.search import bootstrap as search_bootstrap
from services.search.adapters.orm import metadata
from services.search.adapters.unit_of_work import SearchUnitOfWork
from services.search.bootstrap import SearchContainer
from services.search.service_layer import maintenance
from shared.contracts import TOPICS, UnknownEventType, parse_data
from shared.db import Database
from shared.events.bus import Bus, Delivery
from shared.events.outbox import metadata as mechanism_metadata
from shared.settings import Settings

Progress = maintenance.Progress


def replay_from_start(bus: Bus, *, batch: int = 1_000, idle_seconds: float = 2.0) -> Iterator[list[tuple[str, str, Any]]]:
    """Every event on the bus from offset 0, in batches of (id, type, data), for a throwaway consumer
    group; ends at the first poll that finds nothing new. Unreadable events are skipped here (the
    live consumer parked them already)."""
    consumer = bus.consumer(f"search-reindex-{uuid.uuid4().hex[:10]}", sorted(set(TOPICS.values())))
    try:
        while True:
            deliveries = consumer.poll(batch, idle_seconds)
            if not deliveries:
                return
            yield [e for e in (_readable(d) for d in deliveries) if e is not None]
    finally:
        consumer.close()


def _readable(delivery: Delivery) -> tuple[str, str, Any] | None:
    try:
        envelope = delivery.envelope()
        return envelope.id, envelope.type, parse_data(envelope.type, envelope.data).model_dump()
    except (ValueError, UnknownEventType):
        return None


def _scratch(container: SearchContainer, folder: Path) -> Database:
    db = Database.connect(f"sqlite:///{(folder / 'replay.db').as_posix()}")
    for meta in (metadata, mechanism_metadata):
        meta.create_all(db.write_engine)
    return db


def reindex(container: SearchContainer, progress: Progress | None = None) -> maintenance.ReindexReport:
    """Rebuild the index from a replay of every event while the old index keeps serving, then swap."""
    container.settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="socreg-reindex-", dir=container.settings.data_dir) as tmp:
        scratch = _scratch(container, Path(tmp))
        try:
            def scratch_uow() -> SearchUnitOfWork:
                return SearchUnitOfWork(scratch, source="/socreg/search", clock=container.clock)

            return maintenance.reindex(replay_from_start(container.bus), scratch_uow, container.uow,
                                       container.index, container.clock.today(),
                                       progress=progress or maintenance._quiet)
        finally:
            scratch.dispose()


def reconcile(container: SearchContainer, progress: Progress | None = None,
              repair: bool = True) -> maintenance.ReconcileReport:
    """Count and a checksum per organization, projection against index; repair the drift."""
    container.index.ensure()
    return maintenance.reconcile(container.uow, container.index, container.clock.today(), repair=repair,
                                 progress=progress or maintenance._quiet)


def run_with_container(settings: Settings, job: Any, **kwargs: Any) -> Any:
    """For the CLI: bootstrap the search service, run `job(container, **kwargs)`, close."""
    container = search_bootstrap.bootstrap(settings)
    try:
        return job(container, **kwargs)
    finally:
        container.close()


def describe(report: Any) -> str:
    if isinstance(report, maintenance.ReindexReport):
        return (f"replayed {report.events} events ({report.skipped_duplicates} duplicates skipped), indexed "
                f"{report.indexed} organizations, the live projection took over {report.adopted}, then "
                f"{describe(report.reconcile)}")
    return (f"reconciled {report.projection} organizations against {report.index} documents: "
            f"{report.missing} missing, {report.extra} extra, {report.different} different; "
            f"{report.repaired} repaired")


def progress_bar(progress: Any) -> Progress:
    """A progress callback drawing one rich task per stage (pass a rich.progress.Progress)."""
    tasks: dict[str, Any] = {}

    def advance(stage: str, done: int, total: int | None) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        elif total is not None:
            progress.update(tasks[stage], total=total)
        progress.advance(tasks[stage], done)

    return advance
