"""The search service's composition root: settings -> database -> unit of work -> index -> workers."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from services.search.adapters.unit_of_work import SearchUnitOfWork
from services.search.domain.stats import Goals
from services.search.service_layer import handlers
from services.search.service_layer.ports import IndexUnavailable, SearchIndex
from shared.clock import Clock, SystemClock
from shared.db import Database
from shared.events.bus import Bus, build_bus
from shared.events.consumer import ConsumerRunner
from shared.migrate import upgrade
from shared.runtime import Workers
from shared.settings import Settings

SERVICE = "search"
MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


def build_index(settings: Settings) -> SearchIndex:
    if settings.search_backend == "elasticsearch":
        from services.search.adapters.index_elasticsearch import ElasticsearchIndex

        return ElasticsearchIndex(settings.elasticsearch_url, settings.elasticsearch_index,
                                  compatibility_media_types=settings.elasticsearch_compatibility_media_types,
                                  timeout_seconds=settings.elasticsearch_timeout_seconds)
    from services.search.adapters.index_sqlite import SqliteFtsIndex

    path = settings.search_index_path or (settings.data_dir / "search_index.db").as_posix()
    return SqliteFtsIndex(path, busy_timeout_ms=settings.sqlite_busy_timeout_ms)


@dataclass
class IndexSyncer:
    """Moves marked documents to the index; after an outage it checks the whole index (a restarted
    server may have come back empty) and repairs what is missing."""

    uow_factory: handlers.UowFactory
    index: SearchIndex
    clock: Clock
    batch: int = 500
    poll_seconds: float = 0.2
    wakeup: threading.Event = field(default_factory=threading.Event)
    synced: int = 0
    check_seconds: float = 60.0
    outage: bool = True  # check the index once at start
    _swept: date | None = None
    _next_check: float = 0.0

    def sync_once(self) -> int:
        today = self.clock.today()
        if self._swept is None:
            self._swept = handlers.yesterday(today, 30)
        if self._swept < today:
            handlers.mark_lapsed_ratings(self.uow_factory, self._swept, today)
            self._swept = today
        if self.outage or time.monotonic() >= self._next_check:
            self._check()
        # one read of the queue and the bundles; the index is ensured only when there is work
        moved = handlers.sync_index(self.uow_factory, self.index, today, self.batch, ensure=True)
        self.synced += moved
        return moved

    def _check(self) -> None:
        """After an outage, and every `check_seconds`: does the index hold as many documents as it should?"""
        created = self.index.ensure()
        with self.uow_factory() as uow:
            expected = uow.projection.count_organizations()
            queued = uow.projection.dirty(1)
        held = self.index.count()
        if created or (held != expected and not queued):
            log.warning("search index holds %d documents, the projection %d: re-marking all", held, expected)
            handlers.mark_everything(self.uow_factory)
        self.outage, self._next_check = False, time.monotonic() + self.check_seconds

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                moved = self.sync_once()
            except IndexUnavailable as exc:
                log.warning("search index unavailable, documents kept marked: %s", exc)
                self.outage, moved = True, 0
                stop.wait(1.0)
            except Exception:  # noqa: BLE001 - the loop must outlive a bad moment
                log.exception("index sync failed; retrying")
                moved = 0
                stop.wait(1.0)
            if moved < self.batch:  # a short batch emptied the queue: wait (a full one: straight on)
                self.wakeup.wait(self.poll_seconds)
                self.wakeup.clear()


@dataclass
class SearchContainer:
    settings: Settings
    clock: Clock
    db: Database
    bus: Bus
    index: SearchIndex
    syncer: IndexSyncer
    goals: Goals
    consumers: list[ConsumerRunner] = field(default_factory=list)
    workers: Workers = field(default_factory=lambda: Workers(SERVICE))

    def uow(self) -> SearchUnitOfWork:
        return SearchUnitOfWork(self.db, source=f"/socreg/{SERVICE}", clock=self.clock,
                                on_commit=self.syncer.wakeup.set)

    def start_workers(self) -> None:
        self.workers.add("index-sync", self.syncer.run)
        for runner in self.consumers:
            self.workers.add(runner.name, runner.run)
        self.workers.start()

    def close(self) -> None:
        self.workers.stop()
        for runner in self.consumers:
            runner.close()
        self.index.close()
        self.db.dispose()


def migrate(settings: Settings) -> None:
    upgrade(MIGRATIONS, settings.database_url(SERVICE))


def bootstrap(settings: Settings, *, clock: Clock | None = None, bus: Bus | None = None,
              index: SearchIndex | None = None, run_migrations: bool = True) -> SearchContainer:
    if run_migrations:
        migrate(settings)
    clock = clock or SystemClock()
    db = Database.connect(settings.database_url(SERVICE), settings.sqlite_busy_timeout_ms)
    index = index or build_index(settings)
    holder: list[SearchContainer] = []
    syncer = IndexSyncer(lambda: holder[0].uow(), index, clock, settings.search_sync_batch,
                         min(settings.consumer_poll_seconds, 0.1))
    container = SearchContainer(settings, clock, db, bus or build_bus(settings), index, syncer,
                                Goals(settings.search_population, settings.search_goal_total,
                                      settings.search_goal_rated_share, settings.search_inspection_min_share,
                                      settings.inspection_min_ratio_district / 100))
    holder.append(container)
    return container
