"""Issue 12, "draws that bind", through HTTP on SQLite and PostgreSQL: each test is named after the bypass it
closes (each passed through before). Only the inspectors drawn for a task, or a substitute picked by the
draw's next step, act on it (R6.1); an inspector account acts through its one linked pool member and the
conflict check (回避, R6.4) binds everyone; the pool is an admin's; every change is recorded; scheduled plans
sample the whole register, toward L45 art. 5's yearly minimum (R6.2); unscheduled ones state their reason; a
redraw is published beside the first; a scheduled draw runs only with its external public random value."""
from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from services.inspection.adapters.orm import draws as draw_table
from services.inspection.adapters.orm import task_substitutions
from services.inspection.bootstrap import InspectionContainer
from services.inspection.domain import draw as draw_rules
from services.inspection.service_layer.handlers import draws as draw_handlers
from shared.clock import FixedClock
from tests.fixtures.inspection import bearer, org_facts, register
from tests.inspection.integration.support import (ADMIN, INSPECTOR, add_inspectors, as_member, draw, findings,
                                                  make_plan, notify, problem, result, snapshot, tasks_of, team)

LINKED = "R6.4 inspector.account"
DRAWN = "R6.1 双随机"
PUBLIC_RANDOM = "R6.1 draw.public_random"
COMPLIANT = {"outcome": "compliant", "findings": findings()}
RECTIFY = {"outcome": "rectification", "rectification": {"deadline": "2026-04-30"},
           "findings": findings({"financial_status": "账目不清"})}


def one_task(container: InspectionContainer, client: TestClient, pool: int = 3, orgs: int = 5) -> dict[str, Any]:
    register(container, [org_facts(n) for n in range(1, orgs + 1)])
    add_inspectors(client, pool)
    [task] = tasks_of(client, draw(client, make_plan(client, kind="unscheduled", title="专项", count=1)["id"])["id"])
    return task


def act(client: TestClient, task_id: str, what: str, headers: dict[str, str]) -> Any:
    bodies = {"notice": {"requirements": "章程、财务会计报告"}, "result": COMPLIANT, "publication": None}
    return client.post(f"/inspection/tasks/{task_id}/{what}", json=bodies[what], headers=headers)


