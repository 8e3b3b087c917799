"""FastAPI dependencies of the search service: the container set up by the lifespan."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.search.bootstrap import SearchContainer


def _container(request: Request) -> SearchContainer:
    return request.app.state.search


Container = Annotated[SearchContainer, Depends(_container)]
