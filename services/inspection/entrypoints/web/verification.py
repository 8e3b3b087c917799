"""The recomputation a visitor sees: the published inputs run through the draw's own algorithm
(domain.draw), position by position, beside the verdict of GET /inspection/draws/{id}/verification."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.inspection.adapters import views
from services.inspection.bootstrap import InspectionContainer
from services.inspection.domain import draw as draw_rules
from services.inspection.entrypoints.api import routes_public, schemas


@dataclass(frozen=True)
class Recomputed:
    seed_hash: str
    frame_hash: str
    target_count: int
    targets: list[str]
    teams: list[list[str]]


def verification(c: InspectionContainer, draw_id: str) -> dict[str, Any]:
    """The JSON route's answer, through its public schema (no more than it shows)."""
    return schemas.VerificationOut.model_validate(routes_public.verify_draw(draw_id, c)).model_dump()


def recompute(c: InspectionContainer, draw_id: str) -> Recomputed | None:
    with c.db.read_session() as session:
        p = views.published_record(session, draw_id)
    if p is None:
        return None
    n = draw_rules.target_count(ratio=p.ratio, count=p.count, frame_size=len(p.frame),
                                already_drawn=p.already_drawn, round_=p.round, rounds=p.rounds)
    key = draw_rules.draw_key(p.seed, p.plan_id, p.round, p.frame_hash, p.public_random)
    targets = draw_rules.sample(p.frame, min(n, len(p.frame)), key, "targets")
    withdrawn = dict(zip(p.targets, p.withdrawn))  # published per target (回避), reasons not public
    teams = []
    for uscc in targets:
        out = set(withdrawn.get(uscc, []))
        eligible = [i for i in p.pool if i not in out]
        teams.append(draw_rules.sample(eligible, p.per_task, key, "inspectors:" + uscc)
                     if len(eligible) >= p.per_task else [])
    return Recomputed(draw_rules.commitment_of(p.seed, p.random_source), draw_rules.frame_hash(p.frame), n, targets,
                      teams)
