"""inspection.penalty.annulled (issue 13 item 3): an upheld objection (异议, R8.4.4) voided a penalty
decision as an error. The registry's copy of it is marked annulled, so it counts no more for the penalty
windows of charity recognition and public fundraising (R10.1.2, R10.2.2) and of the rating exclusions
(R9.3), and the grade it lowered (R9.6, L39 art. 30) goes back up by the step it took, announced as
registry.rating.restored. Inside the consumer's transaction; a redelivered event changes nothing."""
from __future__ import annotations

from services.registry.domain import commands
from services.registry.domain import corrections as rules
from services.registry.domain.model import KnownPenalty
from services.registry.domain.rating import RatingChange
from services.registry.service_layer.ports import UnitOfWork


def annul_penalty(cmd: commands.AnnulPenalty, uow: UnitOfWork) -> RatingChange | None:
    penalty = uow.organizations.known_penalty(cmd.penalty_id)
    if penalty is None:  # the decision itself never reached the registry: remember it as annulled
        penalty = KnownPenalty(cmd.penalty_id, cmd.uscc, cmd.kind, cmd.effective_on, cmd.legal_basis)
        uow.organizations.add_penalty(penalty)
    if penalty.annulled_on is None:
        penalty.annulled_on, penalty.annulment_reason = cmd.annulled_on, cmd.reason
    return restore_grade(uow, cmd)


def is_annulled(uow: UnitOfWork, penalty_id: str) -> bool:
    """A penalty voided before its own event came: it lowers no grade (R9.6)."""
    penalty = uow.organizations.known_penalty(penalty_id)
    return penalty is not None and penalty.annulled_on is not None


def restore_grade(uow: UnitOfWork, cmd: commands.AnnulPenalty) -> RatingChange | None:
    """Give back the step the penalty's downgrade took from a grade still valid (once per penalty)."""
    lowered, restored = rules.penalty_cause(cmd.penalty_id), rules.restoration_cause(cmd.penalty_id)
    for rating in uow.ratings.history(cmd.uscc, for_update=True):
        assert rating.id is not None
        if not uow.ratings.has_change(rating.id, lowered) or uow.ratings.has_change(rating.id, restored):
            continue
        grade = rules.restored_grade(rating)
        if grade is None:
            return None
        reason = f"{cmd.effective_on} 的行政处罚已因异议成立被撤销（{cmd.reason}），恢复因该处罚降低的等级"
        change = RatingChange(rating.id, rating.uscc, uow.clock.today(), rating.grade, grade, reason,
                              rules.RULE_CORRECTION, restored, uow.clock.now())
        rating.grade = grade
        uow.ratings.add_change(change)
        uow.publish("registry.rating.restored", rating.uscc, {
            "uscc": rating.uscc, "rating_id": rating.id, "awarded_on": rating.awarded_on.isoformat(),
            "expires_on": rating.expires_on.isoformat(), "from_grade": change.from_grade, "to_grade": grade,
            "on": change.changed_on.isoformat(), "reason": reason, "legal_basis": change.legal_basis,
            "trigger": restored})
        return change
    return None
