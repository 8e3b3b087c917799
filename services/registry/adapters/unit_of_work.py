"""The registry's unit of work: the shared SQL unit of work plus the registry's repositories."""
from __future__ import annotations


from services.registry.adapters.report_repository import (SqlInvestigationRepository, SqlRatingRepository,
                                                          SqlReportRepository)
from services.registry.adapters.orm import sanction_proposals
from services.registry.adapters.certificate_repository import SqlCertificateRepository
from services.registry.adapters.accounts_repository import SqlSignInRepository
from services.registry.adapters.governance_repository import SqlGovernanceRepository
from services.registry.adapters.repository import SqlOrganizationRepository, SqlUserRepository
from services.registry.adapters.sanction_repository import SqlRevocationRequestRepository
from shared.db import SqlUnitOfWork
from shared.decision_store import SqlProposalRepository


class RegistryUnitOfWork(SqlUnitOfWork):
    def _open(self) -> None:
        self.organizations = SqlOrganizationRepository(self.session)
        self.users = SqlUserRepository(self.session)
        self.signin = SqlSignInRepository(self.session)
        self.reports = SqlReportRepository(self.session)
        self.ratings = SqlRatingRepository(self.session)
        self.certificates = SqlCertificateRepository(self.session)
        self.investigations = SqlInvestigationRepository(self.session)
        self.proposals = SqlProposalRepository(self.session, sanction_proposals)
        self.revocation_requests = SqlRevocationRequestRepository(self.session)
        self.governance = SqlGovernanceRepository(self.session)

    def __enter__(self) -> "RegistryUnitOfWork":
        super().__enter__()
        return self
