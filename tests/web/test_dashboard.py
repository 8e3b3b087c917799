"""The goals dashboard: every figure it shows is the figure GET /search/stats gives for the same day."""
from __future__ import annotations

import itertools
import json
import time
from typing import Any

import pytest

from tests.web.conftest import PORTAL_DAY, Portal, assert_accessible, screenshot

_serial = itertools.count(52601)
TODAY = PORTAL_DAY.isoformat()

# figures a reader of the plan's goals relies on: each must be on the page
REQUIRED = ("total.total", "total.goal", "total.progress", "total.per_10000_residents",
            "rated_3a_plus_city_level.variant_all.share", "rated_3a_plus_city_level.variant_all.rated_3a_plus",
            "rated_3a_plus_city_level.variant_all.denominator", "rated_3a_plus_city_level.variant_eligible.share",
            "credit_lists.abnormal", "credit_lists.serious", "credit_lists.red", "by_type.social_group",
            "by_district.350200", "rating_distribution.4A", "rating_distribution.none",
            "annual_report_filing.2025.rate", "annual_report_filing.2025.due", "inspections.2026.drawn",
            "inspections.2026.city_level_drawn", "inspections.2026.city_level",
            "inspections.2026.share_of_city_level", "inspections.2026.minimum")
# the goal's share by type (city-level) and by district (350200 = the city level; 350203 = 思明区's own)
BREAKDOWN = tuple(f"rated_3a_plus_breakdown.{row}.{variant}.{figure}"
                  for row in ("by_type.social_group", "by_district.350200", "by_district.350203")
                  for variant in ("variant_all", "variant_eligible")
                  for figure in ("rated_3a_plus", "denominator", "share"))


def resolve(stats: dict[str, Any], path: str) -> Any:
    """The value at a dotted path; a number inside a list of per-year rows picks the row of that year."""
    value: Any = stats
    for part in path.split("."):
        if isinstance(value, list):
            [value] = [row for row in value if row["year"] == int(part)]
        else:
            value = value[part]
    return value


def shown(value: Any, text: str) -> bool:
    """Is `text` how the page writes `value` (counts with thousands separators, shares as percents)?"""
    if value is None:
        return text == "—"
    if isinstance(value, bool):
        return text == ("✓" if value else "✗")
    if isinstance(value, int):
        return text == f"{value:,}"
    return text in (f"{value * 100:.1f}%", f"{value:,.1f}")


@pytest.fixture(scope="module")
def goals_data(portal: Portal) -> None:
    """A city-level organization rated 4A on the abnormal list, one drawn for inspection this year, and a
    district-level one of 思明区 rated 3A: so the goal share (city-wide, by type, by district), list counts
    and inspection coverage are not all zero."""
    rated, drawn = portal.register(next(_serial)), portal.register(next(_serial))
    local = portal.register(next(_serial), level="district", district="350203", established_on="2018-03-01")
    for uscc in (rated, drawn, local):
        portal.wait_searchable(uscc)
    portal.publish("registry.rating.awarded", {"uscc": local, "rating_id": 52601, "grade": "3A", "score": "80",
                                               "awarded_on": TODAY, "expires_on": "2031-03-16",
                                               "evaluating_body": "厦门市思明区社会组织评估委员会",
                                               "awarded_by": "registrar1"})
    portal.wait_profile(local, lambda p: p["rating"] is not None)
    portal.publish("registry.annual_report.overdue", {"uscc": rated, "year": 2024, "deadline": "2025-05-31",
                                                      "detected_on": "2025-06-01"})
    portal.wait_profile(rated, lambda p: p["credit_lists"] == ["abnormal"])
    portal.publish("registry.rating.awarded", {"uscc": rated, "rating_id": 52600, "grade": "4A", "score": "850",
                                               "awarded_on": TODAY, "expires_on": "2031-03-16",
                                               "evaluating_body": "厦门市社会组织评估委员会", "awarded_by": "registrar1"})
    portal.publish("inspection.draw.completed", {
        "plan_id": "P-52600", "draw_id": "D-52600", "round": 1, "commitment": "c", "seed": "s", "frame_hash": "h",
        "frame_size": 10, "public_random": "r", "target_count": 1, "targets": [drawn], "algorithm": "sha256",
        "drawn_at": f"{TODAY}T09:00:00+08:00", "plan_kind": "scheduled", "plan_year": PORTAL_DAY.year})
    portal.wait_profile(rated, lambda p: p["rating"] is not None and p["credit_lists"] == ["abnormal"])
    with portal.api() as http:
        for _ in range(100):
            if resolve_safe(http.get("/search/stats").json(), "inspections.2026.drawn"):
                break
            time.sleep(0.1)


def resolve_safe(stats: dict[str, Any], path: str) -> Any:
    try:
        return resolve(stats, path)
    except (KeyError, ValueError):
        return None


