"""The public pages of the search service: search, an organization's profile, the three published
credit lists and the goals dashboard. They read what the JSON endpoints read (the index port and the
statistics view), so a page and GET /search/... never disagree; nothing here needs a sign-in."""
from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from json import dumps
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape

from services.search.adapters import views
from services.search.domain.document import FACETS, GRADES
from services.search.domain.query import FILTER_VALUES, MAX_WINDOW, SearchQuery
from services.search.entrypoints.api.deps import Container
from services.search.entrypoints.api.routes import public
from services.search.entrypoints.web.pages import label, pages
from shared.errors import NotFound
from shared.webui import charts, page_router
from shared.webui.i18n import request_lang

router = page_router()

PAGE_SIZE = 20
LIST_PAGE_SIZE = 50
MAX_Q = 100
FIRST_DAY, LAST_DAY = date(1949, 10, 1), date(2200, 1, 1)
LISTS = ("abnormal", "serious", "red")
YEARS_BACK = 5  # the dashboard's "over time": 31 December of the last five years, and the chosen day


@router.get("/")
def home() -> Response:
    return RedirectResponse("/search/web/", status_code=303)


# ------------------------------------------------------------------------------------------- helpers

def _page_number(raw: str | None, last: int) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(1, number), last)


def _filters(request: Request) -> dict[str, str]:
    """The filters a URL asks for; values the index does not know are left out (a mangled link
    shows the wider search, not an error)."""
    out = {}
    for name in FACETS:
        value = (request.query_params.get(name) or "").strip()
        if not value:
            continue
        allowed = FILTER_VALUES.get(name)
        if (allowed is None and value.isdigit() and len(value) == 6) or (allowed is not None and value in allowed):
            out[name] = value
    return out


def _url(path: str, params: dict[str, Any]) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "") and not (k == "page" and v == 1)}
    return f"{path}?{urlencode(kept)}" if kept else path


def _pages_for(total: int, size: int) -> int:
    return max(1, math.ceil(min(total, MAX_WINDOW) / size))


# -------------------------------------------------------------------------------------------- search

@router.get("/search/web/")
def search_page(request: Request, c: Container) -> Response:
    lang = request_lang(request)
    raw_q = request.query_params.get("q", "")
    errors = {}
    if len(raw_q) > MAX_Q:
        errors["q"] = pages.t(request, "search.q_too_long")
    q = raw_q[:MAX_Q].strip()
    filters = _filters(request)
    last = MAX_WINDOW // PAGE_SIZE
    page = _page_number(request.query_params.get("page"), last)
    result = c.index.search(SearchQuery(q=q, filters=filters, page=page, size=PAGE_SIZE))
    pages_count = _pages_for(result.total, PAGE_SIZE)
    if page > pages_count:  # past the end (a shrunk result, an edited link): the last page instead
        page = pages_count
        result = c.index.search(SearchQuery(q=q, filters=filters, page=page, size=PAGE_SIZE))
    state: dict[str, Any] = {"q": q, **filters}

    def link(**changes: Any) -> str:
        params = {**state, "page": 1, **changes}
        return _url("/search/web/", params)

    facets = []
    for name in FACETS:
        counts = result.facets.get(name, {})
        values = _facet_values(name, counts)
        if not values:
            continue
        facets.append({"name": name, "label": pages.t(request, f"facet.{name}"), "values": [
            {"value": v, "label": label(lang, name, v), "count": n, "active": filters.get(name) == v,
             "url": link(**{name: None if filters.get(name) == v else v})} for v, n in values]})
    active = [{"name": k, "label": f"{pages.t(request, f'facet.{k}')}: {label(lang, k, v)}",
               "url": link(**{k: None})} for k, v in filters.items()]
    items = [public(d) for d in result.items]
    return pages.render(
        request, "search.html", title=pages.t(request, "search.title"), q=q, raw_q=raw_q[:MAX_Q], errors=errors,
        filters=filters, facets=facets, active=active, items=items, total=result.total, page=page,
        pages_count=pages_count, page_url=lambda n: link(page=n), clear_url=_url("/search/web/", {"q": q}),
        first=(page - 1) * PAGE_SIZE + 1, one_char=len(q) == 1, capped=result.total > MAX_WINDOW, max_window=MAX_WINDOW,
        lbl=lambda kind, value: label(lang, kind, value))


