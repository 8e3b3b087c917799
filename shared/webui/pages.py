"""Server-rendered pages: one Jinja2 environment per service (its templates first, then the shared
layout), the page routers, and the HTML face of errors on pages.

A service builds ``Pages(Path(__file__).parent / "templates", messages=...)`` once and renders with
``pages.render(request, "x.html", title=..., **context)``. Routes on a router from ``page_router()``
are pages: an error raised in them is shown as an HTML page (401 becomes a redirect to the login
page) instead of a problem-details body, and they stay out of the OpenAPI document.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from shared.clock import CHINA
from shared.webui import charts
from shared.webui.i18n import HTML_LANG, LANG_COOKIE, Translator, request_lang
from shared.webui.session import csrf_token, login_url, page_principal

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
STATIC_PATH = "/static/socreg"


def _mark_page(request: Request) -> None:
    request.state.html_page = True


def page_router(**kwargs: Any) -> APIRouter:
    """A router whose routes are pages (HTML errors, not in the OpenAPI document)."""
    dependencies = [Depends(_mark_page), *kwargs.pop("dependencies", [])]
    return APIRouter(dependencies=dependencies, include_in_schema=False, **kwargs)


def _fmt_date(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if value.tzinfo else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def _fmt_yuan(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return f"¥{float(value):,.2f}"


def _fmt_pct(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


class Pages:
    def __init__(self, *template_dirs: Path, messages: Mapping[str, tuple[str, str]] | None = None) -> None:
        loader = ChoiceLoader([FileSystemLoader(str(d)) for d in (*template_dirs, TEMPLATES)])
        self.env = Environment(loader=loader, autoescape=select_autoescape(["html", "svg"]),
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.translate = Translator(messages or {})
        self.env.filters.update(date=_fmt_date, yuan=_fmt_yuan, pct=_fmt_pct)
        self.env.globals.update(bar_chart=charts.bar_chart, line_chart=charts.line_chart, static=STATIC_PATH)

    def t(self, request: Request, key: str, **params: Any) -> str:
        """`key` in the request's language (for titles and messages built in route code)."""
        return self.translate(request_lang(request), key, **params)

    def render(self, request: Request, template: str, *, title: str, status: int = 200,
               **context: Any) -> HTMLResponse:
        lang = request_lang(request)
        principal = page_principal(request)
        values = {
            "request": request, "title": title, "lang": lang, "html_lang": HTML_LANG[lang],
            "t": lambda key, **params: self.translate(lang, key, **params),
            "principal": principal, "csrf": csrf_token(request),
            "lang_switch_url": _with_query(request, lang="en" if lang == "zh" else "zh"),
            **context,
        }
        html = self.env.get_template(template).render(values)
        response = HTMLResponse(html, status_code=status)
        if request.query_params.get("lang") in ("zh", "en"):
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
        return response

    def error_page(self, request: Request, status: int, detail: str) -> HTMLResponse:
        lang = request_lang(request)
        title = self.translate(lang, f"error.{status}") if f"error.{status}" in self.translate.messages \
            else self.translate(lang, "error.title")
        return self.render(request, "error.html", title=title, status=status, status_code=status, detail=detail)


def _with_query(request: Request, **params: str) -> str:
    """This page's own path and query with `params` replaced (a relative link)."""
    url = request.url.include_query_params(**params)
    return f"{url.path}?{url.query}"


_shared_pages = Pages()


def html_error(request: Request, status: int, detail: str) -> Response | None:
    """The page answer for an error on a page route, or None for API routes (problem details)."""
    if not getattr(request.state, "html_page", False):
        return None
    if status == 401:
        return RedirectResponse(login_url(request), status_code=303)
    return _shared_pages.error_page(request, status, detail)


def install_webui(app: FastAPI) -> None:
    """Serve the shared assets (CSS, JS) locally: the machines are offline, so no CDN."""
    if not any(getattr(r, "path", None) == STATIC_PATH for r in app.routes):
        app.mount(STATIC_PATH, StaticFiles(directory=str(STATIC)), name="socreg-static")
