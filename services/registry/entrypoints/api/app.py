"""The registry's FastAPI app (distributed mode: the service alone on its own port)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.registry.bootstrap import RegistryContainer
from services.registry.entrypoints.api.report_routes import report_router
from services.registry.entrypoints.api import audit_routes
from services.registry.entrypoints.api.routes import router
from services.registry.entrypoints.api.sanction_routes import router as sanction_router
from services.registry.entrypoints.consumers import build_consumers
from services.registry.entrypoints.jobs import build_scheduler
from services.registry.entrypoints.web.routes import web_router
from shared.accounts import Accounts
from shared.web import Metrics, OperationsAccess, base_app, health_router


# the service's API, pages and audit trail; socreg/app.py mounts the same list in the embedded app
ROUTERS = [router, report_router, sanction_router, web_router, audit_routes.router]


def readiness_checks(container: RegistryContainer) -> dict[str, object]:
    return {"registry_database": container.db.ping, "bus": container.bus.ping}


def create_app(container: RegistryContainer, *, run_workers: bool = True,
               run_scheduler: bool | None = None) -> FastAPI:
    """run_workers: the relay and the consumers in this process; run_scheduler (default: as
    run_workers) the daily jobs too (overdue annual reports, expired ratings)."""
    scheduler_wanted = run_workers if run_scheduler is None else run_scheduler

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        scheduler = build_scheduler(container) if scheduler_wanted else None
        if run_workers:
            container.consumers = build_consumers(container)
            container.start_workers()
        if scheduler is not None:
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown()
            container.close()
            app.state.accounts.close()

    metrics = Metrics()
    app = base_app("socreg registry", secret_key=container.settings.secret_key,
                   max_body_bytes=container.settings.max_body_bytes, metrics=metrics, lifespan=lifespan)
    app.state.registry = container
    app.state.accounts = Accounts.open(container.settings, container.db)  # sessions every request checks
    for service_router in ROUTERS:
        app.include_router(service_router)
    app.include_router(health_router(metrics, readiness_checks(container),  # type: ignore[arg-type]
                                     access=OperationsAccess.of(container.settings)))
    return app
