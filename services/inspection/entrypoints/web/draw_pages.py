"""Public pages (一公开): the published draws, one draw, and its verification. Each shows exactly what
the public JSON paths answer (their response schemas filter it): no personal data."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from services.inspection.entrypoints.api import routes_public, schemas
from services.inspection.entrypoints.api.deps import Container, IdPath, Page
from services.inspection.entrypoints.web.forms import done_key
from services.inspection.entrypoints.web.pages import pages
from services.inspection.entrypoints.web.verification import recompute, verification
from shared.webui import page_router

router = page_router()
PAGE_SIZE = 20


@router.get("/inspection/web/draws")
def draw_list(request: Request, c: Container, page: Page = 1) -> Response:
    found = schemas.DrawPage.model_validate(routes_public.list_draws(c, page, PAGE_SIZE, None)).model_dump()
    pages_total = max(1, -(-found["total"] // PAGE_SIZE))
    return pages.render(request, "draws.html", title=pages.t(request, "draws.title"), draws=found["items"],
                        page=page, pages=pages_total, url_for_page=lambda n: f"/inspection/web/draws?page={n}")


def _public_draw(c: Container, draw_id: str) -> dict[str, Any]:
    return schemas.DrawOut.model_validate(routes_public.get_draw(draw_id, c)).model_dump()


@router.get("/inspection/web/draws/{draw_id}")
def draw_detail(request: Request, draw_id: IdPath, c: Container,
                flash: Annotated[str | None, Query(alias="done", max_length=40)] = None) -> Response:
    draw = _public_draw(c, draw_id)
    return pages.render(request, "draw.html", title=f"{pages.t(request, 'draw.title')} · {draw['plan_title']}",
                        draw=draw, done=done_key(flash))


@router.get("/inspection/web/draws/{draw_id}/verification")
def draw_verification(request: Request, draw_id: IdPath, c: Container) -> Response:
    draw = _public_draw(c, draw_id)
    answer = verification(c, draw_id)  # 409 before the draw, as the JSON path
    again = recompute(c, draw_id)
    published = {t["position"]: t for t in draw["targets"]}
    names = {i["id"]: i["name"] for i in draw["inspector_pool"]}
    rows = [{"position": n, "uscc": uscc, "team": team,
             "published": published.get(n), "name": (published.get(n) or {}).get("name", ""),
             "matches": (published.get(n) or {}).get("uscc") == uscc
             and [i["id"] for i in (published.get(n) or {}).get("inspectors", [])] == team}
            for n, (uscc, team) in enumerate(zip(again.targets, again.teams) if again else [], start=1)]
    return pages.render(request, "verification.html", title=f"{pages.t(request, 'verify.title')} · "
                        f"{draw['plan_title']}", draw=draw, v=answer, again=again, rows=rows, names=names)
