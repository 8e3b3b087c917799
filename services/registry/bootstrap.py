"""The registry's composition root: settings -> database -> unit of work -> handlers -> bus."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from anyio import CapacityLimiter

from services.registry.adapters import orm
from services.registry.adapters.unit_of_work import RegistryUnitOfWork
from services.registry.policies import rating_policy, report_policy
from services.registry.domain.annual_report import ReportPolicy
from services.registry.domain.rating import RatingPolicy
from services.registry.service_layer.handlers import Policy
from shared.clock import Clock, SystemClock
from shared.db import Database, is_sqlite
from shared.events.bus import Bus, build_bus
from shared.events.consumer import ConsumerRunner
from shared.events.relay import OutboxRelay
from shared.migrate import upgrade
from shared.runtime import Workers
from shared.settings import Settings

SERVICE = "registry"
MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class RegistryContainer:
    settings: Settings
    clock: Clock
    db: Database
    bus: Bus
    relay: OutboxRelay
    policy: Policy
    consumers: list[ConsumerRunner] = field(default_factory=list)
    workers: Workers = field(default_factory=lambda: Workers(SERVICE))
    report_policy: ReportPolicy = field(default_factory=ReportPolicy)  # issue 3: annual reports
    rating_policy: RatingPolicy = field(default_factory=RatingPolicy)  # issue 3: evaluation ratings
    write_limiter: CapacityLimiter = field(init=False)

    def __post_init__(self) -> None:
        # writes queue for a few threads (one for SQLite, whose writers serialize anyway) instead of
        # forty threads taking turns at the database lock and the interpreter lock
        self.write_limiter = CapacityLimiter(1 if is_sqlite(self.db.url) else 8)

    def uow(self) -> RegistryUnitOfWork:
        return RegistryUnitOfWork(self.db, source=f"/socreg/{SERVICE}", clock=self.clock,
                                  on_commit=self.relay.wakeup.set)

    def start_workers(self) -> None:
        self.workers.add("relay", self.relay.run)
        for runner in self.consumers:
            self.workers.add(runner.name, runner.run)
        self.workers.start()

    def close(self) -> None:
        self.workers.stop()
        for runner in self.consumers:
            runner.close()
        self.db.dispose()


def migrate(settings: Settings) -> None:
    upgrade(MIGRATIONS, settings.database_url(SERVICE))


def bootstrap(settings: Settings, *, clock: Clock | None = None, bus: Bus | None = None,
              run_migrations: bool = True) -> RegistryContainer:
    orm.start_mappers()
    if run_migrations:
        migrate(settings)
    db = Database.connect(settings.database_url(SERVICE), settings.sqlite_busy_timeout_ms)
    bus = bus or build_bus(settings)
    relay = OutboxRelay(db, bus, batch_size=settings.relay_batch_size, poll_seconds=settings.relay_poll_seconds)
    return RegistryContainer(settings, clock or SystemClock(), db, bus, relay,
                             Policy(foundation_levels=settings.foundation_levels,
                                    audit_window_days=settings.governance_audit_window_days),
                             report_policy=report_policy(settings), rating_policy=rating_policy(settings))
