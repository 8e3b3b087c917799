"""The statistics' arithmetic (plain Python): goals, shares and rates from counts the adapters make.

R9.9 (domain-rules.md): the share of city-level organizations with a valid 3A+ grade, against the
25% goal. Numerator: city-level, active on the day, valid 3A/4A/5A. Denominator, variant "all":
every active city-level organization; variant "eligible": only those registered at least two full
years before the day (eligible for evaluation).

The goal's breakdowns (issue 7: "over time, by district, by type"), both variants each:
- by type: the goal's own population (city-level organizations) split by type; the rows add up to
  the city-wide figures.
- by district: keyed by the registration division (the `district` column, USCC positions 3-8).
  "350200" is the city level itself (the goal's population, equal to the city-wide figures); each
  district code holds that district's own organizations, i.e. the district-level organizations its
  civil-affairs bureau registered. R9.9's numerator requires positions 3-8 = 350200, so district-level
  organizations do NOT count toward the city's 25% goal; their rows apply the same definition (valid
  3A+ grade, active, registered two full years for "eligible") and are read against the same 25% line
  for comparison only. (City-level organizations have no district in the register: where they sit is
  free text in the domicile, so they are not split by district.)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Goals:
    population: int = 4_297_000
    total: int = 9_000
    rated_share: float = 0.25
    inspection_share: float = 0.04  # R6.2 L45 art. 5: the city bureau, of the city-level organizations
    inspection_share_district: float = 0.03  # each district bureau, of its own organizations


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


TOP_GRADES = frozenset(("3A", "4A", "5A"))


@dataclass
class ShareCounts:
    """The four counts behind both R9.9 variants of one population."""

    rated: int = 0
    all: int = 0
    rated_eligible: int = 0
    eligible: int = 0

    def add_population(self, active: int, eligible: int) -> None:
        self.all += active
        self.eligible += eligible

    def add_rated(self, eligible: bool) -> None:
        self.rated += 1
        self.rated_eligible += eligible


def share_variants(counts: ShareCounts, goal: float) -> dict[str, Any]:
    return {"variant_all": rated_share(counts.rated, counts.all, goal),
            "variant_eligible": rated_share(counts.rated_eligible, counts.eligible, goal)}


def rated_breakdown(by_type: dict[str, ShareCounts], by_district: dict[str, ShareCounts], since: date,
                    goal: float) -> dict[str, Any]:
    return {"registered_on_or_before": since.isoformat(),
            "by_type": {k: share_variants(by_type[k], goal) for k in sorted(by_type)},
            "by_district": {k: share_variants(by_district[k], goal) for k in sorted(by_district)}}


def total_progress(total: int, goals: Goals) -> dict[str, Any]:
    return {"total": total, "goal": goals.total, "progress": rounded(ratio(total, goals.total)),
            "per_10000_residents": round(total * 10_000 / goals.population, 1), "population": goals.population}


def filing_rates(due: dict[int, int], filed: dict[int, int], late: dict[int, int] | None = None,
                 overdue: dict[int, int] | None = None) -> list[dict[str, Any]]:
    late, overdue = late or {}, overdue or {}
    return [{"year": year, "due": due.get(year, 0), "filed": filed.get(year, 0), "late": late.get(year, 0),
             "overdue": overdue.get(year, 0), "rate": rounded(ratio(filed.get(year, 0), due.get(year, 0)))}
            for year in sorted(set(due) | set(filed))]


CITY = "350200"


def authority_of(level: str, district: str) -> str:
    """The registration authority: the city bureau (350200) or the organization's district bureau."""
    return CITY if level == "city" else district


@dataclass
class Sampled:
    """R6.2: one authority's organizations drawn by one year's scheduled draws (run within the year), and
    the day of the latest such draw."""

    usccs: set[str] = field(default_factory=set)
    last: date | None = None

    def add(self, uscc: str, day: date) -> None:
        self.usccs.add(uscc)
        self.last = day if self.last is None else max(self.last, day)


def sampling_register_day(year: int, day: date, last: date | None) -> date:
    """The register a year's share is measured against, as of `day`: the day of the year's latest
    scheduled draw of the authority, otherwise `day` (31 December once the year is over) — the same
    definition as the inspection service's GET /inspection/coverage (domain.coverage)."""
    if last is not None:
        return last
    return min(day, date(year, 12, 31))


def authority_share(drawn: int, registered: int, on: date, goal: float) -> dict[str, Any]:
    share = ratio(drawn, registered)
    return {"drawn": drawn, "registered": registered, "registered_on": on.isoformat(), "share": rounded(share),
            "minimum": goal, "meets_minimum": None if share is None else share >= goal}


def inspection_rates(drawn: dict[int, int], completed: dict[int, int], city: dict[int, dict[str, Any]],
                     districts: dict[int, dict[str, dict[str, Any]]], goal: float) -> list[dict[str, Any]]:
    """Per year: every drawn target and completed inspection (scheduled or not), and the L45 art. 5
    share (R6.2): city-level organizations drawn by the year's scheduled draws over the city-level
    register (`city[year]`, an authority_share), each district's likewise (`districts[year]`)."""
    out = []
    for year in sorted(set(drawn) | set(completed) | set(city)):
        own = city[year]
        out.append({"year": year, "drawn": drawn.get(year, 0), "completed": completed.get(year, 0),
                    "city_level_drawn": own["drawn"], "city_level": own["registered"],
                    "city_level_on": own["registered_on"], "share_of_city_level": own["share"], "minimum": goal,
                    "meets_minimum": own["meets_minimum"], "districts": districts.get(year, {})})
    return out
