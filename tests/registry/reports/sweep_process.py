"""One process of the concurrent-sweep test: the overdue sweep of the registry database, as of a day.

usage: python -m tests.registry.reports.sweep_process DATABASE_URL DATA_DIR YYYY-MM-DD START_AT
(waits until the wall-clock instant START_AT so that both processes sweep at once; prints the
number of overdue events this process announced)
"""
from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from services.registry import bootstrap
from services.registry.service_layer import reports
from shared.clock import FixedClock
from shared.settings import Settings
from tests.fixtures.platform import TEST_SECRET


def main(url: str, data_dir: str, day: str, start_at: float) -> None:
    settings = Settings(secret_key=TEST_SECRET, data_dir=Path(data_dir), registry_database_url=url,
                        bus_sqlite_path=str(Path(data_dir) / "bus.db"))
    container = bootstrap.bootstrap(settings, clock=FixedClock(date.fromisoformat(day)), run_migrations=False)
    try:
        time.sleep(max(0.0, start_at - time.time()))
        print(reports.sweep_overdue(container.uow, container.report_policy), flush=True)
    finally:
        container.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]))
