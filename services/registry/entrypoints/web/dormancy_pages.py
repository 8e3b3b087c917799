"""The registrar's pages for issue 13: the dormancy candidates (R2.4.3) as of a date, each with a form to
propose its revocation (a two-person decision: the proposal waits for an approver on the sanction pages),
and the rating certificates due back or overdue after a downgrade (R9.6)."""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from anyio import to_thread
from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response

from services.registry.adapters import certificate_repository, dormancy_views
from services.registry.domain import commands
from services.registry.domain import uscc as uscc_rules
from services.registry.entrypoints.api.deps import Container, UsccPath
from services.registry.entrypoints.web.pages import pages
from services.registry.service_layer import sanctions
from shared.errors import SocregError
from shared.webui import check_csrf, page_router, require_page_role

router = page_router()
WEB = "/registry/web"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
PageQ = Annotated[int, Query(ge=1, le=100_000)]
VIEWS = ("return_overdue", "return_due", "returned", "voided", "issued")


def _as_of(c: Container, text: str | None) -> date | None:
    """The date asked for (default today), or None if it is not a date up to today."""
    if not text:
        return c.clock.today()
    try:
        on = date.fromisoformat(text)
    except ValueError:
        return None
    return on if date(1949, 10, 1) <= on <= c.clock.today() else None


def _page(c: Container, on: date, page: int, uscc: str | None = None) -> dict[str, Any]:
    with c.db.read_session() as session:
        return dormancy_views.candidate_page(session, on, c.settings.registry_dormancy_missed_years,
                                             c.report_policy, page, 50, uscc=uscc)


@router.get(WEB + "/dormancy")
def dormancy(request: Request, c: Container, as_of: Annotated[str | None, Query(max_length=20)] = None,
             page: PageQ = 1) -> Response:
    require_page_role(request, "registrar", "approver")
    on = _as_of(c, as_of)
    errors = {} if on is not None else {"as_of": pages.t(request, "dormancy.bad_date")}
    found = _page(c, on or c.clock.today(), page)
    shown = (on or c.clock.today()).isoformat()
    return pages.render(request, "dormancy.html", title=pages.t(request, "dormancy.title"), found=found,
                        errors=errors, as_of=as_of if errors else shown, status=422 if errors else 200,
                        page_url=lambda p: f"{WEB}/dormancy?as_of={shown}&page={p}")


@router.get(WEB + "/dormancy/{uscc}/revocation")
def propose_page(request: Request, c: Container, uscc: UsccPath) -> Response:
    require_page_role(request, "registrar")
    return _render_proposal(request, c, uscc_rules.normalize(uscc))


@router.post(WEB + "/dormancy/{uscc}/revocation")
async def propose_post(request: Request, c: Container, uscc: UsccPath) -> Response:
    """The registrar proposes the revocation (202 in the API): the approver decides on the sanction page."""
    who = require_page_role(request, "registrar")
    form = await request.form()
    check_csrf(request, str(form.get("csrf") or ""))
    code = uscc_rules.normalize(uscc)
    basis, number = str(form.get("legal_basis") or "").strip(), str(form.get("decision_number") or "").strip()
    errors = {}
    if not basis or len(basis) > 200 or _CONTROL.search(basis):
        errors["legal_basis"] = pages.t(request, "dormancy.legal_basis_required")
    if len(number) > 200 or _CONTROL.search(number):
        errors["decision_number"] = pages.t(request, "dormancy.decision_number_invalid")
    posted = {"legal_basis": basis, "decision_number": number}
    if errors:
        return _render_proposal(request, c, code, errors=errors, posted=posted, status=422)
    cmd = commands.Revoke(code, basis, who.username, number or None, None)
    try:
        proposal = await to_thread.run_sync(sanctions.propose_revocation, cmd, who.role, c.uow(),
                                            limiter=c.write_limiter)
    except SocregError as exc:
        if exc.status not in (409, 422):
            raise
        return _render_proposal(request, c, code, refused=exc.detail, posted=posted, status=exc.status)
    return RedirectResponse(f"{WEB}/sanctions/{proposal.id}", status_code=303)


def _render_proposal(request: Request, c: Container, uscc: str, *, errors: dict[str, str] | None = None,
                     posted: dict[str, str] | None = None, refused: str | None = None, status: int = 200) -> Response:
    found = _page(c, c.clock.today(), 1, uscc)
    item = found["items"][0] if found["items"] else None
    name = item["name"] if item else uscc
    return pages.render(request, "dormancy_propose.html", title=pages.t(request, "dormancy.propose_title", name=name),
                        item=item, errors=errors or {}, refused=refused, status=status,
                        posted=posted or {}, action=f"{WEB}/dormancy/{uscc}/revocation")


@router.get(WEB + "/rating-certificates")
def certificate_list(request: Request, c: Container,
                     view: Annotated[str, Query(pattern="^(return_overdue|return_due|returned|voided|issued)$")]
                     = "return_overdue", page: PageQ = 1) -> Response:
    """R9.6: the sets overdue (candidates for 公告作废), due, returned, voided or held."""
    require_page_role(request, "registrar", "inspector", "approver")
    with c.db.read_session() as session:
        found = certificate_repository.certificate_page(session, view, c.clock.today(), page, 50)
    return pages.render(request, "certificates.html", title=pages.t(request, "certificates.title"), found=found,
                        view=view, views=VIEWS,
                        page_url=lambda p: f"{WEB}/rating-certificates?view={view}&page={p}")
