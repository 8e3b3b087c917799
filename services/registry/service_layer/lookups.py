"""Loading what a handler acts on (shared by the report and rating handlers)."""
from __future__ import annotations

from services.registry.domain import uscc as uscc_rules
from services.registry.domain.model import Organization
from services.registry.service_layer.ports import UnitOfWork
from shared.errors import NotFound


def organization(uow: UnitOfWork, uscc: str) -> Organization:
    org = uow.organizations.get(uscc_rules.normalize(uscc))
    if org is None:
        raise NotFound(f"no organization with USCC {uscc}")
    return org
