"""Foundation governance at registration and change (R2.1.4, JJH arts 20-24) and the financial audit a
换届 or a change of legal representative needs first (R5.1: SHT art. 27, MFQ art. 22, JJH art. 37).

Called by handlers.register_organization / import_register / change_registration, inside their unit of
work: field rules are 422 naming each field and article, the audit rule is 409 naming the article, and a
refusal raises before anything is written (the unit of work rolls back).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from services.registry.domain import audits, commands, governance
from services.registry.domain import uscc as uscc_rules
from services.registry.domain.audits import FinancialAudit
from services.registry.domain.governance import Governance
from services.registry.domain.model import ChangeRecord, Organization
from services.registry.service_layer.ports import UnitOfWork
from shared.errors import Conflict, FieldError, InvalidInput, NotFound

FOUNDATIONS_ONLY = "JJH arts 20-24"
Diff = tuple[str, object, object]


class AuditPolicy(Protocol):
    audit_window_days: int


def _invalid(field: str, message: str, rule: str) -> InvalidInput:
    return InvalidInput(message, rule=rule, errors=[FieldError(field, message, rule)])


# ---- registration ---------------------------------------------------------------------------------------


def check_application(cmd: commands.RegisterOrganization) -> None:
    """A new foundation shows its board; one migrated in (registered_on given) may come without and records
    it at its next change or 换届. Other types carry none."""
    if cmd.type != "foundation":
        if cmd.governance is not None:
            raise _invalid("governance", "governance (理事会、监事) is recorded for foundations (基金会) only",
                           FOUNDATIONS_ONLY)
        return
    if cmd.governance is None:
        if cmd.registered_on is None:
            raise _invalid("governance", "基金会设理事会和监事: a foundation's registration gives its board, supervisors "
                           "and charter terms (governance)", "JJH art. 20")
        return
    governance.check(cmd.governance, cmd.foundation_kind, cmd.legal_representative.name)


def store_registrations(uow: UnitOfWork, cmds: Sequence[commands.RegisterOrganization],
                        orgs: Sequence[Organization], by: str) -> None:
    rows = [(o.uscc, c.governance, o.registered_on) for c, o in zip(cmds, orgs) if c.governance is not None]
    uow.governance.put_many(rows, by, uow.clock.now())


# ---- change registration ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What a change does to governance: the board it leaves on file, whether it elects anyone."""

    on_file: tuple[Governance, date] | None
    board: Governance | None  # the board after the change (new, or the one on file)
    lr_changed: bool  # a different person (ID number) becomes legal representative
    general_election: bool
    new_board: bool  # the change gives a board that differs from the one on file

    @property
    def changes(self) -> bool:
        return self.general_election or self.new_board


def plan_change(uow: UnitOfWork, org: Organization, cmd: commands.ChangeRegistration, diffs: list[Diff]) -> Plan:
    on_file = uow.governance.get(org.uscc) if org.type == "foundation" else None
    new = cmd.governance
    differs = new is not None and (on_file is None or new.to_json() != on_file[0].to_json())
    board = new if new is not None else (on_file[0] if on_file else None)
    lr_changed = any(d[0] == "legal_representative.id_number" for d in diffs)
    return Plan(on_file, board, lr_changed, cmd.general_election, differs)


def check_change(org: Organization, cmd: commands.ChangeRegistration, plan: Plan) -> None:
    """422: governance given for another type; a foundation electing (换届, a new chair) without giving the
    board and the meeting that elected it; any rule of JJH arts 20-24 the board after the change breaks."""
    if org.type != "foundation":
        if cmd.governance is not None:
            raise _invalid("governance", "governance (理事会、监事) is recorded for foundations (基金会) only",
                           FOUNDATIONS_ONLY)
        return
    elects = plan.general_election or plan.lr_changed
    if elects and cmd.governance is None:
        what = "换届" if plan.general_election else "更换法定代表人（理事长）"
        raise _invalid("governance", f"{what}: give the board after the change and the board meeting that elected "
                       "its officers (governance.election); 理事长从理事中选举产生 (JJH arts 20-21)", "JJH art. 20")
    if plan.board is not None:
        governance.check(plan.board, org.foundation_kind, org.lr_name,
                         election_required=elects and cmd.governance is not None)


def apply_change(uow: UnitOfWork, org: Organization, cmd: commands.ChangeRegistration, plan: Plan,
                 policy: AuditPolicy) -> list[Diff]:
    """409 unless a fitting audit is recorded (R5.1); then the audit is used, the board stored, and the
    governance items of the change returned for the history and the event."""
    today, now = uow.clock.today(), uow.clock.now()
    needed = audits.need(org.type, plan.general_election, plan.lr_changed)
    if needed is not None:
        audit = audits.pick(uow.governance.audits(org.uscc), needed, today, policy.audit_window_days)
        audit.used_on, audit.used_for = today, needed.used_for
        uow.organizations.add_change(ChangeRecord(org.uscc, "change", "financial_audit", None, _describe(audit),
                                                  cmd.by, now, needed.rule))
    diffs: list[Diff] = []
    started = plan.on_file[1] if plan.on_file else None
    if plan.general_election:
        diffs.append(("general_election", started.isoformat() if started else None, today.isoformat()))
    if plan.new_board and cmd.governance is not None:
        term_start = today if plan.general_election or started is None else started
        uow.governance.replace(org.uscc, cmd.governance, term_start, cmd.by, now)
        diffs.append(("governance", plan.on_file[0].summary() if plan.on_file else None, cmd.governance.summary()))
    return diffs


def _describe(audit: FinancialAudit) -> str:
    return f"{audits.KINDS[audit.kind]} {audit.firm} {audit.report_number} ({audit.issued_on.isoformat()})"


# ---- audits ----------------------------------------------------------------------------------------------


def record_audit(cmd: commands.RecordAudit, uow: UnitOfWork) -> FinancialAudit:
    """The registrar records a financial audit of the organization (换届审计 / 离任审计, R5.1)."""
    with uow:
        org = uow.organizations.get(uscc_rules.normalize(cmd.uscc))
        if org is None:
            raise NotFound(f"no organization with USCC {cmd.uscc}")
        org.ensure_active("record a financial audit")
        audits.check_issued_on(cmd.issued_on, org.registered_on, uow.clock.today())
        if uow.governance.audit_exists(org.uscc, cmd.firm, cmd.report_number):
            raise Conflict(f"audit report {cmd.report_number} of {cmd.firm} is already recorded for {org.uscc}",
                           rule="R5.1 an audit report is recorded once")
        audit = FinancialAudit(org.uscc, cmd.kind, cmd.firm, cmd.report_number, cmd.issued_on, cmd.by,
                               uow.clock.now())
        uow.governance.add_audit(audit)
        uow.organizations.add_change(ChangeRecord(org.uscc, "financial_audit", "audit", None, _describe(audit),
                                                  cmd.by, uow.clock.now(), audits.RULES[org.type] + " (R5.1)"))
        uow.commit()
    return audit
