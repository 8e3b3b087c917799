"""The yearly L45 art. 5 coverage of scheduled random inspections (R6.2), public (一公开)."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.inspection.adapters import coverage_views
from services.inspection.entrypoints.api.coverage_schemas import CoverageOut
from services.inspection.entrypoints.api.deps import Container

router = APIRouter(tags=["inspection (public)"])


@router.get("/inspection/coverage", response_model=CoverageOut)
def get_coverage(c: Container, year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> dict[str, Any]:
    """The L45 art. 5 minimum of a year (default: this year), per registration authority (public: counts
    only). 定期抽查 is a yearly share of the organizations each authority registered — the city bureau 4%
    of the city-level organizations, each district bureau 3% of its own — reached by all the year's
    scheduled plans together (two city plans of 2% each meet it), so no plan is refused for its size.

    Per authority: `registered` (active on `register_on`: the day of the year's latest scheduled draw that
    drew one of its organizations, else today, or 31 December once the year is over), `drawn` (distinct
    organizations drawn by the year's scheduled draws run within the year; a draw replaced by a redraw does
    not count), `minimum` (ceil(share x registered)), `planned` (what the year's scheduled rounds not drawn
    yet will draw, for plans confined to the authority; plans spanning several authorities are reported in
    `planned_across`), and `status`. The rule is judged at the year's end: until 31 December an unmet year
    is `planned` (the plans on file reach it) or `unplanned` (they do not: add a plan); after it, `met` or
    `shortfall`, final."""
    year = year or c.clock.today().year
    with c.db.read_session() as session:
        return coverage_views.year_coverage(session, year, c.clock.today(), c.policy)
