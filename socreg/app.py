"""The embedded mode: every service in one process on one port, each under its own prefix.

The services still talk only through the bus (one SQLite event log by default); this module is
the composition root that builds each service's container, includes its routes, and runs its
relay, consumers and scheduler in the one process.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

from shared.accounts import Accounts
from shared.clock import Clock
from shared.events.bus import Bus, build_bus
from shared.scheduler import Scheduler
from shared.settings import Settings
from shared.web import Metrics, OperationsAccess, base_app, health_router

ALL_SERVICES = ("registry", "inspection", "search")


@dataclass
class Platform:
    settings: Settings
    bus: Bus
    registry: Any = None
    inspection: Any = None
    search: Any = None
    schedulers: list[Scheduler] = field(default_factory=list)

    def containers(self) -> dict[str, Any]:
        return {name: c for name in ALL_SERVICES if (c := getattr(self, name)) is not None}

    def start_workers(self, *, schedulers: bool = True) -> None:
        for name, container in self.containers().items():
            container.consumers = _wiring(name).build_consumers(container)
            container.start_workers()
            if schedulers and (build := _wiring(name).build_scheduler) is not None:
                self.schedulers.append(build(container))
        for scheduler in self.schedulers:
            scheduler.start()

    def close(self) -> None:
        for scheduler in self.schedulers:
            scheduler.shutdown()
        for container in self.containers().values():
            container.close()
        self.bus.close()


@dataclass(frozen=True)
class _Wiring:
    bootstrap: Callable[..., Any]
    routers: list[Any]
    readiness: Callable[[Any], dict[str, Any]]
    build_consumers: Callable[[Any], list[Any]]
    build_scheduler: Callable[[Any], Scheduler] | None


def _wiring(service: str) -> _Wiring:
    if service == "registry":
        from services.registry import bootstrap as registry
        from services.registry.entrypoints import consumers as registry_consumers
        from services.registry.entrypoints import jobs as registry_jobs
        from services.registry.entrypoints.api import app as registry_app
        from services.registry.entrypoints.api import audit_routes as registry_audit
        from services.registry.entrypoints.api.report_routes import report_router
        from services.registry.entrypoints.api.routes import router as registry_router
        from services.registry.entrypoints.api.sanction_routes import router as sanction_router
        from services.registry.entrypoints.web.routes import web_router as registry_pages

        return _Wiring(registry.bootstrap, [registry_router, report_router, sanction_router, registry_pages,
                                            registry_audit.router],
                       registry_app.readiness_checks,
                       registry_consumers.build_consumers, registry_jobs.build_scheduler)
    if service == "inspection":
        from services.inspection import bootstrap as inspection
        from services.inspection.entrypoints import consumers as inspection_consumers
        from services.inspection.entrypoints import jobs as inspection_jobs
        from services.inspection.entrypoints.api import app as inspection_app
        from services.inspection.entrypoints.api import audit_routes as inspection_audit
        from services.inspection.entrypoints.api.routes import router as inspection_router
        from services.inspection.entrypoints.web.routes import web_router as inspection_pages

        return _Wiring(inspection.bootstrap, [inspection_router, inspection_pages, inspection_audit.router],
                       inspection_app.readiness_checks,
                       inspection_consumers.build_consumers, inspection_jobs.build_scheduler)
    from services.search import bootstrap as search
    from services.search.entrypoints import consumers as search_consumers
    from services.search.entrypoints.api import app as search_app
    from services.search.entrypoints.api import audit_routes as search_audit
    from services.search.entrypoints.api.routes import router as search_router
    from services.search.entrypoints.web.routes import web_router as search_pages

    return _Wiring(search.bootstrap, [search_router, search_pages, search_audit.router], search_app.readiness_checks,
                   search_consumers.build_consumers, None)


def build_platform(settings: Settings, *, clock: Clock | None = None,
                   services: tuple[str, ...] = ALL_SERVICES) -> Platform:
    bus = build_bus(settings)
    platform = Platform(settings, bus)
    for name in services:
        setattr(platform, name, _wiring(name).bootstrap(settings, clock=clock, bus=bus))
    return platform


def create_app(platform: Platform, *, run_workers: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if run_workers:
            platform.start_workers()
        try:
            yield
        finally:
            platform.close()
            app.state.accounts.close()

    metrics = Metrics()
    app = base_app("socreg", secret_key=platform.settings.secret_key, max_body_bytes=platform.settings.max_body_bytes,
                   metrics=metrics, lifespan=lifespan,
                   description="Register of record and credit supervision for social organizations (社会组织).")
    app.state.accounts = Accounts.open(platform.settings,  # the sessions every request checks
                                       *(getattr(c, "db", None) for c in platform.containers().values()))
    checks: dict[str, Any] = {}
    for name, container in platform.containers().items():
        setattr(app.state, name, container)
        for router in _wiring(name).routers:
            app.include_router(router)
        checks.update(_wiring(name).readiness(container))
    app.include_router(health_router(metrics, checks, access=OperationsAccess.of(platform.settings)))
    return app
