"""Two-person decisions (四眼原则): a sanction is proposed by one person and takes effect only when a
different person holding the `approver` role approves it. Plain Python: each service stores its own
proposals (shared/decision_store.py) and carries out the approved act in the same transaction.

States: proposed -> approved | rejected | withdrawn. Nothing happens and no event leaves before approval;
an approval re-checks the act's rules at that moment (the organization may have been closed meanwhile).
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from shared.errors import Forbidden, NotFound, RuleViolation

APPROVER = "approver"
RULE_APPROVER_ROLE = "four-eyes: only an approver (the bureau's responsible person) approves a sanction"
RULE_TWO_PEOPLE = "four-eyes: the person who proposed a sanction cannot approve it"
RULE_DECIDED_ONCE = "four-eyes: a proposal is decided once"
RULE_WITHDRAW_OWN = "four-eyes: only the proposer withdraws a proposal"
STATES = ("proposed", "approved", "rejected", "withdrawn")


def proposal_id() -> str:
    """A proposal's id, from the system's randomness (a replay that seeds its own ids is not disturbed)."""
    return f"SP-{secrets.token_hex(8)}"


def ensure_approver(role: str) -> None:
    """Only an approver decides a sanction: checked before a proposal is even looked up, so a proposal's
    existence tells nobody else anything."""
    if role != APPROVER:
        raise Forbidden(f"approving or rejecting a sanction needs the role {APPROVER}; you are {role}",
                        rule=RULE_APPROVER_ROLE)


@dataclass
class Proposal:
    """One proposed sanction: what is to be done (`kind` and `payload`, service-specific), on which
    organization, proposed by whom and when, dated when (`effective_on`), and how it was decided."""

    id: str
    kind: str
    uscc: str
    org_name: str
    payload: dict[str, Any]
    effective_on: date
    proposed_by: str
    proposed_role: str
    proposed_at: datetime
    summary: str = ""
    late: bool = False  # dated more than the entry deadline (R8.1.2) before it was proposed
    late_reason: str | None = None
    state: str = "proposed"
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    result_id: str | None = None  # what the approval produced (a penalty, an entry, a revocation ...)
    links: dict[str, Any] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.state == "proposed"

    def _ensure_open(self) -> None:
        if not self.is_open:
            raise RuleViolation(f"proposal {self.id} was already {self.state} by {self.decided_by} at {self.decided_at}",
                                rule=RULE_DECIDED_ONCE)

    def ensure_approvable_by(self, username: str, role: str) -> None:
        """The four-eyes rules; raise before anything of the act is done. The role comes first: whoever may
        not decide is refused (403) without learning whether, when or by whom the proposal was decided."""
        if role != APPROVER:
            raise Forbidden(f"approving a sanction needs the role {APPROVER}; you are {role}", rule=RULE_APPROVER_ROLE)
        self._ensure_open()
        if username == self.proposed_by:
            raise Forbidden(f"{username} proposed {self.id}; another approver must decide it", rule=RULE_TWO_PEOPLE)

    def approve(self, username: str, role: str, at: datetime, note: str | None, result_id: str | None) -> None:
        self.ensure_approvable_by(username, role)
        self.state, self.decided_by, self.decided_at = "approved", username, at
        self.decision_note, self.result_id = note, result_id

    def reject(self, username: str, role: str, at: datetime, reason: str) -> None:
        self.ensure_approvable_by(username, role)
        self.state, self.decided_by, self.decided_at, self.decision_note = "rejected", username, at, reason

    def withdraw(self, username: str, at: datetime, reason: str | None) -> None:
        if username != self.proposed_by:  # before the state, like ensure_approvable_by
            raise Forbidden(f"only {self.proposed_by}, who proposed {self.id}, can withdraw it", rule=RULE_WITHDRAW_OWN)
        self._ensure_open()
        self.state, self.decided_by, self.decided_at, self.decision_note = "withdrawn", username, at, reason


class ProposalStore(Protocol):
    def get(self, proposal_id: str) -> Proposal | None: ...

    def save_decision(self, proposal: Proposal) -> None: ...


class DecisionUnit(Protocol):
    """What deciding needs of a service's unit of work: its proposals, its clock, a transaction."""

    proposals: Any
    clock: Any

    def __enter__(self) -> Any: ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None: ...


def decide(uow: DecisionUnit, proposal_id: str, act: Callable[[Proposal], None]) -> Proposal:
    """Load a proposal, let `act` decide it (approve and carry out, reject, withdraw, with whatever else the
    service does in the same transaction), write the decision (once: shared/decision_store.py) and commit."""
    with uow:
        proposal = uow.proposals.get(proposal_id)
        if proposal is None:
            raise NotFound(f"no sanction proposal {proposal_id}")
        act(proposal)
        uow.proposals.save_decision(proposal)
        uow.commit()
    return proposal
