"""Investigations (立案调查) recorded by the registrar: the R9.3 exclusion (L39 art. 7(4)) needs them
and no event carries them. Load, call the domain, commit; nothing is published (a case under
investigation is not public information)."""
from __future__ import annotations

from services.registry.domain.investigation import Investigation, check_opened_on
from services.registry.domain.report_commands import CloseInvestigation, RecordInvestigation
from services.registry.service_layer.lookups import organization
from services.registry.service_layer.ports import UnitOfWork
from shared.errors import NotFound


def record_investigation(cmd: RecordInvestigation, uow: UnitOfWork) -> Investigation:
    with uow:
        org = organization(uow, cmd.uscc)
        check_opened_on(cmd.opened_on, org.registered_on, uow.clock.today())
        case = Investigation(org.uscc, cmd.opened_on, cmd.authority, cmd.case_number, cmd.legal_basis, cmd.by,
                             uow.clock.now())
        uow.investigations.add(case)  # the same case twice: 409
        uow.commit()
    return case


def close_investigation(cmd: CloseInvestigation, uow: UnitOfWork) -> Investigation:
    with uow:
        org = organization(uow, cmd.uscc)
        case = uow.investigations.get(org.uscc, cmd.investigation_id)
        if case is None:
            raise NotFound(f"{org.uscc} has no investigation {cmd.investigation_id}")
        case.close(cmd.closed_on, cmd.outcome, cmd.by, uow.clock.now(), uow.clock.today())
        uow.commit()
    return case
