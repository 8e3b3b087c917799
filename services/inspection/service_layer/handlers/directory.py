"""The organization directory, kept from registry.* events (never from the registry's database).

These run inside the consumer's unit of work (the consumer runner commits, with the event id)."""
from __future__ import annotations

from services.inspection.domain import commands
from services.inspection.domain.model import DirectoryEntry, csv_of
from services.inspection.service_layer.ports import UnitOfWork


def record_organization(cmd: commands.RecordOrganization, uow: UnitOfWork) -> DirectoryEntry:
    entry = uow.directory.get(cmd.uscc)
    if entry is None:
        entry = DirectoryEntry(uscc=cmd.uscc, name=cmd.name, type=cmd.type, category=cmd.category, level=cmd.level,
                               district=cmd.district, domicile=cmd.domicile, registered_on=cmd.registered_on)
        uow.directory.add(entry)
    entry.name, entry.type, entry.category = cmd.name, cmd.type, cmd.category
    entry.level, entry.district, entry.domicile = cmd.level, cmd.district, cmd.domicile
    entry.registered_on, entry.status = cmd.registered_on, cmd.status
    entry.charity, entry.fundraising_qualified = cmd.charity, cmd.fundraising_qualified
    return entry


def close_organization(cmd: commands.CloseOrganization, uow: UnitOfWork) -> None:
    entry = uow.directory.get(cmd.uscc)
    if entry is not None:
        entry.status, entry.ended_on = cmd.status, cmd.on


def mark_organization(cmd: commands.MarkOrganization, uow: UnitOfWork) -> None:
    entry = uow.directory.get(cmd.uscc)
    if entry is None:
        return
    if cmd.charity is not None:
        entry.charity = cmd.charity
    if cmd.fundraising_qualified is not None:
        entry.fundraising_qualified = cmd.fundraising_qualified
    if cmd.credit_lists is not None:
        entry.credit_lists = csv_of(list(cmd.credit_lists))
    if cmd.risk_on is not None:
        entry.add_risk(cmd.risk_on)
    if cmd.risk_off is not None:
        entry.remove_risk(cmd.risk_off)
    if cmd.rating is not None or cmd.rating_cleared:
        entry.rating = cmd.rating
