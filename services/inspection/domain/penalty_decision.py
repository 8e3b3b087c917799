"""A penalty is a decision (行政处罚决定书), not a kind (issue 13 item 1): one decision, one decision number,
may combine 警告, 没收违法所得, 罚款, 责令撤换直接负责的主管人员, 限期停止活动 and 撤销登记 (SHT art. 30,
MFQ art. 25, JJH art. 42). A fine carries what it is computed from and is held to the article's bounds:
1-3× the illegal turnover or 3-5× the illegal gains (SHT art. 30 第二款, MFQ art. 25 第二款)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from services.inspection.domain.commands import ImposePenalty, Measure
from services.inspection.domain.model import SEVERITY, DirectoryEntry
from shared.errors import RuleFailures

RULE_PENALTY = "R2.4.2 SHT art. 30; MFQ art. 25; JJH art. 42"
RULE_FINE_BOUNDS = "R2.4.2 SHT art. 30 第二款; MFQ art. 25 第二款: 违法经营额1-3倍或违法所得3-5倍"
RULE_REPLACE = "SHT art. 30: 责令撤换直接负责的主管人员 (社会团体)"
FINE_BOUNDS = {"turnover": (Decimal(1), Decimal(3)), "gains": (Decimal(3), Decimal(5))}
FINE_BASES = ("turnover", "gains", "fixed")


def primary(measures: tuple[Measure, ...]) -> Measure:
    """The most severe measure: the one that names the decision for readers of one kind."""
    return min(measures, key=lambda m: SEVERITY.index(m.kind) if m.kind in SEVERITY else len(SEVERITY))


def check_decision(cmd: ImposePenalty, org: DirectoryEntry, today: date) -> None:
    """Every measure's own rules, and the decision's: each kind once, not both suspended and revoked,
    dated within the organization's life (422 naming each field)."""
    f = RuleFailures()
    measures = cmd.all_measures()
    many = bool(cmd.measures)
    kinds = [m.kind for m in measures]
    if len(set(kinds)) != len(kinds):
        f.add("measures", "each measure appears once in a decision", RULE_PENALTY)
    if "suspension" in kinds and "revocation" in kinds:
        f.add("measures", "限期停止活动 and 撤销登记 exclude each other in one decision", RULE_PENALTY)
    for n, m in enumerate(measures):
        _check_measure(f, f"measures[{n}]." if many else "", m, org)
    if cmd.effective_on > today:
        f.add("effective_on", f"record a penalty when it takes effect; {cmd.effective_on} is after today",
              "penalty.effective_on.not_future")
    if cmd.effective_on < org.registered_on:
        f.add("effective_on", f"{cmd.effective_on} precedes the registration ({org.registered_on})",
              "penalty.effective_on")
    f.raise_if_any()
    org.ensure_active("be penalized")


def _check_measure(f: RuleFailures, at: str, m: Measure, org: DirectoryEntry) -> None:
    if m.kind == "fine":
        _check_fine(f, at, m)
    elif m.kind == "confiscation" and m.amount is not None and m.amount <= 0:
        f.add(f"{at}amount", "the confiscated illegal gains are a positive amount", RULE_PENALTY)
    elif m.kind not in ("fine", "confiscation") and m.amount is not None:
        f.add(f"{at}amount", f"a {m.kind} carries no amount", "penalty.amount")
    if m.kind == "suspension" and not m.period_days:
        f.add(f"{at}period_days", "限期停止活动 states its period", "R2.4.2 SHT art. 30; MFQ art. 25")
    if m.kind != "suspension" and m.period_days is not None:
        f.add(f"{at}period_days", f"a {m.kind} has no period", "penalty.period_days")
    if m.kind == "replace_officials" and org.type != "social_group":
        f.add(f"{at}kind", "责令撤换直接负责的主管人员 is a penalty of social groups only", RULE_REPLACE)
    if m.kind != "fine" and (m.fine_basis is not None or m.basis_amount is not None):
        f.add(f"{at}fine_basis", "only a fine states what it is computed from", "penalty.fine_basis")


def _check_fine(f: RuleFailures, at: str, m: Measure) -> None:
    if m.amount is None or m.amount <= 0:
        f.add(f"{at}amount", "a fine states its amount (罚款数额)", RULE_PENALTY)
        return
    if m.fine_basis not in FINE_BASES:
        f.add(f"{at}fine_basis", "a fine states what it is computed from: turnover (违法经营额), gains (违法所得) "
                                 "or fixed (an amount another law sets)", RULE_FINE_BOUNDS)
        return
    if m.fine_basis == "fixed":
        return
    if m.basis_amount is None or m.basis_amount <= 0:
        f.add(f"{at}basis_amount", f"a fine on the illegal {m.fine_basis} states that amount", RULE_FINE_BOUNDS)
        return
    low, high = FINE_BOUNDS[m.fine_basis]
    if not low * m.basis_amount <= m.amount <= high * m.basis_amount:
        f.add(f"{at}amount", f"a fine on the illegal {m.fine_basis} of {m.basis_amount} lies between "
                             f"{low * m.basis_amount} and {high * m.basis_amount}", RULE_FINE_BOUNDS)


def measures_data(measures: tuple[Measure, ...]) -> list[dict[str, Any]]:
    """The decision's measures as stored and published (amounts as exact text)."""
    return [{"kind": m.kind, "amount": None if m.amount is None else format(m.amount, "f"),
             "period_days": m.period_days, "fine_basis": m.fine_basis,
             "basis_amount": None if m.basis_amount is None else format(m.basis_amount, "f")} for m in measures]
