"""Issue 13 item 7, R6.2 (L45 art. 5) through HTTP on SQLite and PostgreSQL: the scheduled-sampling minimum
is a yearly share per registration authority (city 4% of the city-level organizations, each district 3% of
its own), reached by the year's scheduled plans together — no plan is refused for its size — and judged at
the year's end: GET /inspection/coverage (public) reports each authority's register, drawn, planned,
minimum and status, final after 31 December."""
from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.inspection.bootstrap import InspectionContainer
from shared.clock import FixedClock
from tests.fixtures.inspection import org_facts, register
from tests.inspection.integration.support import INSPECTOR, add_inspectors, draw, events, make_plan, problem

SIMING = "350203"


def city_and_siming(container: InspectionContainer, city: int = 50, siming: int = 40) -> None:
    register(container, [org_facts(n) for n in range(1, city + 1)]
             + [org_facts(1000 + n, level="district", district=SIMING) for n in range(1, siming + 1)])


def coverage(client: TestClient, year: int = 2026) -> dict[str, dict[str, Any]]:
    answer = client.get("/inspection/coverage", params={"year": year})  # public: no token
    assert answer.status_code == 200, answer.text
    return {row["authority"]: row for row in answer.json()["authorities"]}


def figures(row: dict[str, Any]) -> tuple[Any, ...]:
    return row["registered"], row["minimum"], row["drawn"], row["planned"], row["met"], row["status"]


def test_two_scheduled_city_plans_of_2_percent_meet_the_year_together__R6_2_L45_art_5(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: FixedClock) -> None:
    city_and_siming(inspection)
    add_inspectors(inspection_client, 2)
    first = make_plan(inspection_client, title="上半年市级定期抽查", ratio="2")  # 1 of 50: refused before
    [city_row] = first["year_coverage"]  # the answer shows the year of the authority the scope reaches
    assert figures(city_row) == (50, 2, 0, 1, False, "unplanned")
    assert figures(coverage(inspection_client)["350200"]) == (50, 2, 0, 1, False, "unplanned")
    second = make_plan(inspection_client, title="下半年市级定期抽查", ratio="2")
    assert figures(second["year_coverage"][0]) == (50, 2, 0, 2, False, "planned")  # the two together reach it
    inspection_clock.advance(days=1)  # the external values are announced
    for plan in (first, second):
        draw(inspection_client, plan["id"], public_random="03 11 17")
    topic = make_plan(inspection_client, kind="unscheduled", title="专项", count=5)
    draw(inspection_client, topic["id"])  # 不定期抽查 does not count toward the minimum
    year = coverage(inspection_client)
    scheduled = [e["data"]["targets"] for e in events(inspection, "inspection.draw.completed")
                 if e["data"]["plan_kind"] == "scheduled"]
    distinct = len({str(t["uscc"] if isinstance(t, dict) else t) for targets in scheduled for t in targets})
    if distinct < 2:  # the two random draws picked the same organization (1 in 50): one organization drawn
        assert (year["350200"]["drawn"], year["350200"]["met"]) == (1, False)
        return
    assert figures(year["350200"]) == (50, 2, 2, 0, True, "met")
    assert (year["350200"]["share_percent"], year["350200"]["minimum_percent"], year["350200"]["register_on"]) == (
        "4.00", "4", "2026-03-03")
    # 思明区's bureau draws 3% of its own 40 (2), whatever the city drew; districts with nobody are met
    assert figures(year[SIMING]) == (40, 2, 0, 0, False, "unplanned")
    assert figures(year["350206"])[:2] == (0, 0) and year["350206"]["met"]
    assert [e["data"]["plan_kind"] for e in events(inspection, "inspection.draw.completed")] == [
        "scheduled", "scheduled", "unscheduled"]


def test_a_year_short_of_the_minimum_is_a_shortfall_after_31_december__R6_2_L45_art_5(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: FixedClock) -> None:
    city_and_siming(inspection)
    add_inspectors(inspection_client, 2)
    district = make_plan(inspection_client, scope={"levels": ["district"], "districts": [SIMING]}, count=1)
    late = make_plan(inspection_client, scope={"levels": ["district"], "districts": [SIMING]}, count=1,
                     draw_dates=["2026-12-30"])
    inspection_clock.advance(days=1)
    draw(inspection_client, district["id"], public_random="5")
    assert figures(coverage(inspection_client)[SIMING]) == (40, 2, 1, 1, False, "planned")
    inspection_clock.advance(days=305)  # 2027-01-02: the year is over, the second plan never drawn in 2026
    assert inspection_clock.today().isoformat() == "2027-01-02"
    final = inspection_client.get("/inspection/coverage", params={"year": 2026}).json()
    assert final["year_over"] is True and "L45 art. 5" in final["rule"]
    siming = {r["authority"]: r for r in final["authorities"]}[SIMING]
    assert (siming["drawn"], siming["minimum"], siming["met"], siming["status"]) == (1, 2, False, "shortfall")
    draw(inspection_client, late["id"], public_random="6")  # drawn in 2027: too late for 2026
    assert figures(coverage(inspection_client)[SIMING])[2:] == (1, 0, False, "shortfall")
    assert coverage(inspection_client, 2027)[SIMING]["drawn"] == 0  # nor does it count for 2027
    problem(inspection_client.get("/inspection/coverage", params={"year": 1999}), 422)


def test_a_redrawn_draw_does_not_count_its_redraw_does__R6_2_L45_art_5(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: FixedClock) -> None:
    city_and_siming(inspection)
    add_inspectors(inspection_client, 2)
    plan = make_plan(inspection_client)  # the default: 4% of the city's 50
    inspection_clock.advance(days=1)
    first = draw(inspection_client, plan["id"], public_random="7")
    assert figures(coverage(inspection_client)["350200"])[2:] == (2, 0, True, "met")
    again = inspection_client.post(f"/inspection/draws/{first['id']}/redraws", headers=INSPECTOR, json={
        "reason": "抽查名录有误", "public_random_source": {"source": "福利彩票双色球开奖号码", "announced_on": "2026-03-05"}})
    assert again.status_code == 201, again.text
    # the first draw's tasks stopped: it no longer counts; the redraw, committed, is planned
    assert figures(coverage(inspection_client)["350200"])[2:] == (0, 2, False, "planned")
    inspection_clock.advance(days=2)
    redrawn = draw(inspection_client, plan["id"], public_random="8")
    assert redrawn["id"] == again.json()["id"]
    year = coverage(inspection_client)["350200"]
    assert figures(year)[2:] == (2, 0, True, "met") and year["register_on"] == "2026-03-05"