def stable_stats(portal: Portal, page: Any, url: str) -> dict[str, dict[str, Any]]:
    """Load `url` between two identical readings of the statistics for each day the page shows (the
    workers may still be applying another test's events: then read again)."""
    with portal.api() as http:
        for _ in range(5):
            page.goto(url)
            days = set(page.locator("[data-as-of]").evaluate_all("els => els.map(e => e.dataset.asOf)"))
            before = {d: http.get("/search/stats", params={"as_of": d}).json() for d in days}
            page.reload()
            after = {d: http.get("/search/stats", params={"as_of": d}).json() for d in days}
            if before == after:
                return after
    raise AssertionError("the statistics kept changing")


def figures(page: Any) -> list[dict[str, Any]]:
    return page.locator("[data-figure]").evaluate_all(
        "els => els.map(e => ({path: e.dataset.figure, value: e.dataset.value, asOf: e.dataset.asOf || null,"
        " text: e.textContent.trim()}))")


def check_figures(page: Any, stats_by_day: dict[str, dict[str, Any]], day: str) -> list[dict[str, Any]]:
    marked = figures(page)
    for fig in marked:
        stats = stats_by_day[fig["asOf"] or day]
        expected = resolve(stats, fig["path"])
        assert json.loads(fig["value"]) == expected, fig
        assert shown(expected, fig["text"]), fig
    return marked


def test_every_dashboard_figure_equals_the_statistics_of_the_same_day(page: Any, portal: Portal,
                                                                       goals_data: None) -> None:
    stats_by_day = stable_stats(portal, page, f"{portal.url}/search/web/dashboard")
    day = page.locator("#as-of").get_attribute("data-as-of")
    assert day == TODAY  # the default is today
    marked = check_figures(page, stats_by_day, day)
    on_the_day = {f["path"] for f in marked if f["asOf"] is None}
    assert not set(REQUIRED) - on_the_day
    assert not set(BREAKDOWN) - on_the_day
    stats = stats_by_day[day]
    assert stats["credit_lists"]["abnormal"] >= 1 and stats["rating_distribution"]["4A"] >= 1
    breakdown = stats["rated_3a_plus_breakdown"]
    assert breakdown["by_district"]["350203"]["variant_all"]["rated_3a_plus"] >= 1  # the district's own 3A
    assert breakdown["by_district"]["350200"] == {k: {f: v for f, v in stats["rated_3a_plus_city_level"][k].items()
                                                      if f != "registered_on_or_before"}
                                                  for k in ("variant_all", "variant_eligible")}
    assert stats["inspections"][-1]["drawn"] >= 1
    # R6.2 (L45 art. 5): the city-level targets of the year's scheduled draws over the city-level register
    coverage = stats["inspections"][-1]
    assert coverage["city_level_drawn"] >= 1
    assert coverage["share_of_city_level"] == round(coverage["city_level_drawn"] / coverage["city_level"], 4)
    # over time: 31 December of the five years before, then the day itself, each as of its own day
    series = [f["asOf"] for f in marked if f["path"] == "total.total" and f["asOf"]]
    assert series == ["2021-12-31", "2022-12-31", "2023-12-31", "2024-12-31", "2025-12-31", TODAY]
    assert page.locator("svg.chart[role=img]").count() >= 8  # with the 3A+ share by type and by district
    # the two breakdown charts draw the 25% goal line
    for title in ("市级社会组织3A及以上占比（按组织类型）与25%目标", "各区社会组织3A及以上占比与25%目标"):
        chart = page.locator("svg.chart", has=page.locator(f"title:text-is('{title}')"))
        assert chart.count() == 1 and "目标 25.0%" in chart.inner_html()
    assert_accessible(page)
    screenshot(page, "dashboard")


def test_the_date_picker_shows_the_figures_as_of_another_day(page: Any, portal: Portal, goals_data: None) -> None:
    page.goto(f"{portal.url}/search/web/dashboard")
    page.get_by_label("统计日期", exact=True).fill("2026-01-31")
    with page.expect_navigation():
        page.get_by_role("button", name="查看").click()
    assert "as_of=2026-01-31" in page.url
    assert page.locator("#as-of").get_attribute("data-as-of") == "2026-01-31"
    stats_by_day = stable_stats(portal, page, page.url)
    check_figures(page, stats_by_day, "2026-01-31")
    # what happened today (registrations, a rating) is not counted on 31 January
    assert page.locator("[data-figure='rated_3a_plus_city_level.variant_all.rated_3a_plus']").get_attribute(
        "data-value") == "0"
    assert page.locator("[data-figure='total.total']:not([data-as-of])").get_attribute("data-value") == "0"


def test_a_date_that_is_not_one_is_explained_and_today_is_shown(page: Any, portal: Portal) -> None:
    page.goto(f"{portal.url}/search/web/dashboard?as_of=2026-02-30")
    field = page.get_by_label("统计日期", exact=True)
    assert field.get_attribute("aria-invalid") == "true"
    assert "有效日期" in page.locator("#e-as_of").inner_text()
    assert page.locator("#as-of").get_attribute("data-as-of") == TODAY
    assert_accessible(page)