def test_bypass_an_inspector_sends_notices_records_results_and_reviews_for_tasks_drawn_for_others(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    task = one_task(inspection, inspection_client)
    first, second = team(inspection_client, task["id"])
    [outsider] = [i["id"] for i in inspection_client.get("/inspection/inspectors", headers=ADMIN).json()
                  if i["id"] not in (first, second)]
    other = as_member(inspection_client, outsider)
    before = snapshot(inspection)
    problem(act(inspection_client, task["id"], "notice", other), 403, DRAWN)
    assert snapshot(inspection) == before
    notify(inspection_client, task["id"], as_member(inspection_client, first))
    problem(act(inspection_client, task["id"], "result", other), 403, DRAWN)
    result(inspection_client, task["id"], RECTIFY, headers=as_member(inspection_client, second))  # a teammate may
    problem(act(inspection_client, task["id"], "publication", other), 403, DRAWN)
    assert act(inspection_client, task["id"], "publication", as_member(inspection_client, first)).status_code == 200
    rect_id = inspection_client.get(f"/inspection/tasks/{task['id']}", headers=INSPECTOR).json()["rectification_id"]
    own = bearer("org", "org-own", task["uscc"])
    inspection_client.post(f"/inspection/rectifications/{rect_id}/response", json={"report": "已整改"}, headers=own)
    review = f"/inspection/rectifications/{rect_id}/review"
    problem(inspection_client.post(review, json={"decision": "accept"}, headers=other), 403, DRAWN)
    accepted = inspection_client.post(review, json={"decision": "accept"}, headers=as_member(inspection_client, first))
    assert accepted.status_code == 200 and accepted.json()["reviewed_by"] == inspection_client.get(
        f"/inspection/inspectors/{first}", headers=ADMIN).json()["username"]


def test_bypass_an_inspector_account_linked_to_no_pool_member_acts_on_tasks_and_skips_the_conflict_check(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    task = one_task(inspection, inspection_client)
    first, second = team(inspection_client, task["id"])
    before = snapshot(inspection)
    for what in ("notice", "result", "publication"):  # inspector1 is linked to no pool member
        problem(act(inspection_client, task["id"], what, INSPECTOR), 403, LINKED)
    problem(inspection_client.get("/inspection/tasks", params={"mine": True}, headers=INSPECTOR), 403, LINKED)
    assert snapshot(inspection) == before
    # an admin links inspector1 to the first drawn member: it acts as that member, the old account no longer
    old = as_member(inspection_client, first)
    linked = inspection_client.patch(f"/inspection/inspectors/{first}", json={"username": "inspector1"}, headers=ADMIN)
    assert linked.status_code == 200 and linked.json()["username"] == "inspector1"
    problem(act(inspection_client, task["id"], "notice", old), 403, LINKED)
    assert act(inspection_client, task["id"], "notice", INSPECTOR).status_code == 200
    # the conflict check binds the linked account like any other (回避)
    declared = inspection_client.post(f"/inspection/inspectors/{first}/conflicts", headers=INSPECTOR,
                                      json={"uscc": task["uscc"], "kind": "relative"})
    assert declared.status_code == 201
    problem(act(inspection_client, task["id"], "result", INSPECTOR), 409, "回避")
    # a deactivated member's account acts on nothing
    inspection_client.patch(f"/inspection/inspectors/{second}", json={"active": False}, headers=ADMIN)
    problem(act(inspection_client, task["id"], "result", as_member(inspection_client, second)), 403, LINKED)


def test_bypass_any_inspector_adds_or_edits_pool_members_and_links_a_member_to_any_account(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    [uscc] = register(inspection, [org_facts(1)])
    mine, theirs = add_inspectors(inspection_client, 2)
    me = as_member(inspection_client, mine)
    before = snapshot(inspection)
    body = {"name": "钱检查员", "department": "处", "username": "qian"}
    for headers in (me, INSPECTOR, bearer("registrar")):
        problem(inspection_client.post("/inspection/inspectors", json=body, headers=headers), 403, "auth.role")
        problem(inspection_client.patch(f"/inspection/inspectors/{theirs}", json={"username": "inspector1"},
                                        headers=headers), 403, "auth.role")
        problem(inspection_client.patch(f"/inspection/inspectors/{theirs}", json={"active": False},
                                        headers=headers), 403, "auth.role")
    problem(inspection_client.post(f"/inspection/inspectors/{theirs}/conflicts", headers=me,
                                   json={"uscc": uscc, "kind": "declared"}), 403, "回避")
    taken = inspection_client.get(f"/inspection/inspectors/{mine}", headers=ADMIN).json()["username"]
    problem(inspection_client.patch(f"/inspection/inspectors/{theirs}", json={"username": taken}, headers=ADMIN),
            409, "inspector.username")  # an account links one member
    assert snapshot(inspection) == before
    own = inspection_client.post(f"/inspection/inspectors/{mine}/conflicts", headers=me,
                                 json={"uscc": uscc, "kind": "declared", "note": "本人申报"})
    assert own.status_code == 201 and own.json()["conflicts"][0]["uscc"] == uscc
    assert inspection_client.post("/inspection/inspectors", json=body, headers=ADMIN).status_code == 201
    unlinked = inspection_client.patch(f"/inspection/inspectors/{theirs}", json={"username": None}, headers=ADMIN)
    assert unlinked.status_code == 200 and unlinked.json()["username"] is None


def test_bypass_pool_plan_and_conflict_changes_leave_no_record_of_who_made_them(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: FixedClock) -> None:
    [uscc, *_] = register(inspection, [org_facts(n) for n in range(1, 6)])
    [member, *_] = add_inspectors(inspection_client, 3)  # two stay free of the conflict below, whatever is drawn
    inspection_clock.advance(minutes=5)
    inspection_client.patch(f"/inspection/inspectors/{member}", json={"username": "zhou", "department": "稽查科"},
                            headers=ADMIN)
    inspection_client.post(f"/inspection/inspectors/{member}/conflicts", headers=bearer("inspector", "zhou"),
                           json={"uscc": uscc, "kind": "declared"})
    plan = make_plan(inspection_client, kind="unscheduled", title="专项", count=1)
    drawn = draw(inspection_client, plan["id"])
    log = inspection_client.get("/inspection/changes", headers=INSPECTOR).json()
    by_action = {(c["action"], c["subject"]): c for c in log["items"]}
    added = by_action[("inspector.added", member)]
    assert added["actor"] == "admin1" and added["detail"]["username"].startswith("inspector-account-")
    updated = by_action[("inspector.updated", member)]
    assert updated["actor"] == "admin1" and updated["detail"]["username"]["to"] == "zhou"
    assert updated["detail"]["department"] == {"from": "厦门市民政局社会组织管理处", "to": "稽查科"}
    assert updated["at"] > added["at"]
    assert by_action[("conflict.declared", member)]["actor"] == "zhou"
    assert by_action[("plan.created", plan["id"])]["actor"] == "inspector1"
    assert by_action[("plan.created", plan["id"])]["detail"]["reason"] == "专项抽查：测试用的类型与主题"
    assert by_action[("draw.run", drawn["id"])]["actor"] == "inspector1"
    mine = inspection_client.get("/inspection/changes", params={"subject": member}, headers=bearer("auditor")).json()
    assert [c["action"] for c in mine["items"]] == ["conflict.declared", "inspector.updated", "inspector.added"]
    assert inspection_client.get("/inspection/changes", params={"actor": "zhou"}, headers=ADMIN).json()["total"] == 1
    for role in ("registrar", "org"):
        problem(inspection_client.get("/inspection/changes", headers=bearer(role, uscc=uscc)), 403)
    for method in ("post", "put", "delete"):  # read-only
        assert getattr(inspection_client, method)("/inspection/changes", headers=ADMIN).status_code == 405


def test_bypass_a_scheduled_plan_narrowed_to_a_sector_counts_toward_the_l45_minimum_of_the_register(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    """Issue 13 item 7: L45 art. 5's minimum is a yearly share of the authority's whole register (GET
    /inspection/coverage), so a plan's size is no longer refused; what stays closed is meeting it with a
    narrowed sample: 定期抽查 draws from the whole register, sampling by sector is 不定期抽查 and does not count."""
    register(inspection, [org_facts(n, category="science_technology" if n <= 5 else "other") for n in range(1, 51)])
    add_inspectors(inspection_client, 2)
    before = snapshot(inspection)
    narrow = {"levels": ["city"], "categories": ["science_technology"]}  # 5 of the city's 50
    body = {"year": 2026, "kind": "scheduled", "title": "只抽科技类", "scope": narrow,
            "public_random_sources": [{"source": "福利彩票双色球开奖号码", "announced_on": "2026-03-03"}]}
    refused = problem(inspection_client.post("/inspection/plans", json={**body, "ratio": "4"}, headers=INSPECTOR),
                      409, "R6.2 L45 art. 5")
    assert "categories" in refused["detail"]
    problem(inspection_client.post("/inspection/plans", json={**body, "count": 2}, headers=INSPECTOR), 409,
            "R6.2 L45 art. 5")  # even with the register's 4% (2): a sector is not the register
    assert snapshot(inspection) == before
    sector = make_plan(inspection_client, kind="unscheduled", title="科技类专项", scope=narrow, count=2)
    draw(inspection_client, sector["id"])
    year = {r["authority"]: r for r in inspection_client.get("/inspection/coverage").json()["authorities"]}
    assert (year["350200"]["drawn"], year["350200"]["minimum"], year["350200"]["met"]) == (0, 2, False)
    small = make_plan(inspection_client, count=1)  # the whole register, below the share: the year says so
    assert [(r["authority"], r["planned"], r["status"]) for r in small["year_coverage"]] == [
        ("350200", 1, "unplanned")]


def test_bypass_an_unscheduled_plan_hand_picks_an_organization_without_a_stated_reason(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    register(inspection, [org_facts(1, category="science_technology")] + [org_facts(n) for n in range(2, 11)])
    add_inspectors(inspection_client, 2)
    before = snapshot(inspection)
    body = {"year": 2026, "kind": "unscheduled", "title": "专项", "count": 1,
            "scope": {"levels": ["city"], "categories": ["science_technology"]}}
    problem(inspection_client.post("/inspection/plans", json=body, headers=INSPECTOR), 409, "R6.2 不定期抽查")
    assert snapshot(inspection) == before
    plan = make_plan(inspection_client, **{**body, "reason": "科技类社会组织专项检查（举报线索）"})
    for method in ("patch", "put"):  # the scope is fixed with the commitment: no path edits a plan
        answer = getattr(inspection_client, method)(f"/inspection/plans/{plan['id']}", headers=INSPECTOR,
                                                    json={"scope": {"levels": ["city"]}})
        assert answer.status_code == 405
    public = draw(inspection_client, plan["id"])  # the reason and the scope are published with the draw
    assert public["plan_reason"] == "科技类社会组织专项检查（举报线索）"
    assert public["scope"]["categories"] == ["science_technology"]
    page = inspection_client.get(f"/inspection/web/draws/{public['id']}").text
    assert "科技类社会组织专项检查（举报线索）" in page and "science_technology" in page


def test_bypass_a_redraw_replaces_the_first_draw_without_a_reason(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    register(inspection, [org_facts(n) for n in range(1, 11)])
    add_inspectors(inspection_client, 3)
    plan = make_plan(inspection_client, kind="unscheduled", title="专项", count=2)
    first = draw(inspection_client, plan["id"], public_random="7")
    [task, other] = tasks_of(inspection_client, first["id"])
    notify(inspection_client, task["id"])
    url = f"/inspection/draws/{first['id']}/redraws"
    before = snapshot(inspection)
    problem(inspection_client.post(url, json={}, headers=INSPECTOR), 422)
    problem(inspection_client.post(url, json={"reason": "  "}, headers=INSPECTOR), 422)
    problem(inspection_client.post(url, json={"reason": "x"}, headers=bearer("registrar")), 403)
    assert snapshot(inspection) == before
    made = inspection_client.post(url, json={"reason": "抽查名录遗漏了前一日登记的组织"}, headers=INSPECTOR)
    assert made.status_code == 201, made.text
    again = made.json()
    assert (again["status"], again["attempt"], again["redraw_of"], again["round"]) == ("committed", 2, first["id"], 1)
    problem(inspection_client.post(url, json={"reason": "再来一次"}, headers=INSPECTOR), 409, "R6.1 draw.redraw")
    # the first draw's open tasks stop; the first draw itself stays published as it was and still verifies
    problem(act(inspection_client, task["id"], "result", as_member(inspection_client, team(
        inspection_client, task["id"])[0])), 409, "redraw")
    assert {t["status"] for t in tasks_of(inspection_client, first["id"])} == {"superseded"}
    still = inspection_client.get(f"/inspection/draws/{first['id']}").json()
    assert still["seed"] == first["seed"] and still["targets"] == first["targets"]
    assert still["redrawn_as"] == again["id"]
    assert inspection_client.get(f"/inspection/draws/{first['id']}/verification").json()["matches"] is True
    redrawn = draw(inspection_client, plan["id"], public_random="8")  # the plan's next draw is the redraw
    assert redrawn["id"] == again["id"] and redrawn["status"] == "drawn" and redrawn["frame_size"] == 10
    assert inspection_client.get(f"/inspection/draws/{again['id']}/verification").json()["matches"] is True
    listed = {d["id"]: d for d in inspection_client.get("/inspection/draws").json()["items"]}
    assert listed[first["id"]]["redrawn_as"] == again["id"]
    assert listed[again["id"]]["redraw_reason"] == "抽查名录遗漏了前一日登记的组织"
    reason = "抽查名录遗漏了前一日登记的组织"
    redraw_page = inspection_client.get(f"/inspection/web/draws/{again['id']}").text
    assert reason in redraw_page and f"/inspection/web/draws/{first['id']}" in redraw_page
    first_page = inspection_client.get(f"/inspection/web/draws/{first['id']}").text
    assert "本次抽取已被重新抽取" in first_page and f"/inspection/web/draws/{again['id']}" in first_page
    assert first["seed"] in first_page  # the first draw, as it was
    listing = inspection_client.get("/inspection/web/draws").text
    assert reason in listing and "已重新抽取" in listing
    # a redraw whose tasks have results stands
    [new_task, *_] = tasks_of(inspection_client, again["id"])
    notify(inspection_client, new_task["id"])
    result(inspection_client, new_task["id"], COMPLIANT)
    problem(inspection_client.post(f"/inspection/draws/{again['id']}/redraws", json={"reason": "不满意"},
                                   headers=INSPECTOR), 409, "R6.1 draw.redraw")
    assert other["id"] != new_task["id"]


def test_bypass_a_scheduled_draw_runs_without_its_external_public_random_value(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: FixedClock) -> None:
    register(inspection, [org_facts(n) for n in range(1, 31)])
    add_inspectors(inspection_client, 2)
    body = {"year": 2026, "kind": "scheduled", "title": "定期抽查", "scope": {"levels": ["city"]}}
    before = snapshot(inspection)
    problem(inspection_client.post("/inspection/plans", json=body, headers=INSPECTOR), 409, PUBLIC_RANDOM)
    problem(inspection_client.post("/inspection/plans", headers=INSPECTOR, json={**body, "public_random_sources": [
        {"source": "今日已开奖的号码", "announced_on": "2026-03-02"}]}), 409, PUBLIC_RANDOM)  # known already
    assert snapshot(inspection) == before
    source = {"source": "福利彩票双色球第2026024期开奖号码", "announced_on": "2026-03-03"}
    plan = make_plan(inspection_client, public_random_sources=[source])
    draw_id = plan["draws"][0]["id"]
    committed = inspection_client.get(f"/inspection/draws/{draw_id}").json()
    assert committed["random_source"] == source["source"] and committed["random_announced_on"] == "2026-03-03"
    assert committed["commitment"] != draw_rules.commitment_of("0" * 64)
    url = f"/inspection/plans/{plan['id']}/draws"
    problem(inspection_client.post(url, json={}, headers=INSPECTOR), 409, PUBLIC_RANDOM)
    problem(inspection_client.post(url, json={"public_random": "01 02 03"}, headers=INSPECTOR), 409, PUBLIC_RANDOM)
    problem(inspection_client.put(f"/inspection/draws/{draw_id}/public-random", json={"value": "01 02 03"},
                                  headers=INSPECTOR), 409, PUBLIC_RANDOM)  # not announced yet
    inspection_clock.advance(days=1)
    problem(inspection_client.post(url, json={}, headers=INSPECTOR), 409, PUBLIC_RANDOM)  # cannot run without it
    value = "03 11 17 22 28 31 + 09"
    entered = inspection_client.put(f"/inspection/draws/{draw_id}/public-random", json={"value": value},
                                    headers=INSPECTOR)
    assert entered.status_code == 200 and entered.json()["public_random"] == value
    problem(inspection_client.put(f"/inspection/draws/{draw_id}/public-random", json={"value": "04"},
                                  headers=INSPECTOR), 409, PUBLIC_RANDOM)  # entered once
    problem(inspection_client.post(url, json={"public_random": "04"}, headers=INSPECTOR), 409, PUBLIC_RANDOM)
    drawn = draw(inspection_client, plan["id"])
    assert drawn["public_random"] == value
    verification = inspection_client.get(f"/inspection/draws/{draw_id}/verification").json()
    assert verification["matches"] is True and verification["inputs"]["public_random"] == value
    assert verification["inputs"]["random_source"] == f"2026-03-03 {source['source']}"
    for column, forged, check in (("public_random", "03 11 17 22 28 31 + 10", "targets"),
                                  ("random_source", "另一期开奖号码", "seed"), ("public_random", "", "public_random")):
        with inspection.db.write_engine.begin() as conn:
            conn.execute(update(draw_table).where(draw_table.c.id == draw_id).values(**{column: forged}))
        checks = {m["check"] for m in inspection_client.get(f"/inspection/draws/{draw_id}/verification").json()[
            "mismatches"]}
        assert check in checks, (column, checks)
        with inspection.db.write_engine.begin() as conn:
            conn.execute(update(draw_table).where(draw_table.c.id == draw_id).values(
                public_random=value, random_source=source["source"]))
    changes = inspection_client.get("/inspection/changes", params={"subject": draw_id}, headers=INSPECTOR).json()
    assert [c["action"] for c in changes["items"]] == ["draw.run", "draw.public_random_entered"]


def test_the_scheduler_draws_a_scheduled_round_only_once_its_value_is_entered(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: FixedClock) -> None:
    register(inspection, [org_facts(n) for n in range(1, 31)])
    add_inspectors(inspection_client, 2)
    plan = make_plan(inspection_client, draw_dates=["2026-03-04"])
    inspection_clock.advance(days=2)
    due = lambda: draw_handlers.run_due_draws(inspection.uow, inspection.policy)  # noqa: E731 - the daily job
    assert due() == 0  # refused (logged): no value yet
    inspection_client.put(f"/inspection/draws/{plan['draws'][0]['id']}/public-random", json={"value": "12-05"},
                          headers=INSPECTOR)
    assert due() == 1 and due() == 0
    assert inspection_client.get(f"/inspection/draws/{plan['draws'][0]['id']}").json()["public_random"] == "12-05"


def test_a_substitute_is_the_draws_next_pick_with_a_published_reason(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: FixedClock) -> None:
    task = one_task(inspection, inspection_client, pool=6)
    drawn = inspection_client.get(f"/inspection/draws/{task['draw_id']}").json()
    a, b = team(inspection_client, task["id"])
    key = draw_rules.draw_key(drawn["seed"], drawn["plan_id"], 1, drawn["frame_hash"], drawn["public_random"] or "")
    order = draw_rules.inspector_order([i["id"] for i in drawn["inspector_pool"]], key, task["uscc"])
    assert order[:2] == [a, b]
    [outsider] = [i for i in order[2:] if i != order[2] and i != order[3]][:1]
    url = f"/inspection/tasks/{task['id']}/substitutions"
    ask = {"inspector_id": a, "reason": "与该组织负责人系近亲属（回避）"}
    before = snapshot(inspection)
    problem(inspection_client.post(url, json=ask, headers=as_member(inspection_client, b)), 403,
            "R6.1 draw.substitute")  # a teammate may not remove a member who can still act
    problem(inspection_client.post(url, json=ask, headers=as_member(inspection_client, outsider)), 403, DRAWN)
    assert snapshot(inspection) == before
    inspection_clock.advance(minutes=5)  # after the draw: the conflict register of the draw day stays as it was
    inspection_client.post(f"/inspection/inspectors/{a}/conflicts", headers=as_member(inspection_client, a),
                           json={"uscc": task["uscc"], "kind": "relative"})
    problem(act(inspection_client, task["id"], "notice", as_member(inspection_client, a)), 409, "回避")
    inspection_client.patch(f"/inspection/inspectors/{order[2]}", json={"active": False}, headers=ADMIN)
    done = inspection_client.post(url, json=ask, headers=as_member(inspection_client, b))
    assert done.status_code == 201, done.text
    assert done.json()["substitute"] == order[3]  # order[2] left the pool: skipped; nobody chose order[3]
    assert [i["id"] for i in done.json()["team"]] == [order[3], b]
    problem(act(inspection_client, task["id"], "notice", as_member(inspection_client, a)), 403, DRAWN)
    assert act(inspection_client, task["id"], "notice", as_member(inspection_client, order[3])).status_code == 200
    mine = inspection_client.get("/inspection/tasks", params={"mine": True},
                                 headers=as_member(inspection_client, order[3])).json()
    assert [t["id"] for t in mine["items"]] == [task["id"]]
    assert inspection_client.get("/inspection/tasks", params={"mine": True},
                                 headers=as_member(inspection_client, a)).json()["total"] == 0
    public = inspection_client.get(f"/inspection/draws/{task['draw_id']}").json()
    [sub] = public["targets"][0]["substitutions"]
    assert (sub["replaced"]["id"], sub["substitute"]["id"], sub["skipped"]) == (a, order[3], [order[2]])
    assert sub["reason"] == ask["reason"] and "by" not in sub
    assert "inspector-account" not in str(public)  # no account names in public
    page = inspection_client.get(f"/inspection/web/draws/{task['draw_id']}").text
    assert ask["reason"] in page
    verification = f"/inspection/draws/{task['draw_id']}/verification"
    assert inspection_client.get(verification).json()["matches"] is True
    with inspection.db.write_engine.begin() as conn:  # a hand-picked substitute fails verification
        conn.execute(update(task_substitutions).values(substitute=order[4], skipped=""))
    answer = inspection_client.get(verification).json()
    assert answer["matches"] is False and [m["check"] for m in answer["mismatches"]] == ["substitutes"]
