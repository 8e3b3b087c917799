"""The statistics' arithmetic (plain Python): goals, shares and rates from counts the adapters make.

R9.9 (domain-rules.md): the share of city-level organizations with a valid 3A+ grade, against the
25% goal. Numerator: city-level, active on the day, valid 3A/4A/5A. Denominator, variant "all":
every active city-level organization; variant "eligible": only those registered at least two full
years before the day (eligible for evaluation).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Goals:
    population: int = 4_297_000
    total: int = 9_000
    rated_share: float = 0.25
    inspection_share: float = 0.04


def ratio(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def eligible_since(as_of: date) -> date:
    """Registered on or before this day = at least two full years by `as_of` (R9.9 variant)."""
    try:
        return as_of.replace(year=as_of.year - 2)
    except ValueError:  # 29 February
        return as_of.replace(year=as_of.year - 2, day=28)


def rated_share(rated: int, denominator: int, goal: float) -> dict[str, Any]:
    share = ratio(rated, denominator)
    return {"rated_3a_plus": rated, "denominator": denominator, "share": rounded(share),
            "goal": goal, "meets_goal": None if share is None else share >= goal}


def total_progress(total: int, goals: Goals) -> dict[str, Any]:
    return {"total": total, "goal": goals.total, "progress": rounded(ratio(total, goals.total)),
            "per_10000_residents": round(total * 10_000 / goals.population, 1), "population": goals.population}


def filing_rates(due: dict[int, int], filed: dict[int, int], late: dict[int, int] | None = None,
                 overdue: dict[int, int] | None = None) -> list[dict[str, Any]]:
    late, overdue = late or {}, overdue or {}
    return [{"year": year, "due": due.get(year, 0), "filed": filed.get(year, 0), "late": late.get(year, 0),
             "overdue": overdue.get(year, 0), "rate": rounded(ratio(filed.get(year, 0), due.get(year, 0)))}
            for year in sorted(set(due) | set(filed))]


def inspection_rates(drawn: dict[int, int], completed: dict[int, int], city_total: int,
                     goal: float) -> list[dict[str, Any]]:
    out = []
    for year in sorted(set(drawn) | set(completed)):
        share = ratio(drawn.get(year, 0), city_total)
        out.append({"year": year, "drawn": drawn.get(year, 0), "completed": completed.get(year, 0),
                    "share_of_city_level": rounded(share), "minimum": goal,
                    "meets_minimum": None if share is None else share >= goal})
    return out
