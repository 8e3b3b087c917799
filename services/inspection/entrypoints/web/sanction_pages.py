"""The inspection service's sanction pages (shared/webui/sanction_pages.py): penalties, manual list
changes and approved applications proposed by one person and approved by an approver."""
from __future__ import annotations

from typing import Any

from fastapi import Request

from services.inspection.adapters.orm import sanction_proposals
from services.inspection.bootstrap import InspectionContainer
from services.inspection.domain.sanctions import APPLICATION, INCLUSION, KINDS, PENALTY, REMOVAL
from services.inspection.service_layer.handlers import sanctions
from shared.auth import Principal
from shared.decision_store import proposal_page, proposal_view
from shared.webui.sanction_pages import SanctionPages, sanction_router

PREFIX = "/inspection/web/sanctions"


def _c(request: Request) -> InspectionContainer:
    return request.app.state.inspection


def _named(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "kind_zh": KINDS.get(row["kind"], row["kind"])}


def _page(request: Request, n: int, state: str | None) -> dict[str, Any]:
    with _c(request).db.read_session() as session:
        found = proposal_page(session, sanction_proposals, page=n, size=50, state=state)
    return {**found, "items": [_named(r) for r in found["items"]]}


def _one(request: Request, proposal_id: str) -> dict[str, Any] | None:
    with _c(request).db.read_session() as session:
        found = proposal_view(session, sanction_proposals, proposal_id)
    return None if found is None else _named(found)


def _approve(request: Request, pid: str, who: Principal, note: str | None) -> None:
    c = _c(request)
    sanctions.approve(pid, who.username, who.role, note, c.uow(), c.credit_policy)


def _reject(request: Request, pid: str, who: Principal, reason: str) -> None:
    sanctions.reject(pid, who.username, who.role, reason, _c(request).uow())


def _withdraw(request: Request, pid: str, who: Principal, reason: str | None) -> None:
    sanctions.withdraw(pid, who.username, reason, _c(request).uow())


def _result_url(p: dict[str, Any]) -> str | None:
    if p["state"] != "approved" or not p["result_id"]:
        return None
    return {PENALTY: f"/inspection/penalties/{p['result_id']}",
            INCLUSION: f"/inspection/web/credit/entries/{p['result_id']}",
            REMOVAL: f"/inspection/web/credit/entries/{p['result_id']}",
            APPLICATION: f"/inspection/web/credit/applications/{p['result_id']}"}.get(p["kind"])


router = sanction_router(SanctionPages(PREFIX, _page, _one, _approve, _reject, _withdraw, _result_url))
