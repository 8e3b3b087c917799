"""The search service's FastAPI app (distributed mode: the service alone on its own port)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.search.bootstrap import SearchContainer
from services.search.entrypoints.api import audit_routes
from services.search.entrypoints.api.routes import router
from services.search.entrypoints.consumers import build_consumers
from services.search.entrypoints.web.routes import web_router
from shared.accounts import Accounts
from shared.web import Metrics, OperationsAccess, base_app, health_router


# the service's API, pages and audit trail; socreg/app.py mounts the same list in the embedded app
ROUTERS = [router, web_router, audit_routes.router]


def readiness_checks(container: SearchContainer) -> dict[str, object]:
    return {"search_database": container.db.ping, "bus": container.bus.ping, "search_index": container.index.ping}


def create_app(container: SearchContainer, *, run_workers: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if run_workers:
            container.consumers = build_consumers(container)
            container.start_workers()
        try:
            yield
        finally:
            container.close()
            app.state.accounts.close()

    metrics = Metrics()
    app = base_app("socreg search", secret_key=container.settings.secret_key,
                   max_body_bytes=container.settings.max_body_bytes, metrics=metrics, lifespan=lifespan)
    app.state.search = container
    app.state.accounts = Accounts.open(container.settings, container.db)  # sessions every request checks
    for service_router in ROUTERS:
        app.include_router(service_router)
    app.include_router(health_router(metrics, readiness_checks(container),  # type: ignore[arg-type]
                                     access=OperationsAccess.of(container.settings)))
    return app
