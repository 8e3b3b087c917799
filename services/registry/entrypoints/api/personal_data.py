"""Personal data in the registry's answers: the legal representative's ID number and phone.

They leave in full only where one organization is read (GET /registry/organizations/{uscc}, its
history, and the record a registrar's write answers with), and every such read is recorded in the
registry's audit trail: who read whose ID number and phone, with the request id. Lists and pages
mask them (350203********1234, 138****5678), so no account pulls every legal representative's ID
number and phone with a few list calls; events never carry them at all.
"""
from __future__ import annotations

from typing import Any

from services.registry.bootstrap import RegistryContainer
from shared import audit
from shared.auth import Principal

ID_NUMBER, PHONE = "legal_representative.id_number", "legal_representative.phone"
PERSONAL_FIELDS = (ID_NUMBER, PHONE)


def _mask(value: str | None, head: int, tail: int) -> str | None:
    if not value:
        return value
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_id_number(value: str | None) -> str | None:
    """350203199001011234 -> 350203********1234 (the division and the last four remain)."""
    return _mask(value, 6, 4)


def mask_phone(value: str | None) -> str | None:
    """13812345678 -> 138****5678."""
    return _mask(value, 3, 4)


_MASKS = {ID_NUMBER: mask_id_number, PHONE: mask_phone}


def masked_record(record: dict[str, Any]) -> dict[str, Any]:
    lr = record["legal_representative"]
    return {**record, "legal_representative": {**lr, "id_number": mask_id_number(lr["id_number"]),
                                               "phone": mask_phone(lr["phone"])}}


def masked_history(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The change history with old and new ID numbers and phones masked (for pages)."""
    return [{**h, "old_value": _MASKS[h["field"]](h["old_value"]), "new_value": _MASKS[h["field"]](h["new_value"])}
            if h.get("field") in _MASKS else h for h in history]


def fields_in_history(history: list[dict[str, Any]]) -> list[str]:
    """Which personal fields a history answer shows (old or new values of a changed ID number or phone)."""
    return sorted({f"history:{h['field']}" for h in history
                   if h.get("field") in _MASKS and (h.get("old_value") or h.get("new_value"))})


def record_read(c: RegistryContainer, who: Principal, uscc: str, fields: list[str] | tuple[str, ...]) -> None:
    """One audit record: `who` read these personal fields of `uscc` (written before the answer leaves)."""
    if fields:
        audit.record_personal_data_read(c.db, uscc=uscc, fields=list(fields), actor=who.username, role=who.role)
