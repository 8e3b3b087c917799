"""Issue 13 item 7 (R6.2, L45 art. 5) on the public side, on SQLite and PostgreSQL with the FTS5 and the
Elasticsearch (osmem) backends: GET /search/stats divides the city-level targets of the year's scheduled
draws by the city-level register — not every drawn target (district-level, unscheduled, a draw replaced
by a redraw) by the city-level count — and shows each district's share of its own register."""
from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.search.bootstrap import SearchContainer
from shared.events.envelope import new_envelope
from socreg.app import Platform
from tests.fixtures.inspection import org_facts
from tests.search.conftest import catch_up

SIMING = "350203"


def publish(platform: Platform, search: SearchContainer, type_: str, subject: str, data: dict[str, Any]) -> None:
    platform.bus.publish([new_envelope(type_, source="/socreg/test", subject=subject, data=data,
                                       time=search.clock.now())])


def drawn(platform: Platform, search: SearchContainer, draw_id: str, kind: str, targets: list[str], day: str,
          redraw_of: str | None = None) -> None:
    """inspection.draw.completed as the inspection service sends it (with the plan's kind and year)."""
    publish(platform, search, "inspection.draw.completed", f"PL-{draw_id}", {
        "plan_id": f"PL-{draw_id}", "draw_id": draw_id, "round": 1, "commitment": "c" * 64, "seed": "s" * 64,
        "frame_hash": "h" * 64, "frame_size": 150, "public_random": "01 02", "target_count": len(targets),
        "targets": targets, "algorithm": "socreg-draw-v2", "drawn_at": f"{day}T09:00:00+08:00",
        "attempt": 2 if redraw_of else 1, "redraw_of": redraw_of, "plan_kind": kind, "plan_year": 2026})


def test_city_share_is_city_draws_over_city_population__R6_2_L45_art_5(
        platform: Platform, search: SearchContainer, search_client: TestClient) -> None:
    city = [org_facts(n) for n in range(1, 51)]  # 50 city-level organizations
    local = [org_facts(100 + n, level="district", district=SIMING) for n in range(1, 101)]  # 100 of 思明区
    for facts in city + local:
        publish(platform, search, "registry.organization.registered", facts["uscc"], facts)
    c, d = [f["uscc"] for f in city], [f["uscc"] for f in local]
    drawn(platform, search, "DR-city", "scheduled", c[:2], "2026-04-08")  # 4% of 50: 2
    drawn(platform, search, "DR-first", "scheduled", c[2:4], "2026-04-09")  # a second city plan's draw ...
    drawn(platform, search, "DR-again", "scheduled", c[4:6], "2026-04-10", redraw_of="DR-first")  # ... redrawn
    drawn(platform, search, "DR-district", "scheduled", d[:3], "2026-04-11")  # 3% of 思明区's 100
    drawn(platform, search, "DR-topic", "unscheduled", c[10:20] + d[10:30], "2026-05-06")  # 不定期: 30
    catch_up(platform, search)

    answer = search_client.get("/search/stats", params={"as_of": "2026-05-31"})
    assert answer.status_code == 200, answer.text
    [row] = answer.json()["inspections"]
    # before: (2 + 2 + 2 + 3 + 30) / 50 = 78% against the 4% minimum
    assert row["drawn"] == 37  # every target that stands (the replaced draw's 2 left out)
    assert (row["city_level_drawn"], row["city_level"], row["city_level_on"]) == (4, 50, "2026-04-10")
    assert row["share_of_city_level"] == 0.08 and row["minimum"] == 0.04 and row["meets_minimum"] is True
    assert row["districts"][SIMING] == {"drawn": 3, "registered": 100, "registered_on": "2026-04-11", "share": 0.03,
                                        "minimum": 0.03, "meets_minimum": True}
    early = search_client.get("/search/stats", params={"as_of": "2026-04-08"}).json()["inspections"]
    assert [(r["city_level_drawn"], r["share_of_city_level"], r["meets_minimum"]) for r in early] == [(2, 0.04, True)]
    assert early[0]["districts"][SIMING]["drawn"] == 0 and early[0]["districts"][SIMING]["meets_minimum"] is False
