"""FastAPI mechanisms every service uses: problem details (RFC 9457) from one handler, the body
size limit, bearer-token principals, Prometheus metrics and the health endpoints."""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.security import OAuth2PasswordBearer
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import Principal, read_token
from shared.errors import SocregError, Unauthorized
from shared.webui.pages import html_error, install_webui

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, *, slug: str, instance: str | None = None,
            **extra: Any) -> JSONResponse:
    body = {"type": f"https://socreg.example/problems/{slug}", "title": title, "status": status,
            "detail": detail, **({"instance": instance} if instance else {}), **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _socreg_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SocregError)
    extra: dict[str, Any] = {}
    if exc.rule:
        extra["rule"] = exc.rule
    if exc.errors:
        extra["errors"] = [{"field": e.field, "message": e.message, **({"rule": e.rule} if e.rule else {})}
                           for e in exc.errors]
    response = problem(exc.status, exc.title, exc.detail, slug=exc.type_slug, instance=request.url.path, **extra)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or str(loc[0] if loc else "body")


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field_path(tuple(e.get("loc", ()))), "message": str(e.get("msg", ""))[:300],
               "rule": str(e.get("type", ""))} for e in exc.errors()]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:10])
    return problem(422, "Invalid input", detail, slug="invalid-input", instance=request.url.path, errors=errors)


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    response = problem(exc.status_code, str(exc.detail), str(exc.detail), slug=f"http-{exc.status_code}",
                       instance=request.url.path)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s", request.url.path, exc_info=exc)
    return problem(500, "Internal error", "an unexpected error occurred; it has been logged",
                   slug="internal", instance=request.url.path)


def _page_aware(handler: Callable[[Request, Exception], JSONResponse]) -> Callable[[Request, Exception], Response]:
    """On a page route the same error is shown as an HTML page (401: a redirect to the login page)."""
    def handle(request: Request, exc: Exception) -> Response:
        response = handler(request, exc)
        if getattr(request.state, "html_page", False):
            detail = json.loads(response.body).get("detail", "")
            return html_error(request, response.status_code, str(detail)) or response
        return response
    return handle


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SocregError, _page_aware(_socreg_error))
    app.add_exception_handler(RequestValidationError, _page_aware(_validation_error))
    app.add_exception_handler(StarletteHTTPException, _page_aware(_http_error))
    app.add_exception_handler(Exception, _page_aware(_unexpected))


class BodyLimitMiddleware:
    """413 for a body over the limit, whether declared by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await self._reject(scope, receive, send)
        seen, too_large, started = 0, False, False

        async def limited() -> Message:
            nonlocal seen, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                too_large = True  # the app sees the client go away; we answer 413 below
                return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if too_large:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, guarded)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(413, "Payload too large", f"request body over {self.max_bytes} bytes",
                           slug="payload-too-large")
        await response(scope, receive, send)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("socreg_http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("socreg_http_request_seconds", "HTTP request latency", ["route"],
                                 registry=self.registry)

    def install(self, app: FastAPI) -> None:
        app.add_middleware(_MetricsMiddleware, metrics=self)


class _MetricsMiddleware:
    """Pure ASGI (BaseHTTPMiddleware costs a task and a copy per request): counts requests by
    method, route template and status, and observes latency."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started, status = time.perf_counter(), 500

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - started)


def health_router(metrics: Metrics, checks: dict[str, Callable[[], bool]]) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="alive")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="database, bus and search reachable")
    def readyz() -> JSONResponse:
        results = {name: _safe(check) for name, check in checks.items()}
        ok = all(results.values())
        body = {"status": "ready" if ok else "not ready", "checks": {k: "ok" if v else "down" for k, v in results.items()}}
        return JSONResponse(body, status_code=200 if ok else 503)

    @router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
    def metrics_text() -> PlainTextResponse:
        return PlainTextResponse(generate_latest(metrics.registry).decode(), media_type=CONTENT_TYPE_LATEST)

    return router


def _safe(check: Callable[[], bool]) -> bool:
    try:
        return bool(check())
    except Exception:  # noqa: BLE001 - a failing check means "down"
        return False


oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


async def _optional_principal(request: Request,
                               token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal | None:
    # async: cheap CPU work stays on the event loop instead of a threadpool hop per request
    return read_token(token, secret=request.app.state.secret_key) if token else None


async def _principal(principal: Annotated[Principal | None, Depends(_optional_principal)]) -> Principal:
    if principal is None:
        raise Unauthorized("sign in first: POST /auth/token")
    return principal


MaybePrincipal = Annotated[Principal | None, Depends(_optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(_principal)]


def _database_errors(request: Request, exc: Exception) -> JSONResponse:
    """Races the rules could not see coming: a concurrent change (409) or a busy database (503)."""
    if isinstance(exc, DataError):
        return problem(422, "Invalid input", "a value cannot be stored (e.g. a NUL character)",
                       slug="invalid-input", instance=request.url.path)
    if isinstance(exc, (StaleDataError, IntegrityError)):
        return problem(409, "Conflict", "the record was changed by a concurrent request; reload and retry",
                       slug="conflict", instance=request.url.path, rule="concurrency")
    log.warning("database unavailable on %s: %s", request.url.path, exc)
    return problem(503, "Service unavailable", "the database is busy or unreachable; retry shortly",
                   slug="unavailable", instance=request.url.path)


def install_database_handlers(app: FastAPI) -> None:
    for error in (StaleDataError, IntegrityError, OperationalError, DataError):
        app.add_exception_handler(error, _page_aware(_database_errors))


def base_app(title: str, *, secret_key: str, max_body_bytes: int, metrics: Metrics, **kwargs: Any) -> FastAPI:
    """A FastAPI app with socreg's mechanisms installed: problem details, body limit, metrics."""
    app = FastAPI(title=title, **kwargs)
    app.state.secret_key = secret_key
    install_problem_handlers(app)
    install_database_handlers(app)
    metrics.install(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    install_webui(app)
    return app
