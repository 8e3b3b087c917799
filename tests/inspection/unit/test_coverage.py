"""R6.2 (L45 art. 5), pure (domain.coverage): the scheduled-sampling minimum is a yearly share of each
registration authority's register — city 4%, each district 3% — judged at the year's end, not a size
each plan must reach."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.inspection.domain import coverage
from services.inspection.domain.rules import Policy
from shared.errors import RuleViolation

POLICY = Policy()
TODAY = date(2026, 3, 2)


def assess(authority: str = "350200", *, registered: int = 1109, drawn: int = 0, planned: int = 0,
           today: date = TODAY, year: int = 2026) -> coverage.AuthorityCoverage:
    return coverage.assess(year, today, authority, registered=registered, register_on=today, drawn=drawn,
                           planned=planned, policy=POLICY)


def test_the_minimum_is_the_authoritys_share_of_its_register_rounded_up__R6_2_L45_art_5() -> None:
    city = assess(registered=1109)  # 4% of 1,109 = 44.36
    assert (city.minimum_ratio, city.minimum, city.level, city.name) == (Decimal(4), 45, "city", "厦门市民政局")
    district = assess("350203", registered=6282)  # 3% of 6,282 = 188.46
    assert (district.minimum_ratio, district.minimum, district.level) == (Decimal(3), 189, "district")
    assert district.name == "厦门市思明区民政局"
    assert assess(registered=0).met  # nothing registered, nothing to draw


def test_two_plans_of_2_percent_meet_the_year_together__R6_2_L45_art_5() -> None:
    first = assess(registered=1000, drawn=20, planned=20)  # one 2% plan drawn, another 2% plan on file
    assert (first.met, first.status, first.share) == (False, "planned", Decimal("2.00"))
    both = assess(registered=1000, drawn=40)
    assert (both.met, both.status, both.share) == (True, "met", Decimal("4.00"))


def test_a_year_short_of_its_plans_is_open_until_31_december_then_a_shortfall__R6_2_L45_art_5() -> None:
    assert assess(registered=1000, drawn=20, planned=19).status == "unplanned"  # add a plan before the year ends
    assert assess(registered=1000, drawn=39, today=date(2026, 12, 31)).status == "unplanned"
    final = assess(registered=1000, drawn=39, planned=5, today=date(2027, 1, 1))  # rounds left undrawn: too late
    assert (final.met, final.status) == (False, "shortfall")
    assert assess(registered=1000, drawn=40, today=date(2027, 1, 1)).status == "met"


def test_a_plans_scope_reaches_the_authorities_of_its_levels_and_districts() -> None:
    every = coverage.authorities_of_scope({})
    assert every == {"350200", "350203", "350205", "350206", "350211", "350212", "350213"}
    assert coverage.authorities_of_scope({"levels": ["city"], "categories": ["charity"]}) == {"350200"}
    assert coverage.authorities_of_scope({"levels": ["district"]}) == every - {"350200"}
    assert coverage.authorities_of_scope({"levels": ["district"], "districts": ["350206"]}) == {"350206"}
    assert coverage.authorities_of_scope({"districts": ["350200", "350203"]}) == {"350200", "350203"}
    assert coverage.authorities_of_scope({"levels": ["city"], "districts": ["350203"]}) == frozenset()
    assert coverage.authority_of("city", "350200") == "350200"
    assert coverage.authority_of("district", "350211") == "350211"


def test_the_register_of_the_years_sampling_and_what_counts_for_the_year() -> None:
    assert coverage.reference_day(2026, TODAY, date(2026, 4, 8)) == date(2026, 4, 8)  # the latest draw's day
    assert coverage.reference_day(2026, TODAY, None) == TODAY
    assert coverage.reference_day(2025, TODAY, None) == date(2025, 12, 31)
    assert coverage.counts_for_year(2026, date(2026, 12, 31)) and not coverage.counts_for_year(2026, date(2027, 1, 4))
    # a plan's rounds not drawn yet: its count, or its ratio of the organizations in scope, less what it drew
    assert coverage.pending_targets(None, 30, 900, 10) == 20
    assert coverage.pending_targets(Decimal(2), None, 1109, 0) == 23  # 22.18 -> 23, as the draw rounds
    assert coverage.pending_targets(Decimal(2), None, 1109, 30) == 0


def test_a_scheduled_plan_samples_the_whole_register_of_its_authority__R6_2_L45_art_5() -> None:
    coverage.check_scheduled_scope("scheduled", {"levels": ["district"], "districts": ["350203"], "types": [],
                                                 "charity": None})
    coverage.check_scheduled_scope("unscheduled", {"categories": ["science_technology"]})  # 不定期: by sector
    for narrowing in ({"categories": ["science_technology"]}, {"ratings": ["5A"]}, {"charity": False},
                      {"credit_lists": ["red"]}, {"types": ["foundation"]}, {"risk_signals": ["penalized"]}):
        with pytest.raises(RuleViolation) as caught:
            coverage.check_scheduled_scope("scheduled", {"levels": ["city"], **narrowing})
        assert "L45 art. 5" in caught.value.rule and next(iter(narrowing)) in caught.value.detail
