"""Rating certificates and plaques (评估等级证书和牌匾, R9.1, R9.6). Plain Python.

An organization rated 3A or above receives a certificate and a plaque (R9.1), recorded here as one
numbered set issued with the award. When its grade is lowered or cancelled it must return them within
15 days of the notice (R9.6, MCA notice 432; the day of the downgrade counts as the notice's day) and
exchange them for the new grade's (换发, when that grade is still 3A or above); if it refuses, the old
ones are publicly declared void (公告作废). The certificate states the grade's validity (R9.4).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.errors import RuleViolation

CERTIFIED_GRADES = ("3A", "4A", "5A")  # R9.1: 3A and above
RETURN_DAYS = 15  # R9.6 MCA notice 432
STATES = {"issued": "有效", "return_due": "待交回", "returned": "已交回", "voided": "已公告作废"}
RULE_ISSUE = "R9.1 (L39: 3A以上颁发证书和牌匾)"
RULE_RETURN = "R9.6 (MCA notice 432): 降级或取消等级后 15 日内交回原证书和牌匾，拒不交回的公告作废"


def certified(grade: str | None) -> bool:
    return grade in CERTIFIED_GRADES


def number_for(awarded_on: date, rating_id: int, sequence: int = 1) -> str:
    """PG-<year of the award>-<rating id>, and -2, -3 ... for the sets exchanged after a downgrade."""
    base = f"PG-{awarded_on.year}-{rating_id:06d}"
    return base if sequence == 1 else f"{base}-{sequence}"


@dataclass
class Certificate:
    number: str
    rating_id: int
    uscc: str
    grade: str
    issued_on: date
    valid_until: date  # the grade's validity (R9.4)
    issued_by: str
    issued_at: datetime
    state: str = "issued"
    replaces: str | None = None  # the number of the set returned in exchange for this one
    recalled_on: date | None = None  # the day the grade was lowered or cancelled
    recall_reason: str | None = None
    return_due_on: date | None = None
    returned_on: date | None = None
    returned_by: str | None = None  # the registrar who recorded the return
    returned_at: datetime | None = None
    voided_on: date | None = None
    void_notice: str | None = None  # the public notice (公告作废): its number or text
    voided_by: str | None = None
    voided_at: datetime | None = None
    version: int = 1

    def status_on(self, day: date) -> str:
        """What the public sees: issued, expired (the grade's validity ended), return_due,
        return_overdue, returned or voided."""
        if self.state == "issued":
            return "expired" if day >= self.valid_until else "issued"
        if self.state == "return_due" and self.return_due_on is not None and day > self.return_due_on:
            return "return_overdue"
        return self.state

    def recall(self, on: date, reason: str) -> None:
        """The grade was lowered or cancelled on `on`: the set is due back within 15 days."""
        self.state, self.recalled_on, self.recall_reason = "return_due", on, reason
        self.return_due_on = on + timedelta(days=RETURN_DAYS)

    def record_return(self, on: date, by: str, at: datetime, today: date) -> None:
        self._ensure_due("be returned")
        assert self.recalled_on is not None
        if on > today or on < self.recalled_on:
            raise RuleViolation(f"returned_on {on} must lie between the downgrade ({self.recalled_on}) and today "
                                f"({today})", rule=RULE_RETURN)
        self.state, self.returned_on, self.returned_by, self.returned_at = "returned", on, by, at

    def void(self, on: date, notice: str, by: str, at: datetime, today: date) -> None:
        """公告作废: only once the 15 days have passed without the set coming back."""
        self._ensure_due("be declared void")
        assert self.return_due_on is not None
        if today <= self.return_due_on:
            raise RuleViolation(f"certificate {self.number} may be returned until {self.return_due_on}: it can be "
                                "declared void only after that day", rule=RULE_RETURN)
        if on > today or on <= self.return_due_on:
            raise RuleViolation(f"voided_on {on} must lie after {self.return_due_on} and not after today ({today})",
                                rule=RULE_RETURN)
        self.state, self.voided_on, self.void_notice, self.voided_by, self.voided_at = "voided", on, notice, by, at

    def late(self) -> bool:
        return (self.returned_on is not None and self.return_due_on is not None
                and self.returned_on > self.return_due_on)

    def _ensure_due(self, action: str) -> None:
        if self.state != "return_due":
            raise RuleViolation(f"certificate {self.number} is {STATES[self.state]} ({self.state}): it cannot "
                                f"{action} (only a set recalled after a downgrade or cancellation)", rule=RULE_RETURN)


@dataclass(frozen=True)
class RecordReturn:
    uscc: str
    number: str
    returned_on: date | None  # default today
    by: str


@dataclass(frozen=True)
class VoidCertificate:
    uscc: str
    number: str
    notice: str  # the public notice's number or text (公告作废)
    voided_on: date | None  # default today
    by: str
