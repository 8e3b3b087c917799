"""The demo history (services/inspection/demo.py): 2020-2025 on a synthetic register, through the
service's own handlers — at least 4% of city-level organizations drawn each year (L45 art. 5), every
draw verifiable, rectifications (some overdue) and a few penalties. SQLite and PostgreSQL."""
from __future__ import annotations

import math
from datetime import date

from fastapi.testclient import TestClient

from services.inspection.bootstrap import InspectionContainer
from services.inspection.demo import load_demo
from tests.fixtures.inspection import org_facts
from tests.inspection.integration.support import INSPECTOR, events


def register_of_demo() -> list[dict]:
    city = [org_facts(n, registered_on=f"{2015 + n % 8}-0{1 + n % 9}-1{n % 9}", charity=n % 20 == 0)
            for n in range(1, 121)]
    district = [org_facts(1000 + n, level="district", district=("350203", "350206", "350211")[n % 3],
                          org_type="social_service", category="community_service") for n in range(1, 101)]
    for o in district[::2]:
        o["registered_on"] = date.fromisoformat(o["registered_on"])  # registry records carry dates
    return city + district


def test_the_demo_history(inspection: InspectionContainer, inspection_client: TestClient) -> None:
    organizations = register_of_demo()
    counts = load_demo(inspection, organizations)
    assert counts["plans"] == counts["draws"] == 18 and counts["inspectors"] == 30
    assert counts["rectifications"] > 0 and counts["overdue"] > 0 and counts["penalties"] > 0
    draws = inspection_client.get("/inspection/draws", params={"size": 50}).json()["items"]
    assert len(draws) == 18 and all(d["status"] == "drawn" for d in draws)
    for year in range(2020, 2026):
        [city] = [d for d in draws if d["year"] == year and "市级" in d["plan_title"]]
        in_frame = sum(1 for o in organizations if o["level"] == "city"
                       and str(o["registered_on"]) <= city["drawn_at"][:10])
        assert city["frame_size"] == in_frame
        assert city["target_count"] >= math.ceil(in_frame * 0.04) > 0  # L45 art. 5: ≥4% every year
    for d in draws:
        assert inspection_client.get(f"/inspection/draws/{d['id']}/verification").json()["matches"] is True
    completed = events(inspection, "inspection.task.completed")
    assert len(completed) == counts["tasks"]
    assert len(events(inspection, "inspection.rectification.overdue")) == counts["overdue"]
    assert inspection_client.get("/inspection/results", params={"year": 2023}).json()["total"] > 0
    assert inspection_client.get("/inspection/penalties", headers=INSPECTOR).json()["total"] == counts["penalties"]
