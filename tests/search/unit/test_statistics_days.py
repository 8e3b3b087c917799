"""The statistics' in-memory pass (adapters/views: facts read once, any number of days): each day's
figures equal a brute-force count over the same facts - ended organizations, cancelled and downgraded
grades, the two-year eligibility boundary, reports without a deadline - and the 3A+ share by type and
by district (R9.9) follows the documented scope."""
from __future__ import annotations

from collections import namedtuple
from datetime import date

from services.search.adapters.views import Facts, _day, _Org
from services.search.domain.stats import Goals, eligible_since

Rating = namedtuple("Rating", "uscc awarded_on grade expires_on cancelled_on")
D = date


def org(uscc: str, level: str = "city", district: str = "350200", type_: str = "social_group",
        registered: date = D(2015, 1, 1), ended: date | None = None) -> _Org:
    return _Org(uscc, type_, "other", level, district, registered, ended, uscc.endswith("C"), None)


ORGS = [
    org("A"), org("B", type_="foundation"), org("C", registered=D(2024, 6, 1)),  # C: a charity, not yet eligible
    org("E", ended=D(2025, 3, 1)),  # ended: counted before, not after
    org("F", registered=D(2025, 1, 1), ended=D(2025, 1, 1)),  # ended the day it was registered: never active
    org("G", level="district", district="350203"), org("H", level="district", district="350203"),
    org("J", level="district", district="350206", registered=D(2024, 3, 1)),
]
RATINGS = {
    "A": [Rating("A", D(2021, 1, 1), "4A", D(2026, 1, 1), None), Rating("A", D(2025, 7, 1), "3A", D(2030, 7, 1), None)],
    "B": [Rating("B", D(2022, 1, 1), "5A", D(2027, 1, 1), D(2025, 5, 1))],  # cancelled
    "C": [Rating("C", D(2024, 7, 1), "3A", D(2029, 7, 1), None)],
    "E": [Rating("E", D(2022, 1, 1), "3A", D(2027, 1, 1), None)],
    "G": [Rating("G", D(2023, 1, 1), "4A", D(2028, 1, 1), None)],
    "H": [Rating("H", D(2023, 1, 1), "3A", D(2028, 1, 1), None)],
}
STEPS = {"H": [{"uscc": "H", "awarded_on": D(2023, 1, 1), "on": D(2025, 9, 1), "to_grade": "2A"}]}
REPORTS = [(2024, D(2025, 5, 1), D(2025, 5, 31), None, 3), (2024, D(2025, 6, 5), D(2025, 5, 31), None, 1),
           (2024, D(2025, 6, 9), None, None, 2), (2024, None, D(2025, 5, 31), D(2025, 6, 1), 1)]
DAYS = [D(2024, 12, 31), D(2025, 2, 28), D(2025, 6, 30), D(2025, 12, 31), D(2026, 6, 1)]


def facts() -> Facts:
    return Facts(list(ORGS), dict(RATINGS), dict(STEPS), [("abnormal", "A", D(2025, 1, 1), None)], list(REPORTS),
                 [(D(2025, 4, 1), D(2025, 6, 1), 1)])


def brute(day: date) -> dict[str, object]:
    """The R9.9 counts by definition, one organization at a time."""
    since = eligible_since(day)
    active = [o for o in ORGS if o.registered_on <= day and (o.ended_on is None or o.ended_on > day)]

    def grade(o: _Org) -> str | None:
        valid = [r for r in RATINGS.get(o.uscc, []) if r.awarded_on <= day < r.expires_on
                 and (r.cancelled_on is None or r.cancelled_on > day)]
        if not valid:
            return None
        best = max(valid, key=lambda r: r.awarded_on)
        lowered = [s["to_grade"] for s in STEPS.get(o.uscc, []) if s["awarded_on"] == best.awarded_on
                   and s["on"] <= day]
        return lowered[-1] if lowered else best.grade

    def counts(group: list[_Org]) -> tuple[int, int, int, int]:
        top = [o for o in group if grade(o) in ("3A", "4A", "5A")]
        return (len(top), len(group), sum(o.registered_on <= since for o in top),
                sum(o.registered_on <= since for o in group))

    city = [o for o in active if o.level == "city"]
    return {"city": counts(city),
            "by_type": {t: counts([o for o in city if o.type == t]) for t in sorted({o.type for o in city})},
            "by_district": {d: counts([o for o in active if o.district == d])
                            for d in sorted({o.district for o in active})},
            "total": len(active)}


def shown(variants: dict[str, dict[str, object]]) -> tuple[object, ...]:
    a, e = variants["variant_all"], variants["variant_eligible"]
    return a["rated_3a_plus"], a["denominator"], e["rated_3a_plus"], e["denominator"]


