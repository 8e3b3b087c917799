"""One short function per command: load, call the domain, commit. Events leave through the outbox."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from services.registry.domain import commands, deadlines, rules
from services.registry.domain import uscc as uscc_rules
from services.registry.domain.model import CHANGEABLE, ChangeRecord, KnownPenalty, Organization, User
from services.registry.service_layer import governance
from services.registry.service_layer.ports import UnitOfWork
from shared.auth import ROLES, check_password_policy, check_username, hash_password
from shared.errors import Conflict, FieldError, InvalidInput, NotFound, RuleFailures, RuleViolation


@dataclass(frozen=True)
class Policy:
    """Settings the rules read (R1.3 foundation levels is UNCONFIRMED, hence a setting)."""

    foundation_levels: tuple[str, ...] = ("city",)
    audit_window_days: int = 180  # R5.1 [UNCONFIRMED]: an audit counts for a change within this many days


def _shape(src: commands.RegisterOrganization | Organization) -> rules.Shape:
    return rules.Shape(src.name, src.type, src.category, src.level, src.district, Decimal(src.registered_funds),
                       src.supervising_unit, src.members_individual, src.members_unit, src.foundation_kind)


def _load(uow: UnitOfWork, uscc: str) -> Organization:
    org = uow.organizations.get(uscc_rules.normalize(uscc))
    if org is None:
        raise NotFound(f"no organization with USCC {uscc}")
    return org


def _record(uow: UnitOfWork, org: Organization, action: str, by: str, *, field: str | None = None,
            old: object = None, new: object = None, basis: str | None = None,
            deadline: deadlines.Deadline | None = None) -> None:
    record = ChangeRecord(org.uscc, action, field, _text(old), _text(new), by, uow.clock.now(), basis)
    if deadline is not None:  # issue 13: the dates a legal deadline runs between, and whether it was missed
        start = "sponsor_approved_on" if action == "change" else "applied_on"
        setattr(record, start, deadline.start)
        record.due_on, record.late = deadline.due_on, deadline.late
    uow.organizations.add_change(record)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def register_organization(cmd: commands.RegisterOrganization, uow: UnitOfWork, policy: Policy) -> Organization:
    shape = _check_application(cmd, uow, policy)
    lr = cmd.legal_representative.id_number
    with uow:
        uscc = rules.check_uscc(cmd.uscc, shape) if cmd.uscc is not None else _fresh_usccs(cmd, 1, uow)[0]
        clashes = uow.organizations.clashes(cmd.name, lr, uscc)  # one query for every identity rule
        while any(o.uscc == uscc for o in clashes):
            if cmd.uscc is not None:
                raise Conflict(f"USCC {uscc} is already registered", rule="GB 32100 §3.5(7) unique for life")
            uscc = _fresh_usccs(cmd, 1, uow, verify=True)[0]  # a migrated code held that number
        rules.check_name_free(cmd.name, next((o for o in clashes if o.name == cmd.name), None))
        rules.check_legal_representative(cmd.type, lr, [o for o in clashes if o.lr_id_number == lr
                                                        and o.status == "active"])
        org = _new_organization(cmd, uscc, cmd.registered_on or uow.clock.today())
        uow.organizations.add_many([org])
        governance.store_registrations(uow, [cmd], [org], cmd.by)
        _announce_registrations(uow, [org], cmd.by)
        uow.commit()
    return org


def import_register(cmds: list[commands.RegisterOrganization], uow: UnitOfWork, policy: Policy) -> list[str]:
    """Bulk registration (migrating an existing register, loading the demo): every rule of a single
    registration applies, checked against the register and within the batch; one transaction."""
    shapes = [_check_application(cmd, uow, policy) for cmd in cmds]
    with uow:
        _check_batch_identity(cmds, uow)
        usccs = _assign_usccs(cmds, shapes, uow)
        orgs = [_new_organization(cmd, uscc, cmd.registered_on or uow.clock.today()) for cmd, uscc in zip(cmds, usccs)]
        uow.organizations.add_many(orgs)
        governance.store_registrations(uow, cmds, orgs, cmds[0].by if cmds else "system")
        _announce_registrations(uow, orgs, cmds[0].by if cmds else "system")
        uow.commit()
    return [org.uscc for org in orgs]


def _check_application(cmd: commands.RegisterOrganization, uow: UnitOfWork, policy: Policy) -> rules.Shape:
    shape = _shape(cmd)
    rules.check_fields(shape, policy.foundation_levels)
    governance.check_application(cmd)  # R2.1.4: a foundation's board (JJH arts 20-24)
    today, failures = uow.clock.today(), RuleFailures()
    for field_name in ("established_on", "registered_on"):
        value = getattr(cmd, field_name)
        if value is not None and value > today:
            failures.add(field_name, f"{field_name} ({value}) lies in the future (today is {today})",
                         f"{field_name}.not_future")
    failures.raise_if_any()
    if cmd.charity_since is not None:  # R10.1/R10.2.1: a migrated charity's recognition, not before the law
        if not cmd.charity:
            raise InvalidInput("charity_since is given for a charity only", rule=deadlines.RULE_CHARITY_SINCE)
        deadlines.charity_since(cmd.registered_on or today, cmd.charity_since, today)
    return shape


def _check_batch_identity(cmds: list[commands.RegisterOrganization], uow: UnitOfWork) -> None:
    names = [cmd.name for cmd in cmds]
    taken = uow.organizations.names_taken(names)
    if taken or len(set(names)) < len(names):
        dup = sorted(taken)[0] if taken else next(n for n in names if names.count(n) > 1)
        holder = uow.organizations.by_name(dup)
        rules.check_name_free(dup, holder or rules.Represented("", "another registration of the same batch"))
    represented: dict[str, list[rules.Represented]] = {}
    for org in uow.organizations.represented_by_any([cmd.legal_representative.id_number for cmd in cmds]):
        represented.setdefault(org.lr_id_number, []).append(org)
    for cmd in cmds:
        lr = cmd.legal_representative.id_number
        rules.check_legal_representative(cmd.type, lr, represented.get(lr, []))
        represented.setdefault(lr, []).append(rules.Represented(cmd.type, f"“{cmd.name}” (same batch)"))


def _announce_registrations(uow: UnitOfWork, orgs: list[Organization], by: str) -> None:
    now = uow.clock.now()
    uow.organizations.add_changes([ChangeRecord(o.uscc, "registration", None, None, o.name, by, now) for o in orgs])
    for org in orgs:
        uow.publish("registry.organization.registered", org.uscc, org.facts())


def _assign_usccs(cmds: list[commands.RegisterOrganization], shapes: list[rules.Shape],
                  uow: UnitOfWork) -> list[str]:
    """Keep a migrated organization's own (validated) code; give the others the next codes of their
    registering authority (5 + type + division, then 'MJ' + a base-31 counter and both check chars)."""
    codes = [rules.check_uscc(cmd.uscc, shape) if cmd.uscc is not None else "" for cmd, shape in zip(cmds, shapes)]
    migrated = [c for c in codes if c]
    taken = uow.organizations.existing_usccs(migrated)
    if taken or len(set(migrated)) < len(migrated):
        code = sorted(taken)[0] if taken else next(c for c in migrated if migrated.count(c) > 1)
        raise Conflict(f"USCC {code} is already registered", rule="GB 32100 §3.5(7) unique for life")
    by_prefix: dict[str, list[int]] = {}
    for index, cmd in enumerate(cmds):
        if not codes[index]:
            by_prefix.setdefault(uscc_rules.TYPE_CODES[cmd.type] + cmd.district, []).append(index)
    for indexes in by_prefix.values():
        for index, code in zip(indexes, _fresh_usccs(cmds[indexes[0]], len(indexes), uow, verify=True)):
            codes[index] = code
    return codes


def _fresh_usccs(cmd: commands.RegisterOrganization, count: int, uow: UnitOfWork, *, verify: bool = False) -> list[str]:
    """The next codes of the registering authority: 5 + type + division, then 'MJ' + a base-31 counter
    and both check characters. With verify, numbers that a migrated code already holds are skipped."""
    type_code = uscc_rules.TYPE_CODES[cmd.type]
    fresh: list[str] = []
    while len(fresh) < count:
        need = count - len(fresh)
        numbers = uow.organizations.next_org_codes("5" + type_code + cmd.district, need)
        block = [uscc_rules.compose(type_code, cmd.district, "MJ" + _base31(n, 6)) for n in numbers]
        taken = uow.organizations.existing_usccs(block) if verify else set()
        fresh += [code for code in block if code not in taken]
    return fresh


_DIGITS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _base31(n: int, width: int) -> str:
    out = ""
    for _ in range(width):
        n, r = divmod(n, len(_DIGITS))
        out = _DIGITS[r] + out
    if n:
        raise RuleViolation("organization code space exhausted for this authority", rule="GB 11714")
    return out


def _new_organization(cmd: commands.RegisterOrganization, uscc: str, registered_on: date) -> Organization:
    lr = cmd.legal_representative
    # R10.1/R10.2.1: a charity from its registration as one or its recognition, never before 2016-09-01
    charity_since = (cmd.charity_since or deadlines.charity_since(registered_on, None, registered_on)
                     if cmd.charity else None)
    return Organization(
        uscc=uscc, name=cmd.name, type=cmd.type, category=cmd.category, level=cmd.level, district=cmd.district,
        domicile=cmd.domicile, lr_name=lr.name, lr_id_number=lr.id_number, lr_phone=lr.phone,
        registered_funds=Decimal(cmd.registered_funds), business_scope=cmd.business_scope,
        established_on=cmd.established_on, registered_on=registered_on, supervising_unit=cmd.supervising_unit,
        members_individual=cmd.members_individual, members_unit=cmd.members_unit,
        foundation_kind=cmd.foundation_kind, charity=cmd.charity, charity_since=charity_since)


_LR_FIELDS = {"name": "lr_name", "id_number": "lr_id_number", "phone": "lr_phone"}


def change_registration(cmd: commands.ChangeRegistration, uow: UnitOfWork, policy: Policy) -> Organization:
    with uow:
        org = _load(uow, cmd.uscc)
        org.ensure_active("change its registration")
        had_sponsor = bool(org.supervising_unit)
        if cmd.expected_version is not None and cmd.expected_version != org.version:
            raise Conflict(f"the record changed meanwhile (version {org.version}, you had {cmd.expected_version})",
                           rule="optimistic concurrency")
        diffs = _apply_changes(org, cmd.changes)
        plan = governance.plan_change(uow, org, cmd, diffs)  # 换届, a foundation's board (R2.1.4, R5.1)
        if not diffs and not plan.changes:
            raise InvalidInput("nothing to change: every given value equals the current one", rule="change.empty")
        rules.check_fields(_shape(org), policy.foundation_levels)
        governance.check_change(org, cmd, plan)
        # R2.2.1: within 30 days of the sponsor's approval (recorded; a later application is flagged late)
        deadline = deadlines.sponsor_approval(org, had_sponsor, cmd.sponsor_approved_on, uow.clock.today())
        _recheck_identity(uow, org, diffs)
        diffs += governance.apply_change(uow, org, cmd, plan, policy)  # 409 without the audit R5.1 needs
        for field_name, old, new in diffs:
            _record(uow, org, "change", cmd.by, field=field_name, old=old, new=new, deadline=deadline)
        uow.publish("registry.organization.changed", org.uscc, {
            "uscc": org.uscc, "changed_on": uow.clock.today().isoformat(), "changed_by": cmd.by,
            "changes": [{"field": f, "old": _public(f, o), "new": _public(f, n)} for f, o, n in diffs],
            "organization": org.facts(), "sponsor_approved_on": _iso(deadline and deadline.start),
            "late": deadline.late if deadline else None})
        uow.commit()
    return org


def _public(field_name: str, value: object) -> str | None:
    """Events carry no personal data: ID numbers and phones are masked."""
    if field_name in ("legal_representative.id_number", "legal_representative.phone") and value:
        return "***"
    return _text(value)


def _apply_changes(org: Organization, changes: dict[str, object]) -> list[tuple[str, object, object]]:
    allowed = CHANGEABLE[org.type]
    failures = RuleFailures()
    for key in changes:
        if key not in allowed:
            failures.add(key, f"{key} is not a registrable item that can be changed for {org.type} "
                         "(R2.2.2: SHT art. 12, MFQ art. 12, JJH art. 11)", "R2.2.2")
    failures.raise_if_any()
    diffs: list[tuple[str, object, object]] = []
    for key, value in changes.items():
        diffs.extend(_apply_one(org, key, value))
    return diffs


def _apply_one(org: Organization, key: str, value: object) -> list[tuple[str, object, object]]:
    if key == "legal_representative":
        pairs = [(f"legal_representative.{k}", attr, value[k]) for k, attr in _LR_FIELDS.items()
                 if isinstance(value, dict) and k in value]
    elif key == "members":
        pairs = [(f"members.{k}", f"members_{k}", value[k]) for k in ("individual", "unit")
                 if isinstance(value, dict) and k in value]
    else:
        pairs = [(key, key, Decimal(str(value)) if key == "registered_funds" else value)]
    diffs = []
    for label, attr, new in pairs:
        old = getattr(org, attr)
        if old != new:
            setattr(org, attr, new)
            diffs.append((label, old, new))
    return diffs


def _recheck_identity(uow: UnitOfWork, org: Organization, diffs: list[tuple[str, object, object]]) -> None:
    changed = {d[0] for d in diffs}
    if "name" in changed:
        holder = uow.organizations.by_name(org.name)
        rules.check_name_free(org.name, holder if holder is not None and holder.uscc != org.uscc else None)
    if "legal_representative.id_number" in changed:
        others = [o for o in uow.organizations.represented_by(org.lr_id_number) if o.uscc != org.uscc]
        rules.check_legal_representative(org.type, org.lr_id_number, others)


def deregister(cmd: commands.Deregister, uow: UnitOfWork) -> Organization:
    with uow:
        org = _load(uow, cmd.uscc)
        was = org.status
        if was != "revoked":  # a revoked organization still completes 注销 after liquidation (R8.4.3)
            org.ensure_active("be deregistered")
        today = uow.clock.today()
        if cmd.liquidation_completed_on > today:
            raise InvalidInput("liquidation_completed_on lies in the future", rule="R2.3.1 liquidation comes first")
        org.status, org.end_reason = "deregistered", cmd.liquidation_report
        org.ended_on = org.ended_on if was == "revoked" else today  # the organization ended when it was revoked
        _record(uow, org, "deregistration", cmd.by, field="status", old=was, new="deregistered",
                basis="SHT arts 19-21; MFQ arts 16-17; JJH art. 18" + ("; R8.4.3" if was == "revoked" else ""))
        uow.publish("registry.organization.deregistered", org.uscc, {
            "uscc": org.uscc, "deregistered_on": today.isoformat(), "liquidation_report": cmd.liquidation_report,
            "decided_by": cmd.by})
        uow.commit()
    return org


def check_revocation(uow: UnitOfWork, cmd: commands.Revoke) -> Organization:
    """The rules of a revocation (R2.4), checked when a registrar proposes it and again when it is approved:
    an open organization, dated within its life (not before its registration, not in the future)."""
    org = _load(uow, cmd.uscc)
    org.ensure_active("be revoked")
    on = cmd.effective_on or uow.clock.today()
    if on > uow.clock.today():
        raise InvalidInput(f"a revocation takes effect when decided: effective_on {on} lies in the future",
                           rule="R2.4 effective_on.not_future",
                           errors=[FieldError("effective_on", "lies in the future", "effective_on.not_future")])
    if on < org.registered_on:
        raise InvalidInput(f"effective_on {on} precedes the registration ({org.registered_on})",
                           rule="R8.1 an act is not dated before the organization's registration",
                           errors=[FieldError("effective_on", "precedes the registration", "effective_on.registered")])
    return org


def revoke_in(uow: UnitOfWork, cmd: commands.Revoke, approved_by: str) -> Organization:
    """Inside an open unit of work: the approved revocation (service_layer/sanctions.py) takes effect."""
    org = check_revocation(uow, cmd)
    on = cmd.effective_on or uow.clock.today()
    org.status, org.ended_on, org.end_reason = "revoked", on, cmd.legal_basis
    _record(uow, org, "revocation", f"{cmd.by}（批准：{approved_by}）", field="status", old="active", new="revoked",
            basis=cmd.legal_basis)
    uow.publish("registry.organization.revoked", org.uscc, {
        "uscc": org.uscc, "revoked_on": on.isoformat(), "legal_basis": cmd.legal_basis,
        "decision_number": cmd.decision_number, "decided_by": cmd.by})
    return org


def recognize_charity(cmd: commands.RecognizeCharity, uow: UnitOfWork) -> Organization:
    with uow:
        org = _load(uow, cmd.uscc)
        today = uow.clock.today()
        rules.check_charity_recognition(org, today, uow.organizations.penalty_dates(org.uscc))
        deadlines.check_recognition_day(today)
        deadline = deadlines.decision(org, cmd.applied_on, today, "CSF23 art. 10")  # 20 days from acceptance
        org.charity, org.charity_since = True, today  # R10.1: a charity from its recognition
        _record(uow, org, "charity_recognition", cmd.by, field="charity", old=False, new=True, basis="CSF23 art. 10",
                deadline=deadline)
        uow.publish("registry.organization.charity_recognized", org.uscc, {
            "uscc": org.uscc, "recognized_on": today.isoformat(), "decided_by": cmd.by, **_decision(deadline)})
        uow.commit()
    return org


def qualify_fundraising(cmd: commands.QualifyFundraising, uow: UnitOfWork) -> Organization:
    with uow:
        org = _load(uow, cmd.uscc)
        today = uow.clock.today()
        rules.check_fundraising_qualification(org, today, uow.organizations.penalty_dates(org.uscc))
        deadline = deadlines.decision(org, cmd.applied_on, today, "CSF23 art. 22")  # 20 days from acceptance
        org.fundraising_qualified_on = today
        _record(uow, org, "fundraising_qualification", cmd.by, field="fundraising_qualified_on", new=today,
                basis="CSF23 art. 22", deadline=deadline)
        uow.publish("registry.organization.fundraising_qualified", org.uscc, {
            "uscc": org.uscc, "qualified_on": today.isoformat(), "decided_by": cmd.by, **_decision(deadline)})
        uow.commit()
    return org


def _decision(deadline: deadlines.Deadline) -> dict[str, object]:
    return {"applied_on": deadline.start.isoformat(), "decide_by": _iso(deadline.due_on), "late": deadline.late}


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def apply_credit_status(cmd: commands.ApplyCreditStatus, uow: UnitOfWork) -> None:
    """From credit.status.changed: the registry keeps each organization's list status (R8.5.4)."""
    uow.organizations.set_credit_lists(cmd.uscc, ",".join(sorted(set(cmd.lists))))


