"""The embedded mode: every service in one process on one port, each under its own prefix."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from services.registry import bootstrap as registry_bootstrap
from services.registry.entrypoints.api import app as registry_app
from services.registry.entrypoints.api.routes import router as registry_router
from services.registry.entrypoints.consumers import build_consumers as registry_consumers
from shared.clock import Clock
from shared.events.bus import Bus, build_bus
from shared.settings import Settings
from shared.web import Metrics, base_app, health_router


@dataclass
class Platform:
    settings: Settings
    bus: Bus
    registry: registry_bootstrap.RegistryContainer

    def start_workers(self) -> None:
        self.registry.consumers = registry_consumers(self.registry)
        self.registry.start_workers()

    def close(self) -> None:
        self.registry.close()
        self.bus.close()


def build_platform(settings: Settings, *, clock: Clock | None = None) -> Platform:
    bus = build_bus(settings)
    registry = registry_bootstrap.bootstrap(settings, clock=clock, bus=bus)
    return Platform(settings, bus, registry)


def create_app(platform: Platform, *, run_workers: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if run_workers:
            platform.start_workers()
        try:
            yield
        finally:
            platform.close()

    metrics = Metrics()
    app = base_app("socreg", secret_key=platform.settings.secret_key, max_body_bytes=platform.settings.max_body_bytes,
                   metrics=metrics, lifespan=lifespan,
                   description="Register of record and credit supervision for social organizations (社会组织).")
    app.state.registry = platform.registry
    app.include_router(registry_router)
    app.include_router(health_router(metrics, registry_app.readiness_checks(platform.registry)))  # type: ignore[arg-type]
    return app
