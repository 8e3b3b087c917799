"""An organization's rectification notices (its `org` account only): each with its facts and a form
for the rectification report; and the printable notice. Writes go through the same handler as
POST /inspection/rectifications/{id}/response."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from services.inspection.adapters import views
from services.inspection.domain import commands
from services.inspection.entrypoints.api import routes_tasks, schemas
from services.inspection.entrypoints.api.deps import Container, IdPath, Page
from services.inspection.entrypoints.web.forms import done, done_key, refusal
from services.inspection.entrypoints.web.pages import form_errors, pages
from services.inspection.service_layer.handlers import rectifications
from shared.errors import Forbidden, SocregError
from shared.webui import check_csrf, page_router, require_page_role

router = page_router()
NOTICES = "/inspection/web/notices"
PAGE_SIZE = 20


def _render(request: Request, c: Container, uscc: str, page: int = 1, *, errors: dict[str, str] | None = None,
            values: dict[str, str] | None = None, status: int = 200, done_msg: str | None = None) -> Response:
    with c.db.read_session() as session:
        found = views.rectification_page(session, uscc, None, page, PAGE_SIZE)
    return pages.render(request, "notices.html", title=pages.t(request, "notices.title"), status=status,
                        notices=found["items"], page=page, pages=max(1, -(-found["total"] // PAGE_SIZE)),
                        url_for_page=lambda n: f"{NOTICES}?page={n}", errors=errors or {}, values=values or {},
                        done=done_msg, today=c.clock.today())


@router.get(NOTICES)
def notices(request: Request, c: Container, page: Page = 1,
            flash: Annotated[str | None, Query(alias="done", max_length=40)] = None) -> Response:
    who = require_page_role(request, "org")
    return _render(request, c, _own_uscc(who), page, done_msg=done_key(flash))


def _own_uscc(who: Any) -> str:
    """Only an org account has an organization of its own to show."""
    if not who.uscc:
        raise Forbidden("this page shows an organization's own notices: sign in with its account")
    return str(who.uscc)


@router.post(NOTICES + "/{rectification_id}/response")
def respond(request: Request, rectification_id: IdPath, c: Container, csrf: Annotated[str, Form()] = "",
            report: Annotated[str, Form(max_length=20_000)] = "") -> Response:
    who = require_page_role(request, "org")
    check_csrf(request, csrf)
    uscc, key = _own_uscc(who), f"report-{rectification_id}"
    try:
        body = schemas.ResponseIn.model_validate({"report": report})
        rectifications.respond(commands.RespondToRectification(rectification_id, body.report, uscc), c.uow())
    except ValidationError as exc:
        errors = {key: message for message in form_errors(exc).values()}
        return _render(request, c, uscc, errors=errors, values={key: report}, status=422)
    except SocregError as exc:
        if exc.status in (403, 404):
            raise
        return _render(request, c, uscc, errors=refusal(exc, default=key), values={key: report}, status=exc.status)
    return done(f"{NOTICES}#n-{rectification_id}", "notice.responded")


@router.get(NOTICES + "/{rectification_id}/document")
def document(request: Request, rectification_id: IdPath, c: Container) -> HTMLResponse:
    """The printable 整改通知书, as GET /inspection/rectifications/{id}/document (own org or inspector)."""
    who = require_page_role(request, "org", "inspector")
    return routes_tasks.rectification_document(rectification_id, c, who)
