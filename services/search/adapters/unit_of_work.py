"""The search service's unit of work: the shared SQL unit of work plus the projection repository."""
from __future__ import annotations

from services.search.adapters.repository import SqlProjectionRepository
from shared.db import SqlUnitOfWork


class SearchUnitOfWork(SqlUnitOfWork):
    def _open(self) -> None:
        self.projection = SqlProjectionRepository(self.session)

    def __enter__(self) -> "SearchUnitOfWork":
        super().__enter__()
        return self
