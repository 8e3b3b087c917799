"""R6.2 (L45 art. 5): the scheduled-sampling minimum is a yearly share per registration authority, not a
size each plan must reach. Plain Python; the adapters count, this module does the arithmetic.

"定期抽查是指登记管理机关按年度随机抽取本级登记的社会组织开展检查。县级、市级…登记管理机关对本级登记的
社会组织的抽查比例分别不低于3%、4%…" — so each authority (the city bureau for city-level organizations,
each district bureau for its own) draws, over all the scheduled plans of a year together, at least its
share of the organizations it registered. Two scheduled city plans of 2% each meet it together, and no
plan is refused for its size. A scheduled plan samples the whole register (its scope names levels and
districts only): sampling by type, sector or topic is 不定期抽查 (art. 5, second paragraph), which does
not count toward the share.

The rule is judged at the year's end, not when a plan is made (a later plan of the same year may still
make up the difference): until 31 December the report says whether the year is met already and whether
the scheduled plans on file would meet it; after it, an unmet year is a shortfall, which nothing
changes any more (draws of the year's plans run after its end do not count for it).

Definitions (the same in GET /inspection/coverage and the search service's statistics):
- drawn: the distinct organizations of the authority drawn by scheduled draws of plans of the year,
  run within the year (a draw replaced by a redraw does not count; its redraw does);
- registered: the authority's organizations active on the reference day: the day of the year's latest
  scheduled draw that drew one of them (the register that year's sampling was drawn from), otherwise
  today, or 31 December for a year that is over;
- minimum: ceil(share x registered / 100): city 4%, district 3% (settings);
- planned: what the year's scheduled rounds not drawn yet will draw, for plans whose scope lies within
  the authority (a ratio plan: its ratio of today's organizations in scope, as the draw computes it);
  plans whose scope spans several authorities are reported apart (`planned_across`): the draw decides
  how their targets fall.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from services.inspection.domain.model import CITY_DIVISION, DISTRICTS
from services.inspection.domain.rules import Policy
from shared.errors import RuleViolation

RULE_YEARLY = "R6.2 L45 art. 5 (scheduled sampling per registration authority per year: city ≥4%, district ≥3%)"
AUTHORITY_NAMES = {CITY_DIVISION: "厦门市民政局", **{code: f"厦门市{name}民政局" for code, name in DISTRICTS.items()}}
STATUSES = {"met": "已达到最低抽查比例", "planned": "本年度定期抽查计划可达到最低比例",
            "unplanned": "本年度定期抽查计划尚不足最低比例（年底前须补充）", "shortfall": "年度未达到最低抽查比例"}


RULE_WHOLE_REGISTER = ("R6.2 L45 art. 5 定期抽查 (scheduled sampling draws at random from the authority's whole "
                       "register; sampling by type, sector or topic is 不定期抽查)")
NARROWING = ("types", "categories", "credit_lists", "risk_signals", "ratings", "charity")


def check_scheduled_scope(kind: str, scope: Mapping[str, Any]) -> None:
    """定期抽查 samples "本级登记的社会组织" at random: a scheduled plan's scope names whose register (levels,
    districts) and nothing that narrows it; a sample by type, sector, rating, list or risk is 不定期抽查 (art.
    5, second paragraph), which states its reason and does not count toward the yearly share."""
    narrowed = [key for key in NARROWING if scope.get(key) not in (None, [], ())]
    if kind == "scheduled" and narrowed:
        raise RuleViolation(f"定期抽查 draws from the whole register of its authority; {', '.join(narrowed)} narrow "
                            "it: make it an unscheduled plan (不定期抽查) with its reason", rule=RULE_WHOLE_REGISTER)


def authority_of(level: str, district: str) -> str:
    """The registration authority of an organization: the city bureau (350200) or its district's."""
    return CITY_DIVISION if level == "city" else district


def authorities_of_scope(scope: Mapping[str, Any], known: Iterable[str] = ()) -> frozenset[str]:
    """The authorities whose organizations a plan's scope can draw (its levels and districts filters)."""
    codes = set(scope.get("districts") or ()) or {CITY_DIVISION, *DISTRICTS, *known}
    levels = set(scope.get("levels") or ())
    if levels == {"city"}:
        codes &= {CITY_DIVISION}
    elif levels == {"district"}:
        codes.discard(CITY_DIVISION)
    return frozenset(codes)


def minimum_ratio_of(authority: str, policy: Policy) -> Decimal:
    return policy.min_ratio_city if authority == CITY_DIVISION else policy.min_ratio_district


def minimum_count(ratio: Decimal, registered: int) -> int:
    return math.ceil(ratio * registered / 100)


def year_over(year: int, today: date) -> bool:
    return today > date(year, 12, 31)


def reference_day(year: int, today: date, last_draw: date | None) -> date:
    """The day whose register the year's share is measured against (see the module's definitions)."""
    if last_draw is not None:
        return last_draw
    return date(year, 12, 31) if year_over(year, today) else today


def counts_for_year(year: int, drawn_on: date) -> bool:
    """A scheduled draw counts for its plan's year when it was run within that year."""
    return drawn_on.year == year


def pending_targets(ratio: Decimal | None, count: int | None, in_scope: int, drawn_in_plan: int) -> int:
    """What a plan's rounds not drawn yet will draw (algorithm step 6's total less the earlier rounds)."""
    total = count if count is not None else math.ceil(Decimal(ratio or 0) * in_scope / 100)
    return max(0, total - drawn_in_plan)


@dataclass(frozen=True)
class AuthorityCoverage:
    authority: str
    name: str
    level: str
    registered: int
    register_on: date
    minimum_ratio: Decimal
    minimum: int
    drawn: int
    planned: int
    share: Decimal | None
    met: bool
    status: str


def assess(year: int, today: date, authority: str, *, registered: int, register_on: date, drawn: int,
           planned: int, policy: Policy) -> AuthorityCoverage:
    """One authority's year: met once drawn reaches the minimum; otherwise, after 31 December, a
    shortfall; before it, planned (the scheduled plans on file reach it) or unplanned."""
    ratio = minimum_ratio_of(authority, policy)
    minimum = minimum_count(ratio, registered)
    met = drawn >= minimum
    if met:
        status = "met"
    elif year_over(year, today):
        status = "shortfall"
    else:
        status = "planned" if drawn + planned >= minimum else "unplanned"
    share = None if registered == 0 else (Decimal(drawn) * 100 / registered).quantize(Decimal("0.01"))
    return AuthorityCoverage(authority, AUTHORITY_NAMES.get(authority, authority),
                             "city" if authority == CITY_DIVISION else "district", registered, register_on, ratio,
                             minimum, drawn, planned, share, met, status)
