"""The inspection unit of work: the shared SQL unit of work plus this service's repositories."""
from __future__ import annotations

from services.inspection.adapters.binding_repository import SqlBindingRepository, SqlChangeLog
from services.inspection.adapters.credit_repository import SqlCreditRepository
from services.inspection.adapters.repository import (SqlDirectoryRepository, SqlDrawRepository,
                                                     SqlInspectorRepository, SqlPenaltyRepository, SqlPlanRepository,
                                                     SqlRectificationRepository, SqlTaskRepository)
from services.inspection.adapters.orm import sanction_proposals
from shared.db import SqlUnitOfWork
from shared.decision_store import SqlProposalRepository


class InspectionUnitOfWork(SqlUnitOfWork):
    def _open(self) -> None:
        self.directory = SqlDirectoryRepository(self.session)
        self.inspectors = SqlInspectorRepository(self.session)
        self.plans = SqlPlanRepository(self.session)
        self.draws = SqlDrawRepository(self.session)
        self.tasks = SqlTaskRepository(self.session)
        self.rectifications = SqlRectificationRepository(self.session)
        self.penalties = SqlPenaltyRepository(self.session)
        self.credit = SqlCreditRepository(self.session)
        self.binding = SqlBindingRepository(self.session)  # draws that bind: teams, substitutes, redraws
        self.changes = SqlChangeLog(self.session)
        self.proposals = SqlProposalRepository(self.session, sanction_proposals)

    def __enter__(self) -> "InspectionUnitOfWork":
        super().__enter__()
        return self
