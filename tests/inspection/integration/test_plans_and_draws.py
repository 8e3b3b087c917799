"""Plans and verifiable draws through HTTP (api.md), on SQLite and PostgreSQL.

Rules named: L45 art. 5 (minimum ratios), L45 art. 6 (check items), L45 art. 7 / CSF23 art. 105
(two inspectors, 回避). A refused request answers with problem details and changes nothing."""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from services.inspection.adapters.orm import draw_targets, draws
from services.inspection.bootstrap import InspectionContainer
from services.inspection.domain import draw as draw_rules
from tests.fixtures.inspection import bearer, org_facts, register
from tests.inspection.integration.support import (ADMIN, INSPECTOR, add_inspectors, draw, events, make_plan,
                                                  problem, snapshot)

CITY = 50


def city_register(container: InspectionContainer, n: int = CITY) -> list[str]:
    return register(container, [org_facts(i) for i in range(1, n + 1)]
                    + [org_facts(1000 + i, level="district") for i in range(1, 31)])


def test_a_plan_publishes_its_draw_commitments_before_anything_is_drawn(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    city_register(inspection)
    plan = make_plan(inspection_client, draw_dates=["2026-04-01", "2026-09-01"])
    assert plan["ratio"] == "4" and plan["inspectors_per_task"] == 2 and plan["rounds"] == 2  # R6.2 default
    assert [d["status"] for d in plan["draws"]] == ["committed", "committed"]
    created = events(inspection, "inspection.plan.created")
    committed = events(inspection, "inspection.draw.committed")
    assert [e["subject"] for e in created] == [plan["id"]]
    assert [e["data"]["commitment"] for e in committed] == [d["commitment"] for d in plan["draws"]]
    public = inspection_client.get(f"/inspection/draws/{plan['draws'][0]['id']}")  # anyone, no token
    assert public.status_code == 200
    assert public.json()["seed"] is None and public.json()["targets"] == []  # the secret stays secret
    problem(inspection_client.get(f"/inspection/draws/{plan['draws'][0]['id']}/verification"), 409,
            "draw.not_yet_drawn")


def test_a_plan_breaking_l45_art6_or_csf23_art105_is_refused_and_nothing_changes(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    """A plan's own rules: two inspectors per task, every L45 art. 6 item for scheduled sampling. Its size is
    not one of them: L45 art. 5's share is yearly, per authority (issue 13; tests/inspection/integration/
    test_yearly_minimum.py), so a scheduled plan below it is made and the year's coverage says what is left."""
    city_register(inspection)
    before = snapshot(inspection)
    body = {"year": 2026, "kind": "scheduled", "title": "低于比例", "scope": {"levels": ["city"]},
            "public_random_sources": [{"source": "福利彩票双色球开奖号码", "announced_on": "2026-03-03"}]}
    problem(inspection_client.post("/inspection/plans", json={**body, "inspectors_per_task": 1},
                                   headers=INSPECTOR), 409, "CSF23 art. 105")
    problem(inspection_client.post("/inspection/plans", json={**body, "check_items": ["annual_report"]},
                                   headers=INSPECTOR), 409, "L45 art. 6")
    invalid = problem(inspection_client.post("/inspection/plans", json={**body, "ratio": 5, "count": 9},
                                             headers=INSPECTOR), 422)
    assert invalid["errors"][0]["field"] == "count"
    assert snapshot(inspection) == before
    small = make_plan(inspection_client, ratio="3.5")  # 2 of 50: the city's 4% too, by rounding up
    assert small["ratio"] == "3.5" and small["year_coverage"][0]["status"] == "planned"
    make_plan(inspection_client, count=1)  # 1 of 50 (2%): made; the year, with the plan above, is planned
    make_plan(inspection_client, scope={"levels": ["district"]}, ratio="2.9")  # below the district's 3%: made
    make_plan(inspection_client, kind="unscheduled", title="专项", ratio="1", check_items=["financial_status"])


def test_bad_plan_input_gets_422_with_the_fields(inspection: InspectionContainer,
                                                 inspection_client: TestClient) -> None:
    before = snapshot(inspection)
    for body in ({}, {"year": "soon", "kind": "scheduled", "title": "x"},
                 {"year": 2026, "kind": "weekly", "title": "x"},
                 {"year": 2026, "kind": "scheduled", "title": "<script>alert(1)</script>\x00"},
                 {"year": 2026, "kind": "scheduled", "title": "x", "scope": {"levels": ["galaxy"]}},
                 {"year": 2026, "kind": "scheduled", "title": "x", "ratio": 101},
                 {"year": 2026, "kind": "scheduled", "title": "x" * 10_000},
                 {"year": 2026, "kind": "scheduled", "title": "x", "draw_dates": ["2027-01-01"]},
                 {"year": 2026, "kind": "unscheduled", "title": "x", "check_items": ["x' OR 1=1 --"]}):
        body_out = problem(inspection_client.post("/inspection/plans", json=body, headers=INSPECTOR), 422)
        assert body_out["errors"]
    assert snapshot(inspection) == before


def test_only_inspectors_plan_and_draw(inspection: InspectionContainer, inspection_client: TestClient) -> None:
    city_register(inspection)
    plan = make_plan(inspection_client)
    body = {"year": 2026, "kind": "scheduled", "title": "x"}
    problem(inspection_client.post("/inspection/plans", json=body), 401)
    for role in ("registrar", "org"):
        headers = bearer(role, uscc="51350200MJ0000018X" if role == "org" else None)
        problem(inspection_client.post("/inspection/plans", json=body, headers=headers), 403)
        problem(inspection_client.post(f"/inspection/plans/{plan['id']}/draws", headers=headers), 403)
        problem(inspection_client.get("/inspection/inspectors", headers=headers), 403)
    problem(inspection_client.post("/inspection/plans", json=body, headers=bearer("admin")), 403)  # accounts only


def test_a_draw_picks_targets_and_teams_and_running_it_again_changes_nothing(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: Any) -> None:
    usccs = city_register(inspection)
    pool = add_inspectors(inspection_client, 4, {0: [{"uscc": u, "kind": "relative"} for u in usccs[:CITY]]})
    plan = make_plan(inspection_client)
    inspection_clock.advance(days=1)  # the day its external value is announced
    drawn = draw(inspection_client, plan["id"], public_random="福彩3D 2026057期 517")
    assert drawn["status"] == "drawn" and drawn["frame_size"] == CITY and drawn["target_count"] == 2  # ceil(4% of 50)
    source = draw_rules.source_text(drawn["random_source"], date.fromisoformat(drawn["random_announced_on"]))
    assert draw_rules.commitment_of(drawn["seed"], source) == drawn["commitment"]  # step 1: seed and source
    assert all(t["uscc"] in usccs[:CITY] for t in drawn["targets"])
    for target in drawn["targets"]:  # R6.4 回避: inspector 1 is related to every city organization
        assert pool[0] not in [i["id"] for i in target["inspectors"]] and target["withdrawn"] == [pool[0]]
        assert len(target["inspectors"]) == 2
    again = draw(inspection_client, plan["id"], public_random="another value", expect=200)
    assert again == drawn
    assert len(events(inspection, "inspection.draw.completed")) == 1
    assert inspection_client.get(f"/inspection/draws/{drawn['id']}/verification").json()["matches"] is True


def test_the_public_draw_carries_no_personal_data(inspection: InspectionContainer,
                                                  inspection_client: TestClient, inspection_clock: Any) -> None:
    usccs = city_register(inspection)
    add_inspectors(inspection_client, 3, {1: [{"uscc": usccs[0], "kind": "relative", "note": "配偶任副会长"}]})
    plan = make_plan(inspection_client)
    inspection_clock.advance(days=1)
    drawn = draw(inspection_client, plan["id"], public_random="03 11 17 22 28 31 + 09")
    text = json.dumps([inspection_client.get(f"/inspection/draws/{drawn['id']}").json(),
                       inspection_client.get("/inspection/draws").json(),
                       inspection_client.get(f"/inspection/draws/{drawn['id']}/verification").json()],
                      ensure_ascii=False)
    for private in ("XM-0", "inspector-account", "配偶", "relative", "badge", "username", "行政执法证"):
        assert private not in text
    assert "检查员" in text  # display names are public


def test_verification_fails_naming_the_input_when_a_published_input_is_altered(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: Any) -> None:
    usccs = city_register(inspection)
    add_inspectors(inspection_client, 3)
    plan = make_plan(inspection_client, ratio=10)
    inspection_clock.advance(days=1)
    drawn = draw(inspection_client, plan["id"], public_random="517")
    url = f"/inspection/draws/{drawn['id']}/verification"
    outsider = next(u for u in usccs[:CITY] if u not in {t["uscc"] for t in drawn["targets"]})

    def tampered(table: Any, where: Any, **values: Any) -> set[str]:
        with inspection.db.write_engine.begin() as conn:
            old = conn.execute(table.select().where(where)).mappings().first()
            conn.execute(update(table).where(where).values(**values))
        answer = inspection_client.get(url).json()
        with inspection.db.write_engine.begin() as conn:
            conn.execute(update(table).where(where).values(**{k: old[k] for k in values}))
        assert answer["matches"] is False
        return {m["check"] for m in answer["mismatches"]}

    this = draws.c.id == drawn["id"]
    assert "seed" in tampered(draws, this, seed="ab" * 32)
    assert "frame_hash" in tampered(draws, this, frame_hash="0" * 64)
    assert "targets" in tampered(draws, this, public_random="518")
    other = make_plan(inspection_client, kind="scheduled", title="另一计划", ratio=10,  # same parameters
                      public_random_sources=[{"source": "福利彩票双色球开奖号码", "announced_on": "2026-03-04"}])
    with inspection.db.write_engine.begin() as conn:  # free round 1 of the other plan for the forged row
        conn.execute(update(draws).where(draws.c.plan_id == other["id"]).values(round=99))
    assert "targets" in tampered(draws, this, plan_id=other["id"])
    first_target = (draw_targets.c.draw_id == drawn["id"]) & (draw_targets.c.position == 1)
    assert "targets" in tampered(draw_targets, first_target, uscc=outsider)
    restored = inspection_client.get(url).json()
    assert restored["matches"] is True and restored["mismatches"] == []
    assert restored["inputs"]["seed"] == drawn["seed"] and restored["algorithm_steps"] == draw_rules.STEPS


def test_a_plan_in_rounds_never_draws_an_organization_twice(inspection: InspectionContainer,
                                                            inspection_client: TestClient) -> None:
    city_register(inspection, 20)
    add_inspectors(inspection_client, 2)
    plan = make_plan(inspection_client, kind="unscheduled", title="分两轮的专项", scope={"levels": ["city"]},
                     ratio=50, draw_dates=["2026-03-02", "2026-06-01"])
    first, second = draw(inspection_client, plan["id"]), draw(inspection_client, plan["id"])
    assert (first["round"], second["round"]) == (1, 2)
    assert (first["target_count"], second["target_count"]) == (5, 5)  # 50% of 20, shared by two rounds
    assert second["frame_size"] == 15 and second["already_drawn"] == 5
    assert not {t["uscc"] for t in first["targets"]} & {t["uscc"] for t in second["targets"]}
    assert draw(inspection_client, plan["id"], expect=200)["id"] == second["id"]
    for d in (first, second):
        assert inspection_client.get(f"/inspection/draws/{d['id']}/verification").json()["matches"] is True


def test_a_draw_without_two_inspectors_free_of_conflict_is_refused_and_stays_committed(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    usccs = city_register(inspection, 10)
    add_inspectors(inspection_client, 2, {0: [{"uscc": u, "kind": "declared"} for u in usccs[:10]]})
    plan = make_plan(inspection_client, kind="unscheduled", title="全覆盖", ratio=100)
    before = snapshot(inspection)
    problem(inspection_client.post(f"/inspection/plans/{plan['id']}/draws", headers=INSPECTOR), 409, "回避")
    assert snapshot(inspection) == before
    assert inspection_client.get(f"/inspection/draws/{plan['draws'][0]['id']}").json()["status"] == "committed"
    add_inspectors(inspection_client, 1)
    assert draw(inspection_client, plan["id"])["target_count"] == 10


def test_published_draws_are_listed_newest_first_and_paginated(inspection: InspectionContainer,
                                                               inspection_client: TestClient,
                                                               inspection_clock: Any) -> None:
    city_register(inspection, 10)
    add_inspectors(inspection_client, 2)
    ids = []
    for n in range(3):
        inspection_clock.advance(days=1)
        ids.append(draw(inspection_client, make_plan(inspection_client, kind="unscheduled", title=f"计划{n}",
                                                     count=2)["id"])["id"])
    page = inspection_client.get("/inspection/draws", params={"size": 2}).json()
    assert page["total"] == 3 and [d["id"] for d in page["items"]] == [ids[2], ids[1]]
    second = inspection_client.get("/inspection/draws", params={"size": 2, "page": 2}).json()
    assert [d["id"] for d in second["items"]] == [ids[0]]
    problem(inspection_client.get("/inspection/draws", params={"size": 0}), 422)
    problem(inspection_client.get("/inspection/draws/DR-0000000000000000"), 404)


def test_the_frame_is_published_and_hashes_to_the_frame_hash(inspection: InspectionContainer,
                                                             inspection_client: TestClient, inspection_clock: Any) -> None:
    usccs = city_register(inspection, 12)
    add_inspectors(inspection_client, 2)
    plan = make_plan(inspection_client)
    inspection_clock.advance(days=1)
    drawn = draw(inspection_client, plan["id"], public_random="05 09 12 20 26 33 + 14")
    frame = inspection_client.get(f"/inspection/draws/{drawn['id']}/frame").json()
    assert frame["usccs"] == sorted(usccs[:12]) and frame["size"] == 12
    assert draw_rules.frame_hash(frame["usccs"]) == drawn["frame_hash"] == frame["frame_hash"]


def test_the_service_also_checks_each_withdrawal_against_its_conflict_register(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: Any) -> None:
    """R6.4 回避: conflicts are not public, so the service checks the published withdrawals itself; a
    conflict declared after the draw does not make the draw wrong."""
    usccs = city_register(inspection, 10)
    pool = add_inspectors(inspection_client, 3, {0: [{"uscc": u, "kind": "relative"} for u in usccs[:10]]})
    drawn = draw(inspection_client, make_plan(inspection_client, kind="unscheduled", title="专项", count=1)["id"],
                 public_random="7")
    url = f"/inspection/draws/{drawn['id']}/verification"
    inspection_clock.advance(minutes=5)
    later = inspection_client.post(f"/inspection/inspectors/{pool[1]}/conflicts", headers=ADMIN,
                                   json={"uscc": drawn["targets"][0]["uscc"], "kind": "declared"})
    assert later.status_code == 201 and inspection_client.get(url).json()["matches"] is True
    # forge a self-consistent draw in which inspector 1 did not withdraw: only the register knows
    uscc = drawn["targets"][0]["uscc"]
    key = draw_rules.draw_key(drawn["seed"], drawn["plan_id"], 1, drawn["frame_hash"], "7")
    team = draw_rules.sample(sorted(pool), 2, key, "inspectors:" + uscc)
    with inspection.db.write_engine.begin() as conn:
        conn.execute(update(draw_targets).where(draw_targets.c.draw_id == drawn["id"])
                     .values(withdrawn="", inspectors=",".join(team)))
    answer = inspection_client.get(url).json()
    assert answer["matches"] is False and [m["check"] for m in answer["mismatches"]] == ["withdrawn"]
