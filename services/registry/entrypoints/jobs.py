"""The registry's scheduled jobs (APScheduler 3 with its job store in the registry database, one
run per occurrence across scheduler processes: shared.scheduler). Each job only sends a command;
the commands are idempotent (one overdue fact per organization and year, one expiry per grade),
so a retried, manual or concurrent run announces nothing twice."""
from __future__ import annotations

import os
import socket
from collections.abc import Callable

from services.registry.bootstrap import SERVICE, RegistryContainer
from services.registry.service_layer import ratings, reports
from shared.scheduler import Scheduler


def overdue_annual_reports(container: RegistryContainer) -> Callable[[], int]:
    """registry.annual_report.overdue for every organization and year not filed by its deadline (R4.5)."""
    return lambda: reports.sweep_overdue(container.uow, container.report_policy, container.rating_policy)


def expired_ratings(container: RegistryContainer) -> Callable[[], int]:
    """registry.rating.expired for every grade at the end of its validity (R9.4)."""
    return lambda: ratings.sweep_expired(container.uow)


JOBS = {
    "overdue_annual_reports": (overdue_annual_reports, 0),
    "expired_ratings": (expired_ratings, 10),
}


def register_jobs(scheduler: Scheduler, container: RegistryContainer) -> None:
    """The registry's daily jobs on a scheduler (hour: SOCREG_ANNUAL_REPORT_DAILY_JOB_HOUR)."""
    hour = container.settings.annual_report_daily_job_hour
    for name, (command, minute) in JOBS.items():
        scheduler.daily(name, command(container), hour=hour, minute=minute)


def build_scheduler(container: RegistryContainer, owner: str | None = None) -> Scheduler:
    """A scheduler of its own for the registry (start with .start(), stop with .shutdown())."""
    scheduler = Scheduler(SERVICE, container.db, owner=owner or f"{socket.gethostname()}:{os.getpid()}")
    register_jobs(scheduler, container)
    return scheduler
