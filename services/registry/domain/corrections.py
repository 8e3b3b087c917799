"""Corrections the registry makes when the credit information behind its rules is voided as an error
(an upheld objection, 异议, R8.4.4 L60). Plain Python."""
from __future__ import annotations

from services.registry.domain.rating import GRADES, Rating

RULE_CORRECTION = "R8.4.4 L60 (异议成立: the registrar corrects a confirmed error); L39 art. 30, R9.6"


def penalty_cause(penalty_id: str) -> str:
    """The cause a penalty's downgrade is recorded under (service_layer/ratings.downgrade_for_penalty)."""
    return f"penalty {penalty_id}"


def restoration_cause(penalty_id: str) -> str:
    return f"penalty {penalty_id} annulled"


def restored_grade(rating: Rating) -> str | None:
    """The grade a still-valid rating goes back to when a downgrade it took is voided: one step up, never above
    the grade awarded (None: nothing to give back - the grade ended, or is already at the award)."""
    if rating.status != "valid":
        return None
    up = GRADES.index(rating.grade) + 1
    if up >= len(GRADES) or up > GRADES.index(rating.original_grade):
        return None
    return GRADES[up]
