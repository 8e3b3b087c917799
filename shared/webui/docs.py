"""/docs (Swagger UI) and /redoc served from local files, under the Content-Security-Policy.

The machines are offline in production, so FastAPI's default pages (which load Swagger UI and
ReDoc from a CDN and start them with an inline script) are replaced: the bundles come from the
PyPI package `fastapi-offline` (its static/ folder: swagger-ui-bundle.js, swagger-ui.css,
redoc.standalone.js), mounted at /static/docs, and Swagger UI is started by
/static/socreg/swagger-init.js, which reads the document's address from a data attribute. The
password flow of the "Authorize" dialog posts to /auth/token and needs no OAuth2 redirect page.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
DOCS_STATIC_PATH = "/static/docs"
_SOCREG_STATIC = "/static/socreg"

# ReDoc's bundle (styled-components) writes <style> elements and runs its search in a blob: worker;
# this page alone allows inline styles and blob: workers. Its scripts still come from here only.
REDOC_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "worker-src 'self' blob:", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'none'",
))


def _page(title: str, head: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n"
            f'<link rel="icon" type="image/png" href="{DOCS_STATIC_PATH}/favicon.png">\n{head}</head>\n'
            f"<body>\n{body}</body>\n</html>\n")


def swagger_page(title: str, openapi_url: str) -> str:
    return _page(f"{title} - Swagger UI",
                 f'<link rel="stylesheet" href="{DOCS_STATIC_PATH}/swagger-ui.css">\n',
                 f'<div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>\n'
                 f'<script src="{DOCS_STATIC_PATH}/swagger-ui-bundle.js"></script>\n'
                 f'<script src="{_SOCREG_STATIC}/swagger-init.js"></script>\n')


def redoc_page(title: str, openapi_url: str) -> str:
    return _page(f"{title} - ReDoc", "",
                 f'<redoc spec-url="{escape(openapi_url)}"></redoc>\n'
                 f'<script src="{DOCS_STATIC_PATH}/redoc.standalone.js"></script>\n')


def install_docs(app: FastAPI) -> None:
    """/docs and /redoc from local assets. The app is created with docs_url=None, redoc_url=None."""
    if any(getattr(r, "path", None) == DOCS_STATIC_PATH for r in app.routes):
        return
    app.mount(DOCS_STATIC_PATH, StaticFiles(directory=str(DOCS_ASSETS)), name="socreg-docs-static")

    def openapi_url(request: Request) -> str:
        return f"{request.scope.get('root_path', '')}{app.openapi_url}"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return HTMLResponse(swagger_page(app.title, openapi_url(request)))

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return HTMLResponse(redoc_page(app.title, openapi_url(request)),
                            headers={"Content-Security-Policy": REDOC_POLICY})
