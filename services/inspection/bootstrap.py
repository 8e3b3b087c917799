"""The inspection service's composition root: settings -> database -> unit of work -> handlers -> bus."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from services.inspection.adapters import orm
from services.inspection.adapters.unit_of_work import InspectionUnitOfWork
from services.inspection.domain.credit_policy import CreditPolicy
from services.inspection.domain.rules import Policy
from shared.clock import Clock, SystemClock
from shared.db import Database
from shared.events.bus import Bus, build_bus
from shared.events.consumer import ConsumerRunner
from shared.events.relay import OutboxRelay
from shared.migrate import upgrade
from shared.runtime import Workers
from shared.settings import Settings

SERVICE = "inspection"
MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class InspectionContainer:
    settings: Settings
    clock: Clock
    db: Database
    bus: Bus
    relay: OutboxRelay
    policy: Policy
    credit_policy: CreditPolicy = field(default_factory=CreditPolicy)
    consumers: list[ConsumerRunner] = field(default_factory=list)
    workers: Workers = field(default_factory=lambda: Workers(SERVICE))

    def uow(self, clock: Clock | None = None) -> InspectionUnitOfWork:
        """A unit of work on the container's clock (or on `clock`: the demo replays past years)."""
        return InspectionUnitOfWork(self.db, source=f"/socreg/{SERVICE}", clock=clock or self.clock,
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


def policy_from(settings: Settings) -> Policy:
    """The rules' settings, validated at start-up (a malformed holiday fails here, not in a rule)."""
    try:
        holidays = frozenset(date.fromisoformat(d) for d in settings.inspection_holidays)
    except ValueError as exc:
        raise ValueError(f"SOCREG_INSPECTION_HOLIDAYS: {exc} (use YYYY-MM-DD)") from exc
    low, high = settings.inspection_uncontactable_letter_days
    if not 0 < low <= high:
        raise ValueError("SOCREG_INSPECTION_UNCONTACTABLE_LETTER_DAYS: need 0 < min <= max")
    return Policy(min_ratio_city=_decimal(settings.inspection_min_ratio_city),
                  min_ratio_district=_decimal(settings.inspection_min_ratio_district),
                  default_ratio_charity=_decimal(settings.inspection_default_ratio_charity),
                  min_inspectors_per_task=settings.inspection_min_inspectors_per_task,
                  conflict_years=settings.inspection_conflict_years,
                  publication_working_days=settings.inspection_publication_working_days,
                  holidays=holidays, letter_interval_days=(low, high),
                  notice_prefix=settings.inspection_notice_prefix,
                  entry_working_days=settings.inspection_entry_working_days)


def credit_policy_from(settings: Settings, holidays: frozenset[date]) -> CreditPolicy:
    """The credit engine's settings (domain-rules.md §8: the DRAFT-ONLY and UNCONFIRMED values)."""
    try:
        start = date.fromisoformat(settings.credit_engine_start)
    except ValueError as exc:
        raise ValueError(f"SOCREG_CREDIT_ENGINE_START: {exc} (use YYYY-MM-DD)") from exc
    return CreditPolicy(auto_removal_months=settings.credit_auto_removal_months,
                        removal_working_days=settings.credit_removal_working_days,
                        serious_decision_working_days=settings.credit_serious_decision_working_days,
                        objection_working_days=settings.credit_objection_working_days,
                        red_min_grade=settings.credit_red_min_grade, red_clean_years=settings.credit_red_clean_years,
                        red_report_years=settings.credit_red_report_years,
                        report_first_year=settings.annual_report_first_year, engine_start=start, holidays=holidays)


def _decimal(value: float) -> Decimal:
    return Decimal(format(value, "g"))  # 4.0 -> 4, 100.0 -> 100, 3.5 -> 3.5


def migrate(settings: Settings) -> None:
    upgrade(MIGRATIONS, settings.database_url(SERVICE))


def bootstrap(settings: Settings, *, clock: Clock | None = None, bus: Bus | None = None,
              run_migrations: bool = True) -> InspectionContainer:
    orm.start_mappers()
    policy = policy_from(settings)
    if run_migrations:
        migrate(settings)
    db = Database.connect(settings.database_url(SERVICE), settings.sqlite_busy_timeout_ms)
    bus = bus or build_bus(settings)
    relay = OutboxRelay(db, bus, batch_size=settings.relay_batch_size, poll_seconds=settings.relay_poll_seconds)
    return InspectionContainer(settings, clock or SystemClock(), db, bus, relay, policy,
                               credit_policy_from(settings, policy.holidays))
