"""Objections (异议, R8.4.4): what an organization disputes - one list entry, or the credit information
itself (a penalty decision, a report flagged late, any trigger on record) - and what an upheld objection
corrects. Upholding voids the entry and, where the cause itself was the error, the cause: the engine then
replays the organization's facts without it (domain.credit.derive), so a voided penalty stops counting for
the repeat rule (R8.3 #5) and the red list (R8.5.3), and every entry that followed from it is voided with
the objection's reason. A voided penalty decision is marked annulled and inspection.penalty.annulled tells
the registry (its penalty windows, R10.1-10.2 and R9.3, and the grade the penalty lowered, R9.6)."""
from __future__ import annotations

from typing import Any

from services.inspection.domain import credit_checks as checks
from services.inspection.domain.credit import Derivation, Fact
from services.inspection.domain.credit_commands import Decide, Object
from services.inspection.domain.credit_policy import RED, RULE_OBJECTION
from services.inspection.service_layer.ports import UnitOfWork
from shared.errors import InvalidInput

INFO = "info"  # the `list` of an objection to the information itself: it is on no list of its own


def target_of(uow: UnitOfWork, d: Derivation, cmd: Object) -> tuple[str, list[str], str | None]:
    """The objection's list, the entries it concerns and the information it names (409 naming R8.4.4)."""
    if cmd.information is None:
        entry = checks.objectable(d, str(cmd.entry_id))
        return entry.list, [entry.id], None
    info = checks.information(uow.credit.facts_of([cmd.uscc])[cmd.uscc], cmd.information)
    return INFO, [e.id for e in d.entries if e.trigger_key == info.key and e.list != RED], info.key


def check_uphold(uow: UnitOfWork, app: dict[str, Any], cmd: Decide, d: Derivation) -> None:
    """What upholding would void must exist and be voidable (checked when it is proposed and when approved)."""
    if cmd.void_cause and app["kind"] != "objection":
        raise InvalidInput("void_cause applies to an objection (异议), not to a removal application",
                           rule=RULE_OBJECTION)
    if app["kind"] != "objection":
        return
    facts = uow.credit.facts_of([app["uscc"]])[app["uscc"]]
    if app.get("target"):
        checks.information(facts, app["target"])
        return
    entry = checks.objectable(d, app["entry_ids"][0])
    if cmd.void_cause:
        checks.cause_of(facts, entry)


def uphold(uow: UnitOfWork, app: dict[str, Any], cmd: Decide, d: Derivation, approved_by: str) -> list[str]:
    """Inside the approval's unit of work: one void fact (the entry, and the causes found wrong); a voided penalty
    decision is annulled and announced. The keys of the voided information."""
    uscc = app["uscc"]
    facts = uow.credit.facts_of([uscc])[uscc]
    data: dict[str, Any] = {"reason": cmd.reason, "approved_by": approved_by, "application_id": app["id"]}
    if app.get("target"):
        causes = [checks.information(facts, app["target"])]
    else:
        entry = checks.objectable(d, app["entry_ids"][0])
        data["entry_id"] = entry.id
        causes = [checks.cause_of(facts, entry)] if cmd.void_cause else []
    data["facts"] = [{"kind": f.kind, "key": f.key} for f in causes]
    uow.credit.add_fact(uscc, Fact("void", f"objection:{app['id']}", d.today, data, None, cmd.by), uow.clock.now())
    for f in causes:
        if f.kind == "penalty":
            _annul_penalty(uow, uscc, f, d, cmd.reason, app["id"])
    return [f.key for f in causes]


def _annul_penalty(uow: UnitOfWork, uscc: str, f: Fact, d: Derivation, reason: str, application_id: str) -> None:
    penalty_id = f.key.split(":", 1)[1]
    penalty = uow.penalties.get(penalty_id)
    if penalty is not None:
        penalty.annulled_on, penalty.annulment_reason = d.today, reason
    uow.publish("inspection.penalty.annulled", uscc, {
        "uscc": uscc, "penalty_id": penalty_id, "kind": penalty.kind if penalty else f.data.get("kind"),
        "effective_on": f.on.isoformat(), "annulled_on": d.today.isoformat(),
        "reason": reason, "legal_basis": RULE_OBJECTION, "decision_number": f.data.get("decision_number"),
        "application_id": application_id})
