"""FastAPI dependencies of the inspection service: the container set up by the app, as an Annotated alias."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request

from services.inspection.bootstrap import InspectionContainer


def _container(request: Request) -> InspectionContainer:
    return request.app.state.inspection


Container = Annotated[InspectionContainer, Depends(_container)]
ID_PATTERN = r"^[A-Za-z0-9\-]+$"
IdPath = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]
IdQuery = Annotated[str | None, Query(min_length=1, max_length=40, pattern=ID_PATTERN)]
Page = Annotated[int, Query(ge=1, le=100_000)]
Size = Annotated[int, Query(ge=1, le=500)]
UsccQuery = Annotated[str | None, Query(min_length=18, max_length=18, pattern=r"^[0-9A-Z]{18}$")]
