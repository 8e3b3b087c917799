"""Sanctions the inspection service decides with two people (shared/decisions.py): a penalty, a manual
inclusion on a credit list, a removal outside the automatic rules, and the approval of an organization's
removal application or objection. Each kind's command travels in the proposal's payload as JSON and is
rebuilt, and its rules checked again, when an approver approves it.

Dates (R8.1.2, issue 12 part 2): no act is dated before the organization's registration or in the future;
an act dated more than the entry deadline (5 working days) before it is recorded is flagged late."""
from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date
from decimal import Decimal
from typing import Any

from services.inspection.domain.commands import ImposePenalty, Measure
from services.inspection.domain.credit_commands import Decide, IncludeManually, RemoveEntry
from services.inspection.domain.model import PENALTY_KINDS, DirectoryEntry
from services.inspection.domain.rules import add_working_days
from shared.errors import FieldError, InvalidInput

PENALTY, INCLUSION, REMOVAL, APPLICATION = "penalty", "list_inclusion", "list_removal", "application_approval"
KINDS = {PENALTY: "行政处罚决定", INCLUSION: "列入信用名单", REMOVAL: "移出信用名单", APPLICATION: "批准信用修复申请或异议"}
LIST_ZH = {"abnormal": "活动异常名录", "serious": "严重违法失信名单", "red": "红名单"}
RULE_NOT_BEFORE_REGISTRATION = "R8.1 an act is not dated before the organization's registration"
RULE_NOT_FUTURE = "R8.1 an act is not dated in the future"
RULE_LATE = "R8.1.2 L60: information is entered within 5 working days; a later entry is flagged late"
_COMMANDS: dict[str, type] = {PENALTY: ImposePenalty, INCLUSION: IncludeManually, REMOVAL: RemoveEntry,
                              APPLICATION: Decide}
_DATES = {"effective_on", "included_on"}


def payload_of(command: Any) -> dict[str, Any]:
    """The command as JSON (dates ISO, amounts exact text)."""
    return {k: _plain(v) for k, v in asdict(command).items()}


def command_of(kind: str, payload: dict[str, Any]) -> Any:
    cls = _COMMANDS[kind]
    values = {f.name: _typed(f.name, payload.get(f.name)) for f in fields(cls) if f.name in payload}
    if "measures" in values:
        values["measures"] = tuple(Measure(**{k: _typed(k, v) for k, v in m.items()}) for m in values["measures"] or ())
    return cls(**values)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _typed(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _DATES:
        return date.fromisoformat(value)
    if name in ("amount", "basis_amount"):
        return Decimal(value)
    return value


def check_act_date(on: date, org: DirectoryEntry, today: date, field: str) -> None:
    """No act dated before the organization existed or after today (422 naming the field)."""
    if on > today:
        raise InvalidInput(f"{field} {on} lies in the future", rule=RULE_NOT_FUTURE,
                           errors=[FieldError(field, "lies in the future", RULE_NOT_FUTURE)])
    if on < org.registered_on:
        raise InvalidInput(f"{field} {on} precedes the registration of {org.uscc} ({org.registered_on})",
                           rule=RULE_NOT_BEFORE_REGISTRATION,
                           errors=[FieldError(field, f"precedes the registration ({org.registered_on})",
                                              RULE_NOT_BEFORE_REGISTRATION)])


def is_late(on: date, today: date, entry_working_days: int, holidays: frozenset[date] | tuple[date, ...]) -> bool:
    """Whether an act dated `on` is recorded after the entry deadline (R8.1.2)."""
    return add_working_days(on, entry_working_days, holidays) < today


def require_late_reason(late: bool, reason: str | None) -> None:
    if late and not (reason and reason.strip()):
        raise InvalidInput("this act is dated more than 5 working days ago: say why it is recorded late (late_reason)",
                           rule=RULE_LATE, errors=[FieldError("late_reason", "required for a late entry", RULE_LATE)])


def penalty_summary(cmd: ImposePenalty, org_name: str) -> str:
    parts = [PENALTY_KINDS.get(m.kind, m.kind) + (f" {m.amount}元" if m.amount is not None else "")
             + (f" {m.period_days}日" if m.period_days else "") for m in cmd.all_measures()]
    number = f"{cmd.decision_number}，" if cmd.decision_number else ""
    return f"对{org_name}作出行政处罚决定：{'、'.join(parts)}（{number}{cmd.legal_basis}）"


def inclusion_summary(cmd: IncludeManually, org_name: str) -> str:
    return f"将{org_name}列入{LIST_ZH.get(cmd.list, cmd.list)}：{cmd.reason}（{cmd.legal_basis}）"


def removal_summary(cmd: RemoveEntry, org_name: str) -> str:
    return f"将{org_name}移出{LIST_ZH.get(cmd.list, cmd.list)}（记录 {cmd.entry_id}）：{cmd.reason}（{cmd.legal_basis}）"


def application_summary(application: dict[str, Any], org_name: str, void_cause: bool = False) -> str:
    if application["kind"] != "objection":
        what = "准予信用修复，移出名单"
    elif application.get("target"):
        what = f"异议成立，撤销信用信息 {application['target']} 及由其产生的名录记录"
    else:
        what = "异议成立，更正记录" + ("，并撤销其所依据的信用信息（原因本身有误）" if void_cause else "")
    where = "信用信息" if application["list"] == "info" else LIST_ZH.get(application["list"], application["list"])
    return f"{org_name}：{what}（申请 {application['id']}，{where}）"
