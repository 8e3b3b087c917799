"""Cases opened against an organization (立案调查) by a government department or a judicial organ.

No event carries them (the inspection service publishes penalties, not cases), so the registrar
records each with its authority, case number and legal basis, and closes it when the case ends.
While one is open on a day, the organization is not evaluated that day (R9.3, L39 art. 7(4)).
Plain Python.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from shared.errors import FieldError, InvalidInput, RuleViolation

RULE_CLOSED = "R9.3 an investigation is closed once"


@dataclass
class Investigation:
    uscc: str
    opened_on: date
    authority: str
    case_number: str
    legal_basis: str
    recorded_by: str
    recorded_at: datetime
    closed_on: date | None = None
    outcome: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    version: int = 1
    id: int | None = None

    def open_on(self, day: date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or day < self.closed_on)

    def close(self, on: date, outcome: str, by: str, at: datetime, today: date) -> None:
        if self.closed_on is not None:
            raise RuleViolation(f"case {self.case_number} of {self.uscc} was closed on {self.closed_on}",
                                rule=RULE_CLOSED)
        if on > today or on < self.opened_on:
            raise InvalidInput(f"closed_on {on} must lie between the opening ({self.opened_on}) and today ({today})",
                               rule="closed_on.range", errors=[FieldError("closed_on", "out of range",
                                                                          "closed_on.range")])
        self.closed_on, self.outcome, self.closed_by, self.closed_at = on, outcome, by, at


def check_opened_on(opened_on: date, registered_on: date, today: date) -> None:
    if opened_on > today or opened_on < registered_on:
        raise InvalidInput(f"opened_on {opened_on} must lie between the registration ({registered_on}) and today "
                           f"({today})", rule="opened_on.range",
                           errors=[FieldError("opened_on", "out of range", "opened_on.range")])