def _facet_values(name: str, counts: dict[str, int]) -> list[tuple[str, int]]:
    """A facet's values in a fixed, meaningful order (grades high to low, districts by code), zeros left
    out; the rating facet also offers 3A+ (the goal's grades together)."""
    if name == "rating":
        order = [*GRADES, "none"]
        values = [(g, counts.get(g, 0)) for g in order]
        top = sum(counts.get(g, 0) for g in ("5A", "4A", "3A"))
        values.insert(3, ("3A+", top))
    elif name == "district":
        values = sorted(counts.items())
    elif name in FILTER_VALUES:
        values = [(v, counts.get(v, 0)) for v in FILTER_VALUES[name]] + [
            (v, n) for v, n in counts.items() if v not in FILTER_VALUES[name]]
    else:
        values = list(counts.items())
    return [(v, n) for v, n in values if n]


# -------------------------------------------------------------------------------------- organization

@router.get("/search/web/organizations/{uscc}")
def organization_page(uscc: str, request: Request, c: Container) -> Response:
    lang = request_lang(request)
    key = uscc.strip().upper()[:40]
    doc = c.index.get(key) if key else None
    if doc is None:
        raise NotFound(pages.t(request, "org.not_found", uscc=key))
    org = public(doc)
    return pages.render(request, "organization.html", title=org["name"], org=org,
                        lbl=lambda kind, value: label(lang, kind, value))


# ------------------------------------------------------------------------------------------- lists

@router.get("/search/web/credit-lists/{list_name}")
def credit_list_page(list_name: str, request: Request, c: Container) -> Response:
    if list_name not in LISTS:
        raise NotFound(f"no credit list {list_name!r}; the lists are {', '.join(LISTS)}")
    lang = request_lang(request)
    q = request.query_params.get("q", "")[:MAX_Q].strip()
    last = MAX_WINDOW // LIST_PAGE_SIZE
    page = _page_number(request.query_params.get("page"), last)
    query = SearchQuery(q=q, filters={"credit_list": list_name}, page=page, size=LIST_PAGE_SIZE, facets=())
    result = c.index.search(query)
    pages_count = _pages_for(result.total, LIST_PAGE_SIZE)
    if page > pages_count:
        page = pages_count
        result = c.index.search(SearchQuery(q=q, filters={"credit_list": list_name}, page=page,
                                            size=LIST_PAGE_SIZE, facets=()))
    items = [{"uscc": d["uscc"], "name": d["name"], "district": d["district"], "status": d["status"],
              "entries": [e for e in d["list_entries"] if e["list"] == list_name]} for d in result.items]
    path = f"/search/web/credit-lists/{list_name}"
    return pages.render(
        request, "credit_list.html", title=label(lang, "credit_list", list_name), list_name=list_name,
        lists=[(name, label(lang, "credit_list", name), f"/search/web/credit-lists/{name}") for name in LISTS],
        q=q, items=items, total=result.total, page=page, pages_count=pages_count,
        page_url=lambda n: _url(path, {"q": q, "page": n}), lbl=lambda kind, value: label(lang, kind, value))


# ---------------------------------------------------------------------------------------- dashboard

def _parse_day(raw: str | None) -> date | None:
    try:
        day = date.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def series_days(day: date) -> list[date]:
    """31 December of the last YEARS_BACK years before `day`'s year, then `day` itself."""
    return [date(y, 12, 31) for y in range(day.year - YEARS_BACK, day.year) if date(y, 12, 31) >= FIRST_DAY] + [day]


