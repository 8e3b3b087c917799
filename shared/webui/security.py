"""Security headers on every answer, pages and API alike (issue 12, part 6).

- Content-Security-Policy: scripts and styles only from this origin (no inline script, no inline
  style, no eval), no plugins, no framing (frame-ancestors 'none'), forms post only here. Every page
  keeps its JavaScript in /static/socreg/*.js and its CSS in socreg.css; the SVG charts use
  presentation attributes, which CSP does not govern. A route that needs another policy (the ReDoc
  page, whose bundle injects <style> elements) sets its own header, which is kept.
- X-Content-Type-Options: nosniff, X-Frame-Options: DENY (for browsers without CSP level 2),
  Referrer-Policy: no-referrer (a page's address can carry a search or a USCC; nothing here reads
  the Referer), Cross-Origin-Opener-Policy: same-origin.
- Cache-Control: no-store on every answer to a signed-in request (a bearer token or the session
  cookie) and on every answer that sets a cookie, so no shared or browser cache keeps a page or a
  record meant for one person. The shared static assets are exempt (they are the same for all).

HSTS is the gateway's (deploy/gateway.conf): only it knows the site is served over HTTPS.
"""
from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

_ALWAYS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_CSP = b"content-security-policy"
_CACHE_CONTROL = b"cache-control"
_NO_STORE = b"no-store"
_STATIC_PREFIX = "/static/"


def _signed_in(scope: Scope, session_cookie: bytes) -> bool:
    for name, value in scope.get("headers") or ():
        if name == b"authorization" and value.strip():
            return True
        if name == b"cookie" and session_cookie in value:
            return True
    return False


class SecurityHeadersMiddleware:
    """Pure ASGI (as _MetricsMiddleware in shared/web.py): adds the headers above to the response
    start message of every HTTP answer, errors included."""

    def __init__(self, app: ASGIApp, session_cookie: str = "socreg_session",
                 policy: str = CONTENT_SECURITY_POLICY) -> None:
        self.app = app
        self.session_cookie = session_cookie.encode() + b"="
        self.policy = policy.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        private = not scope["path"].startswith(_STATIC_PREFIX) and _signed_in(scope, self.session_cookie)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self._headers(list(message.get("headers") or ()), private)
            await send(message)

        await self.app(scope, receive, with_headers)

    def _headers(self, headers: list[tuple[bytes, bytes]], private: bool) -> list[tuple[bytes, bytes]]:
        present = {name.lower() for name, _ in headers}
        if _CSP not in present:
            headers.append((_CSP, self.policy))
        headers.extend(item for item in _ALWAYS if item[0] not in present)
        if private or b"set-cookie" in present:
            headers = [(n, v) for n, v in headers if n.lower() != _CACHE_CONTROL]
            headers.append((_CACHE_CONTROL, _NO_STORE))
        return headers
