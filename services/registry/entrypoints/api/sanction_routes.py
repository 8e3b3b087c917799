"""Revocation as a two-person decision (issue 12): the registrars' queue of revocation requests from
inspections, the approvers' queue of proposals and the decision on each (shared/decision_routes.py).
POST …/revocation answers 202 with a proposal; the organization is revoked, and registry.organization.revoked
leaves, only when an approver who is not the proposer approves it."""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request, Response, status

from services.registry.adapters.orm import sanction_proposals
from services.registry.adapters.sanction_repository import request_page
from services.registry.bootstrap import RegistryContainer
from services.registry.domain import commands
from services.registry.domain import uscc as uscc_rules
from services.registry.entrypoints.api import schemas
from services.registry.entrypoints.api.deps import Container, UsccPath
from services.registry.service_layer import sanctions
from shared.auth import Principal
from shared.decision_routes import READERS, DecisionApi, PageQ, SizeQ, UsccQ, decision_router
from shared.decisions import Proposal
from shared.web import CurrentPrincipal

TAGS = ["sanctions (two-person decisions)"]


def _c(request: Request) -> RegistryContainer:
    return request.app.state.registry


def _approve(request: Request, pid: str, who: Principal, note: str | None) -> Proposal:
    return sanctions.approve(pid, who.username, who.role, note, _c(request).uow())


def _reject(request: Request, pid: str, who: Principal, reason: str) -> Proposal:
    return sanctions.reject(pid, who.username, who.role, reason, _c(request).uow())


def _withdraw(request: Request, pid: str, who: Principal, reason: str | None) -> Proposal:
    return sanctions.withdraw(pid, who.username, reason, _c(request).uow())


API = DecisionApi("/registry/sanctions", sanction_proposals, lambda r: _c(r).db.read_session(), _approve, _reject,
                  _withdraw, "the organization is revoked now (a request behind it is closed)")
router = APIRouter(tags=TAGS)


@router.post("/registry/organizations/{uscc}/revocation", status_code=status.HTTP_202_ACCEPTED)
def revocation(request: Request, uscc: UsccPath, body: schemas.RevocationIn, c: Container, who: CurrentPrincipal,
               response: Response) -> dict[str, Any]:
    """撤销登记 (R2.4), proposed by a registrar: 202 with the proposal. The organization is revoked, and
    registry.organization.revoked leaves, only when an approver other than you approves it
    (POST /registry/sanctions/{id}/approval). `request_id` names the inspection's revocation request it acts on
    (GET /registry/revocation-requests). Not dated before the registration nor in the future."""
    who.require("registrar")
    cmd = commands.Revoke(uscc_rules.normalize(uscc), body.legal_basis, who.username, body.decision_number,
                          body.effective_on)
    return API.answer(request, sanctions.propose_revocation(cmd, who.role, c.uow(), body.request_id), response)


@router.get("/registry/revocation-requests")
def revocation_requests(c: Container, who: CurrentPrincipal, page: PageQ = 1, size: SizeQ = 50,
                        state: Literal["open", "proposed", "revoked"] | None = "open",
                        uscc: UsccQ = None) -> dict[str, Any]:
    """Revocation requests sent by inspections (inspection.revocation.requested), for a registrar to propose."""
    who.require(*READERS)
    with c.db.read_session() as session:
        return request_page(session, state, uscc, page, size)


router.include_router(decision_router(API, TAGS))