def record_penalty(cmd: commands.RecordPenalty, uow: UnitOfWork) -> None:
    """From inspection.penalty.imposed: remembered for the penalty windows of R10.1-10.2. A penalty event
    never revokes (issue 12): revocation is the registry's own two-person decision, which an inspection
    asks for with inspection.revocation.requested."""
    uow.organizations.add_penalty(KnownPenalty(cmd.penalty_id, cmd.uscc, cmd.kind, cmd.effective_on,
                                               cmd.legal_basis, cmd.amount))


def add_user(cmd: commands.AddUser, uow: UnitOfWork) -> User:
    if cmd.role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", rule="auth.role")
    if (cmd.role == "org") != (cmd.uscc is not None):
        raise InvalidInput("an org account is bound to exactly one USCC; other roles to none", rule="auth.org_uscc")
    check_username(cmd.username)
    check_password_policy(cmd.password, cmd.username)  # length, not the name, not common (zxcvbn)
    with uow:
        if cmd.uscc is not None:
            _load(uow, cmd.uscc)
        if uow.users.get(cmd.username) is not None:
            raise Conflict(f"user {cmd.username} exists", rule="auth.unique_username")
        user = User(cmd.username, hash_password(cmd.password), cmd.role,
                    uscc_rules.normalize(cmd.uscc) if cmd.uscc else None, True, uow.clock.now())
        uow.users.add(user)
        uow.commit()
    return user
