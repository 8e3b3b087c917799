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

        return _Wiring(registry.bootstrap, registry_app.ROUTERS,
                       registry_app.readiness_checks,
                       registry_consumers.build_consumers, registry_jobs.build_scheduler)
    if service == "inspection":
        from services.inspection import bootstrap as inspection
        from services.inspection.entrypoints import consumers as inspection_consumers
        from services.inspection.entrypoints import jobs as inspection_jobs
        from services.inspection.entrypoints.api import app as inspection_app

        return _Wiring(inspection.bootstrap, inspection_app.ROUTERS,
                       inspection_app.readiness_checks,
                       inspection_consumers.build_consumers, inspection_jobs.build_scheduler)
    from services.search import bootstrap as search
    from services.search.entrypoints import consumers as search_consumers
    from services.search.entrypoints.api import app as search_app

    return _Wiring(search.bootstrap, search_app.ROUTERS, search_app.readiness_checks,
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