@router.get("/search/web/dashboard")
def dashboard_page(request: Request, c: Container) -> Response:
    lang = request_lang(request)
    raw = request.query_params.get("as_of")
    errors = {}
    day = c.clock.today()
    if raw:
        parsed = _parse_day(raw)
        if parsed is None:
            errors["as_of"] = pages.t(request, "dash.bad_date")
        else:
            day = parsed
    days = series_days(day)
    with c.db.read_session() as session:
        by_day = views.statistics_many(session, days, c.goals)  # one read of the facts for every day shown
    stats = by_day[day]
    series = [(d, by_day[d]) for d in days]
    t: Callable[..., str] = lambda key, **kw: pages.translate(lang, key, **kw)  # noqa: E731
    charts = _charts(stats, series, lang, t)
    return pages.render(request, "dashboard.html", title=pages.t(request, "dash.title"), stats=stats,
                        series=series, day=day, raw_as_of=raw or day.isoformat(), errors=errors, charts=charts,
                        lbl=lambda kind, value: label(lang, kind, value), fig=figure,
                        tm=lambda key, **kw: Markup(escape(pages.translate(lang, key))).format(**kw))


def figure(path: str, value: Any, *, as_of: date | None = None, pct: bool = False) -> Any:
    """A figure of the statistics, marked for whoever checks it against GET /search/stats: the
    element carries the JSON path and the exact JSON value; the text is what a person reads."""
    if value is None:
        shown = "—"
    elif pct:
        shown = f"{float(value) * 100:.1f}%"
    elif isinstance(value, bool):
        shown = "✓" if value else "✗"
    elif isinstance(value, float):
        shown = f"{value:,.1f}"
    else:
        shown = f"{value:,}"
    when = f' data-as-of="{as_of.isoformat()}"' if as_of else ""
    return Markup(f'<span data-figure="{escape(path)}" data-value="{escape(dumps(value))}"{when}>'
                  f'{escape(shown)}</span>')


def _charts(stats: dict[str, Any], series: list[tuple[date, dict[str, Any]]], lang: str,
            t: Callable[..., str]) -> dict[str, Any]:
    def pct(v: float | None) -> float:
        return 0.0 if v is None else float(v) * 100

    rated = stats["rated_3a_plus_city_level"]["variant_all"]
    breakdown = stats["rated_3a_plus_breakdown"]
    return {
        "rated_type": charts.bar_chart(
            [(label(lang, "type", k), pct(v["variant_all"]["share"])) for k, v in breakdown["by_type"].items()],
            title=t("dash.rated_by_type_chart"), unit="%", goal=rated["goal"] * 100, data_table=False),
        "rated_district": charts.bar_chart(
            [(label(lang, "district", k), pct(v["variant_all"]["share"])) for k, v in breakdown["by_district"].items()],
            title=t("dash.rated_by_district_chart"), unit="%", goal=rated["goal"] * 100, data_table=False),
        "total": charts.line_chart([(d.isoformat(), s["total"]["total"]) for d, s in series],
                                   title=t("dash.chart_total"), goal=stats["total"]["goal"], data_table=False),
        "rated": charts.line_chart([(d.isoformat(), pct(s["rated_3a_plus_city_level"]["variant_all"]["share"]))
                                    for d, s in series], title=t("dash.chart_rated"), unit="%",
                                   goal=rated["goal"] * 100, data_table=False),
        "district": charts.bar_chart([(label(lang, "district", k), v) for k, v in stats["by_district"].items()],
                                     title=t("dash.by_district"), data_table=False),
        "type": charts.bar_chart([(label(lang, "type", k), v) for k, v in stats["by_type"].items()],
                                 title=t("dash.by_type"), data_table=False),
        "ratings": charts.bar_chart([(label(lang, "rating", k), v) for k, v in stats["rating_distribution"].items()],
                                    title=t("dash.ratings"), data_table=False),
        "filing": charts.bar_chart([(str(r["year"]), pct(r["rate"])) for r in stats["annual_report_filing"]],
                                   title=t("dash.filing"), unit="%", data_table=False)
        if stats["annual_report_filing"] else None,
        "lists": charts.bar_chart([(label(lang, "credit_list", k), v) for k, v in stats["credit_lists"].items()],
                                  title=t("dash.lists"), data_table=False),
        "inspections": charts.bar_chart(
            [(str(r["year"]), pct(r["share_of_city_level"])) for r in stats["inspections"]],
            title=t("dash.inspections"), unit="%", goal=stats["inspections"][0]["minimum"] * 100, data_table=False)
        if stats["inspections"] else None,
    }


web_router = APIRouter()
web_router.include_router(router)
