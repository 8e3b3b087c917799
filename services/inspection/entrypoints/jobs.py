"""The inspection service's scheduled jobs (APScheduler 3, persistent job store in this service's
database, one run per occurrence across scheduler processes: shared.scheduler). Each job only
sends a command; every command is idempotent, so a retried or manual run changes nothing more."""
from __future__ import annotations

import os
import socket
from collections.abc import Callable

from services.inspection.bootstrap import SERVICE, InspectionContainer
from services.inspection.service_layer.handlers import credit, draws, rectifications, tasks
from shared.scheduler import Scheduler


def overdue_rectifications(container: InspectionContainer) -> Callable[[], int]:
    """inspection.rectification.overdue once per notice past its deadline without acceptance."""
    return lambda: rectifications.sweep_overdue(container.uow)


def due_draws(container: InspectionContainer) -> Callable[[], int]:
    """Draw every plan round whose draw date has come."""
    return lambda: draws.run_due_draws(container.uow, container.policy)


def due_publications(container: InspectionContainer) -> Callable[[], int]:
    """Publish every result whose publication deadline (working days) has come (一公开)."""
    return lambda: tasks.publish_due_results(container.uow)


def credit_sweep(container: InspectionContainer) -> Callable[[], int]:
    """Credit lists: every escalation, automatic removal and red-list change due by today, each on its date."""
    return lambda: credit.sweep(container.uow, container.credit_policy)


JOBS = {
    "overdue_rectifications": (overdue_rectifications, 0),
    "due_draws": (due_draws, 5),
    "due_publications": (due_publications, 10),
    "credit_sweep": (credit_sweep, None),  # minute: settings.credit_daily_job_minute
}


def build_scheduler(container: InspectionContainer, owner: str | None = None) -> Scheduler:
    """The scheduler with the daily jobs registered (start it with .start(), stop with .shutdown())."""
    owner = owner or f"{socket.gethostname()}:{os.getpid()}"
    scheduler = Scheduler(SERVICE, container.db, owner=owner)
    hour = container.settings.inspection_daily_job_hour
    for name, (command, minute) in JOBS.items():
        minute = container.settings.credit_daily_job_minute if minute is None else minute
        scheduler.daily(name, command(container), hour=hour, minute=minute)
    return scheduler