def test_each_day_equals_the_count_by_definition() -> None:
    known = facts()
    for day in DAYS:
        out, want = _day(known, day, Goals()), brute(day)
        assert out["total"]["total"] == want["total"], day
        assert shown(out["rated_3a_plus_city_level"]) == want["city"], day
        breakdown = out["rated_3a_plus_breakdown"]
        assert {k: shown(v) for k, v in breakdown["by_type"].items()} == want["by_type"], day
        assert {k: shown(v) for k, v in breakdown["by_district"].items()} == want["by_district"], day
        # 350200 is the city level itself: the goal's figures
        assert shown(breakdown["by_district"]["350200"]) == want["city"]


def test_the_breakdown_on_a_day() -> None:
    out = _day(facts(), D(2025, 12, 31), Goals())
    breakdown = out["rated_3a_plus_breakdown"]
    # A (3A, renewed), C (3A, registered 2024: not eligible); B's 5A cancelled, E ended
    assert shown(out["rated_3a_plus_city_level"]) == (2, 3, 1, 2)
    assert shown(breakdown["by_type"]["social_group"]) == (2, 2, 1, 1)
    assert shown(breakdown["by_type"]["foundation"]) == (0, 1, 0, 1)
    # district-level organizations in their districts (not in the city goal): H downgraded to 2A
    assert shown(breakdown["by_district"]["350203"]) == (1, 2, 1, 2)
    assert breakdown["by_district"]["350203"]["variant_all"]["share"] == 0.5
    assert shown(breakdown["by_district"]["350206"]) == (0, 1, 0, 0)
    assert breakdown["by_district"]["350206"]["variant_eligible"]["share"] is None
    assert out["charities"] == 1 and out["credit_lists"]["abnormal"] == 1
    [filing] = out["annual_report_filing"]
    # a report without a deadline is not late
    assert (filing["year"], filing["filed"], filing["late"], filing["overdue"]) == (2024, 6, 1, 1)
    assert out["inspections"][0]["drawn"] == 1 and out["inspections"][0]["completed"] == 1


def test_city_share_is_city_draws_over_city_population__R6_2_L45_art_5() -> None:
    """Issue 13 item 7: the share divides the city-level targets of the year's scheduled draws by the
    city-level register, not every drawn target (district-level, unscheduled) by the city-level count;
    each district's share is its own targets over its own register (3%)."""
    drawn = [(D(2024, 4, 2), None, 1), (D(2025, 4, 1), None, 2), (D(2025, 4, 2), None, 1),
             (D(2025, 5, 9), None, 3), (D(2026, 1, 5), None, 1)]  # 2025: 6 targets in all
    scheduled = [("A", D(2025, 4, 1), 2025), ("C", D(2025, 4, 1), 2025),  # the city plan: 2 city-level
                 ("G", D(2025, 4, 2), 2025),  # the district plan: one of 思明区's
                 ("B", D(2026, 1, 5), 2025),  # a 2025 plan drawn in 2026 counts for neither year
                 ("H", D(2024, 4, 2), None)]  # an event without the plan's year: its draw day's year
    known = Facts(list(ORGS), {}, {}, [], [], drawn, scheduled)  # the 3 of 5 May: unscheduled (not listed)
    [_, row] = _day(known, D(2025, 12, 31), Goals())["inspections"]
    # the city register on the latest city draw's day (1 April 2025): A, B, C (E ended on 1 March)
    assert (row["drawn"], row["city_level_drawn"], row["city_level"], row["city_level_on"]) == (6, 2, 3, "2025-04-01")
    assert row["share_of_city_level"] == round(2 / 3, 4) and row["meets_minimum"] is True
    assert row["districts"]["350203"] == {"drawn": 1, "registered": 2, "registered_on": "2025-04-02", "share": 0.5,
                                          "minimum": 0.03, "meets_minimum": True}
    # 湖里区 drew nobody: 0 of its register at the day asked (J registered 2024)
    assert row["districts"]["350206"]["share"] == 0.0 and row["districts"]["350206"]["meets_minimum"] is False
    before = _day(known, D(2025, 4, 1), Goals())["inspections"]  # the district draw of 2 April not yet
    assert [(r["city_level_drawn"], r["districts"]["350203"]["drawn"]) for r in before] == [(0, 1), (2, 0)]
    old = _day(known, D(2024, 12, 31), Goals())["inspections"]
    assert [(r["year"], r["city_level_drawn"], r["districts"]["350203"]["drawn"]) for r in old] == [(2024, 0, 1)]
    assert old[0]["city_level_on"] == "2024-12-31"  # no city draw that year: the year's end
    later = _day(known, D(2026, 6, 1), Goals())["inspections"]
    assert [(r["year"], r["drawn"], r["city_level_drawn"]) for r in later] == [(2024, 1, 0), (2025, 6, 2), (2026, 1, 0)]
    assert later[1]["share_of_city_level"] == row["share_of_city_level"]  # 2025's figures are final
    # the 2025 plan's draw of 5 January 2026 is a target drawn in 2026, in no year's share
