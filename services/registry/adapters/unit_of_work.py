"""The registry's unit of work: the shared SQL unit of work plus the registry's repositories."""
from __future__ import annotations


from services.registry.adapters.report_repository import (SqlInvestigationRepository, SqlRatingRepository,
                                                          SqlReportRepository)
from services.registry.adapters.repository import SqlOrganizationRepository, SqlUserRepository
from shared.db import SqlUnitOfWork


class RegistryUnitOfWork(SqlUnitOfWork):
    def _open(self) -> None:
        self.organizations = SqlOrganizationRepository(self.session)
        self.users = SqlUserRepository(self.session)
        self.reports = SqlReportRepository(self.session)
        self.ratings = SqlRatingRepository(self.session)
        self.investigations = SqlInvestigationRepository(self.session)

    def __enter__(self) -> "RegistryUnitOfWork":
        super().__enter__()
        return self
