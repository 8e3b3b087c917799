"""Answers of GET /inspection/coverage: the yearly L45 art. 5 share per registration authority (R6.2).
Counts only: public (一公开), no organization named."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


class AuthorityCoverageOut(BaseModel):
    authority: str = Field(description="registration authority: 350200 the city bureau, or a district's code")
    name: str
    level: Literal["city", "district"]
    registered: int = Field(description="its organizations active on register_on")
    register_on: date = Field(description="the year's latest scheduled draw that drew one of them; otherwise today, "
                                          "or 31 December for a year that is over")
    minimum_percent: str = Field(description="L45 art. 5: city 4, district 3 (settings)")
    minimum: int = Field(description="ceil(minimum_percent x registered / 100)")
    drawn: int = Field(description="distinct organizations of the authority drawn by the year's scheduled draws "
                                   "(run within the year; a redrawn draw left out)")
    planned: int = Field(description="still to draw by the year's scheduled rounds not drawn yet, of plans "
                                     "confined to this authority")
    share_percent: str | None = Field(description="drawn / registered, percent (null: none registered)")
    met: bool
    status: Literal["met", "planned", "unplanned", "shortfall"] = Field(
        description="met; planned: the plans on file reach the minimum; unplanned: they do not (add a plan before "
                    "31 December); shortfall: the year is over and the minimum was not reached")
    status_text: str


class CoverageOut(BaseModel):
    year: int
    as_of: date
    year_over: bool = Field(description="after 31 December of the year: the verdict is final")
    rule: str
    authorities: list[AuthorityCoverageOut]
    planned_across: int = Field(description="still to draw by scheduled plans whose scope spans several authorities")
    plans_across: list[str]
