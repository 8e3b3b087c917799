"""Financial audits before a 换届 or a change of legal representative (R5.1).

- 社会团体: before a 换届 or a change of legal representative (SHT art. 27);
- 民办非企业单位: when the legal representative changes (MFQ art. 22; a 换届 alone needs none);
- 基金会: before a 换届 and before a change of legal representative (JJH art. 37).

The registrar records each audit (换届审计 or 离任审计: firm, report number, date). A change that needs one
is accepted only with an audit of a fitting kind, issued within the window before the change (an
[UNCONFIRMED] setting, SOCREG_GOVERNANCE_AUDIT_WINDOW_DAYS: no text sets a number) and not already relied
on by an earlier change; the change then uses it. A 换届审计 also covers a new legal representative elected
with the new board. Plain Python.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.errors import FieldError, InvalidInput, RuleViolation

KINDS = {"general_election": "换届审计", "departure": "离任审计"}
RULES = {"social_group": "SHT art. 27", "social_service": "MFQ art. 22", "foundation": "JJH art. 37"}


@dataclass
class FinancialAudit:
    uscc: str
    kind: str
    firm: str
    report_number: str
    issued_on: date
    recorded_by: str
    recorded_at: datetime
    used_on: date | None = None
    used_for: str | None = None  # general_election | legal_representative
    id: int | None = None


@dataclass(frozen=True)
class AuditNeed:
    kinds: frozenset[str]
    rule: str
    reason: str
    used_for: str


def need(org_type: str, general_election: bool, lr_changed: bool) -> AuditNeed | None:
    """What audit a change needs, if any."""
    rule = f"{RULES[org_type]} (R5.1)"
    if general_election and org_type != "social_service":
        return AuditNeed(frozenset({"general_election"}), rule, "换届前应当进行财务审计", "general_election")
    if lr_changed:
        reason = "变更法定代表人应当进行财务审计" if org_type == "social_service" else "更换法定代表人之前应当进行财务审计"
        return AuditNeed(frozenset(KINDS), rule, reason, "legal_representative")
    return None


def pick(audits: list[FinancialAudit], needed: AuditNeed, today: date, window_days: int) -> FinancialAudit:
    """The latest unused audit of a fitting kind issued within the window; 409 naming the article if none."""
    since = today - timedelta(days=window_days)
    fitting = [a for a in audits if a.used_on is None and a.kind in needed.kinds and since <= a.issued_on <= today]
    if not fitting:
        kinds = " or ".join(f"{k} ({KINDS[k]})" for k in sorted(needed.kinds))
        raise RuleViolation(f"{needed.reason}: no {kinds} audit issued since {since} and not yet relied on by "
                            "another change is recorded; record it first with POST "
                            f"/registry/organizations/{{uscc}}/audits", rule=needed.rule)
    return max(fitting, key=lambda a: (a.issued_on, a.id or 0))


def check_issued_on(issued_on: date, registered_on: date, today: date) -> None:
    if issued_on > today or issued_on < registered_on:
        raise InvalidInput(f"issued_on {issued_on} must lie between the registration ({registered_on}) and today "
                           f"({today})", rule="issued_on.range",
                           errors=[FieldError("issued_on", "out of range", "issued_on.range")])
