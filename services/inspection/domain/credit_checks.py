"""What the credit rules forbid (409 naming the rule) or refuse as input (422): manual inclusion,
removal (R8.4.2, R8.4.3; an entry with nothing to rectify not before 6 months from 查实) and objections
(R8.4.4: to an entry, or to the credit information itself - a penalty decision, a report flagged late)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from services.inspection.domain.credit import Derivation, Entry, Fact, voided_causes
from services.inspection.domain.credit_policy import (ABNORMAL, DUTY_RECTIFY, DUTY_REPORT, MANUAL_RULES, RED,
                                                      RULE_ABNORMAL_REMOVAL, RULE_NOTHING_TO_RECTIFY, RULE_OBJECTION,
                                                      RULE_RED, RULE_REVOKED_REMOVAL, RULE_SERIOUS_REMOVAL,
                                                      RULES_BY_CODE, SERIOUS, CreditPolicy)
from shared.errors import InvalidInput, RuleViolation

CORRECTABLE = ("penalty", "trigger")  # what an upheld objection may void beside an entry (R8.4.4)
_DUTY_ZH = {DUTY_REPORT: "补报年度工作报告", DUTY_RECTIFY: "完成整改并通过验收"}


def check_manual_inclusion(list_name: str, trigger: str, included_on: date, today: date, policy: CreditPolicy) -> None:
    if list_name == RED:
        raise RuleViolation("the red list is computed from its rule set; nobody lists an organization on it by hand",
                            rule=RULE_RED)
    allowed = MANUAL_RULES[list_name]
    if trigger not in allowed:
        raise InvalidInput(f"trigger {trigger!r} cannot list an organization on the {list_name} list by hand; "
                           f"one of: {', '.join(allowed)}", rule=f"R8.2/R8.3 {list_name} triggers")
    if included_on > today:
        raise InvalidInput(f"included_on ({included_on}) lies in the future", rule="credit.included_on.not_future")
    if included_on < policy.engine_start:
        raise InvalidInput(f"included_on ({included_on}) precedes L60 ({policy.engine_start})",
                           rule="credit.included_on.after_l60")


def removable(d: Derivation, list_name: str, entries: Sequence[Entry], on: date) -> None:
    """Raise unless every entry may leave `list_name` on `on` (R8.4.2, R8.4.3)."""
    if list_name == RED:
        raise RuleViolation("the red list follows its rule set; an organization leaves it when a condition fails",
                            rule=RULE_RED)
    if not entries:
        raise RuleViolation(f"{d.uscc} is not on the {list_name} list", rule=f"credit.{list_name}.not_listed")
    for e in entries:
        _removable(d, list_name, e, on)


def _removable(d: Derivation, list_name: str, e: Entry, on: date) -> None:
    if list_name == ABNORMAL:
        if e.duty in _DUTY_ZH and e.duty_done_on is None:
            raise RuleViolation(f"entry {e.id} ({RULES_BY_CODE[e.trigger].title_zh}): {_DUTY_ZH[e.duty]}后方可申请移出",
                                rule=RULE_ABNORMAL_REMOVAL)
        if e.removable_from is not None and on < e.removable_from:
            raise RuleViolation(f"entry {e.id} ({RULES_BY_CODE[e.trigger].title_zh}) has nothing to rectify: it leaves "
                                f"the list on {e.removable_from}, 6 months after 查实 ({e.verified_on}), not before",
                                rule=RULE_NOTHING_TO_RECTIFY)
        return
    if e.trigger == "revoked":
        raise RuleViolation(f"entry {e.id}: an organization listed for revocation leaves the serious list when its "
                            "deregistration (注销登记) is completed", rule=RULE_REVOKED_REMOVAL)
    if d.serious_eligible_on is None or d.serious_eligible_on > on:
        raise RuleViolation(f"{d.uscc} may leave the serious list from {d.serious_eligible_on}: 2 full years on the "
                            "list with no new listing trigger", rule=RULE_SERIOUS_REMOVAL)
    if e.underlying and e.duty_done_on is None:
        raise RuleViolation(f"entry {e.id}: the duty behind the abnormal-list entries (report, rectification) is "
                            "still not performed", rule=RULE_SERIOUS_REMOVAL)


def objectable(d: Derivation, entry_id: str) -> Entry:
    e = next((x for x in d.entries if x.id == entry_id), None)
    if e is None:
        raise RuleViolation(f"entry {entry_id} is not (or no longer) in {d.uscc}'s credit record", rule=RULE_OBJECTION)
    if e.list == RED:
        raise RuleViolation("the red list is computed; object to the information behind it", rule=RULE_OBJECTION)
    if e.underlying:
        raise RuleViolation(f"entry {e.id} follows from abnormal-list entries {', '.join(e.underlying)}: "
                            "object to those", rule=RULE_OBJECTION)
    return e


def information(facts: Sequence[Fact], key: str) -> Fact:
    """The credit information an objection names (R8.4.4): a penalty decision or a trigger (a report flagged
    late, a rectification overdue, an uncontactable finding, a manual inclusion) on record and not yet voided.
    Revocation and deregistration are the registry's decisions, not information this service can correct."""
    voided = voided_causes(facts)
    found = [f for f in facts if f.key == key and f.kind in CORRECTABLE and (f.kind, f.key) not in voided]
    if not found:
        raise RuleViolation(f"no credit information {key!r} on record that an objection can correct "
                            "(a penalty decision or a listing trigger)", rule=RULE_OBJECTION)
    return min(found, key=lambda f: (f.on, f.source_event_id or ""))


def cause_of(facts: Sequence[Fact], e: Entry) -> Fact:
    """The fact behind an entry, for an objection upheld because the cause itself was the error."""
    if e.trigger in ("revoked", "abnormal_two_years"):
        behind = "the registry's revocation" if e.trigger == "revoked" else "other entries"
        raise RuleViolation(f"entry {e.id} follows from {behind}: there is no credit information of this service "
                            "behind it to void", rule=RULE_OBJECTION)
    return information(facts, e.trigger_key)


def list_of(list_name: str) -> str:
    if list_name not in (ABNORMAL, SERIOUS, RED):
        raise InvalidInput(f"unknown list {list_name!r}: abnormal, serious or red", rule="credit.list")
    return list_name
