"""FastAPI mechanisms every service uses: problem details (RFC 9457) from one handler, the body
size limit, bearer-token principals, Prometheus metrics and the health endpoints."""
from __future__ import annotations

import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.security import OAuth2PasswordBearer
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import audit
from shared.accounts import current_principal
from shared.auth import Principal, read_token
from shared.errors import Forbidden, SocregError, Unauthorized
from shared.webui.docs import install_docs
from shared.webui.pages import html_error, install_webui
from shared.webui.security import SecurityHeadersMiddleware
from shared.webui.session import SESSION_COOKIE

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


@dataclass(frozen=True)
class OperationsAccess:
    """Who reads /readyz and /metrics (/healthz is always public). Outside the embedded demo they say
    which dependency is down and how busy each route is, so they are closed unless the settings open
    them (operations_public) or the caller shows the operations token (operations_token) as a bearer
    token, as Prometheus and an orchestrator's probe can."""

    public: bool
    token: str = ""

    @classmethod
    def of(cls, settings: Any) -> "OperationsAccess":
        return cls(public=bool(settings.demo or settings.operations_public), token=settings.operations_token)

    def check(self, request: Request) -> None:
        if self.public:
            return
        if not self.token:
            raise Forbidden("the operations endpoints are not public here: set SOCREG_OPERATIONS_TOKEN and send "
                            "it as a bearer token (or SOCREG_OPERATIONS_PUBLIC=true on a closed network)",
                            rule="operations-not-public")
        scheme, _, supplied = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(supplied.strip().encode(), self.token.encode()):
            raise Unauthorized("send the operations token (SOCREG_OPERATIONS_TOKEN) as a bearer token")


_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")


class RequestContextMiddleware:
    """Pure ASGI: gives every HTTP request an id (the caller's X-Request-ID when it is a plain token of
    up to 100 characters, else a new one), echoes it in the answer's X-Request-ID header, and makes the
    request's audit context current while the request runs (shared.audit): the id, the client address,
    the route and its path parameters, and the principal of its bearer token or session cookie, read
    only when a record is written."""

    def __init__(self, app: ASGIApp, secret_key: str) -> None:
        self.app, self.secret_key = app, secret_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        asked = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = asked if _REQUEST_ID.fullmatch(asked) else uuid.uuid4().hex
        client = scope.get("client")
        context = audit.AuditContext(request_id=request_id, client_address=client[0] if client else None,
                                     scope=scope, principal=lambda: _token_principal(headers, self.secret_key))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                   (b"x-request-id", request_id.encode())]}
            await send(message)

        token = audit.activate(context)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            audit.deactivate(token)


def _token_principal(headers: dict[bytes, bytes], secret: str) -> tuple[str, str | None] | None:
    """The username and role of the request's bearer token, else of its page session cookie."""
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    token = authorization[7:].strip() if authorization[:7].lower() == "bearer " else None
    if not token:
        token = cookie_parser(headers.get(b"cookie", b"").decode("latin-1")).get(SESSION_COOKIE)
    if not token:
        return None
    try:
        principal = read_token(token, secret=secret)
    except SocregError:
        return None
    return principal.username, principal.role


def health_router(metrics: Metrics, checks: dict[str, Callable[[], bool]], *,
                  access: OperationsAccess) -> APIRouter:
    """/healthz for anyone; /readyz and /metrics as `access` allows."""
    router = APIRouter(tags=["operations"])
    operations = [Depends(access.check)]

    @router.get("/healthz", summary="alive")
    def healthz() -> dict[str, str]:
        """Public: the process answers. Container health checks use it."""
        return {"status": "ok"}

    @router.get("/readyz", summary="database, bus and search reachable", dependencies=operations)
    def readyz() -> JSONResponse:
        """Each dependency's state (200 ready, 503 not). Not public outside the embedded demo: send
        `Authorization: Bearer <SOCREG_OPERATIONS_TOKEN>` (401 without it, 403 when no token is
        configured), unless SOCREG_OPERATIONS_PUBLIC=true."""
        results = {name: _safe(check) for name, check in checks.items()}
        ok = all(results.values())
        body = {"status": "ready" if ok else "not ready", "checks": {k: "ok" if v else "down" for k, v in results.items()}}
        return JSONResponse(body, status_code=200 if ok else 503)

    @router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse, dependencies=operations)
    def metrics_text() -> PlainTextResponse:
        """Prometheus text format. Access as /readyz: the operations token outside the embedded demo."""
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
    """The token's principal while its session stands (shared.accounts: one primary-key read of the
    accounts store, so a sign-out, deactivation or role change ends it at once)."""
    if not token:
        return None
    principal = read_token(token, secret=request.app.state.secret_key)
    # async, and the read on the event loop: a threadpool hop per request costs more than the read
    return current_principal(request.app.state, principal)


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
    """A FastAPI app with socreg's mechanisms installed: problem details, body limit, metrics, security
    headers (shared/webui/security.py) and the API docs from local assets."""
    app = FastAPI(title=title, docs_url=None, redoc_url=None, swagger_ui_oauth2_redirect_url=None, **kwargs)
    app.state.secret_key = secret_key
    install_problem_handlers(app)
    install_database_handlers(app)
    metrics.install(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost of ours: the 413 above gets the headers too
    app.add_middleware(RequestContextMiddleware, secret_key=secret_key)  # request id and actor for the audit trail
    install_webui(app)
    install_docs(app)  # /docs and /redoc from local assets (the defaults load a CDN, with inline script)
    return app
