"""FastAPI dependencies of the registry: the container set up by the lifespan, as an Annotated alias."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from services.registry.bootstrap import RegistryContainer


async def _container(request: Request) -> RegistryContainer:
    return request.app.state.registry


Container = Annotated[RegistryContainer, Depends(_container)]
UsccPath = Annotated[str, Path(min_length=1, max_length=40, description="unified social credit code")]
