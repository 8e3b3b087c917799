"""Bodies and answers of the draws that bind (issue 12): the external public random value, redraws,
substitutes, and the change log of the pool, plans and draws."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.schema_types import LongText, ShortText

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9\-]{1,40}$")]
Day = Annotated[date, Field(ge=date(1949, 10, 1), le=date(2199, 12, 31))]
PublicValue = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200,
                                               pattern=r"^[^\x00-\x1f\x7f]*$")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RandomSourceIn(_Body):
    source: ShortText = Field(description="where the value comes from, e.g. 福利彩票双色球第2026142期开奖号码")
    announced_on: Day = Field(description="the day it is announced: after the commitment (after today)")


class PublicRandomIn(_Body):
    value: PublicValue = Field(description="the announced value, as published by its source")


class RedrawIn(_Body):
    reason: LongText = Field(description="why the draw is redrawn (published beside both draws)")
    public_random_source: RandomSourceIn | None = Field(
        None, description="a scheduled plan's redraw names its own external value, announced after today")


class SubstitutionIn(_Body):
    inspector_id: Id = Field(description="the team member who cannot act (回避, leaving the pool ...)")
    reason: LongText = Field(description="why (published with the substitution)")


class SubstitutionOut(BaseModel):
    task_id: str
    replaced: str
    substitute: str
    team: list[dict[str, Any]]


class ChangeOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]


class ChangePage(BaseModel):
    total: int
    page: int
    size: int
    items: list[ChangeOut]
