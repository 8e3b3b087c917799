"""GET /registry/dormancy-candidates (issue 13 item 8; R2.4.3): organizations that missed their annual
report N consecutive years (SOCREG_REGISTRY_DORMANCY_MISSED_YEARS, LOCAL, default 2), for a registrar to
consider a revocation. The list decides nothing: a revocation is a registrar's proposal that an approver
approves (POST /registry/organizations/{uscc}/revocation, issue 12)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.registry.adapters import dormancy_views
from services.registry.entrypoints.api.deps import Container
from shared.errors import FieldError, InvalidInput
from shared.web import CurrentPrincipal

router = APIRouter(tags=["dormancy (R2.4.3)"])
READERS = ("registrar", "approver")


class RevocationHint(BaseModel):
    method: str
    href: str
    legal_basis: str
    open_proposal: str | None


class Candidate(BaseModel):
    uscc: str
    name: str
    type: str
    level: str
    district: str
    registered_on: date
    status: str
    years_missed: list[int]
    consecutive_years_missed: int
    last_filed_year: int | None
    revocation: RevocationHint


class Candidates(BaseModel):
    as_of: date
    missed_years_required: int
    rule: str
    total: int
    page: int
    size: int
    items: list[Candidate]


def candidates_as_of(c: Container, as_of: date | None) -> date:
    today = c.clock.today()
    on = as_of or today
    if on > today:
        raise InvalidInput(f"as_of {on} lies in the future (today is {today})", rule="R2.4.3 as_of.not_future",
                           errors=[FieldError("as_of", "lies in the future", "as_of.not_future")])
    return on


def candidate_page(c: Container, on: date, page: int, size: int) -> dict[str, Any]:
    with c.db.read_session() as session:
        return dormancy_views.candidate_page(session, on, c.settings.registry_dormancy_missed_years,
                                             c.report_policy, page, size)


@router.get("/registry/dormancy-candidates", response_model=Candidates)
def dormancy_candidates(c: Container, who: CurrentPrincipal,
                        as_of: Annotated[date | None, Query(ge=date(1949, 10, 1),
                                                            description="default today; not in the future")] = None,
                        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                        size: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    """Candidates for revocation for not filing (R2.4.3; registrar, approver): the organizations active on
    `as_of` that owed their annual report for the N latest years whose deadline had passed (N: setting
    SOCREG_REGISTRY_DORMANCY_MISSED_YEARS, LOCAL, default 2) and submitted none of them by that date, oldest
    registration first. Each names its run of consecutive missed years, the last year it filed, and
    `revocation`: where a registrar proposes the revocation (POST …/revocation, which an approver other
    than the proposer must approve), a legal basis the proposal may start from (SHT art. 30(3), MFQ
    art. 25(3) + L27 art. 10, JJH art. 42(5), with the years missed) and the proposal already awaiting
    approval, if any. Nothing is revoked by being listed."""
    who.require(*READERS)
    return candidate_page(c, candidates_as_of(c, as_of), page, size)
