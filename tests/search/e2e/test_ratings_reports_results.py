"""Ratings, annual reports, inspection results and the credit timeline on the public side: awarded and
filed through the registry's HTTP API, carried by the real outbox relay and bus, shown by the search
API's profile and statistics - on SQLite and PostgreSQL, with the FTS5 and the Elasticsearch (osmem)
backends. And after the demo history, the statistics equal figures counted in the registry's own tables."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import and_, func, select

from services.registry.adapters.orm import annual_report_overdue as registry_overdue
from services.registry.adapters.orm import annual_reports as registry_reports
from services.registry.adapters.orm import organizations as registry_orgs
from services.registry.adapters.orm import ratings as registry_ratings
from services.registry.demo_data import generate_register
from services.registry.entrypoints.consumers import build_consumers as registry_consumers
from services.registry.entrypoints.demo import load_history
from services.search.adapters import views
from services.search.bootstrap import SearchContainer
from services.search.domain.stats import eligible_since
from shared.contracts import topic_for
from shared.events.envelope import new_envelope
from socreg.app import Platform
from tests.fixtures.platform import TODAY
from tests.registry.reports.support import group, org_token, organizations, report_body, report_path
from tests.search.conftest import catch_up, load_demo_subset

BODY = "厦门市社会组织评估委员会"


def profile(search_client: TestClient, uscc: str) -> dict[str, Any]:
    answer = search_client.get(f"/search/organizations/{uscc}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def stats(search_client: TestClient, **params: str) -> dict[str, Any]:
    answer = search_client.get("/search/stats", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def filing(body: dict[str, Any], year: int) -> dict[str, Any]:
    return next(row for row in body["annual_report_filing"] if row["year"] == year)


def publish(platform: Platform, search: SearchContainer, type_: str, data: dict[str, Any]) -> None:
    platform.bus.publish([new_envelope(type_, source="/socreg/test", subject=data["uscc"], data=data,
                                       time=search.clock.now())])


def publish_status(platform: Platform, search: SearchContainer, data: dict[str, Any]) -> None:
    """credit.status.changed as the credit engine sends it, with the optional `timeline` when given
    (written into the JSON: the contract may not declare the field yet)."""
    timeline = data.get("timeline")
    envelope = json.loads(new_envelope("credit.status.changed", source="/socreg/credit", subject=data["uscc"],
                                       data={k: v for k, v in data.items() if k != "timeline"},
                                       time=search.clock.now()).to_json())
    if timeline is not None:
        envelope["data"]["timeline"] = timeline
    platform.bus.publish_raw(topic_for("credit.status.changed"), data["uscc"],
                             json.dumps(envelope, ensure_ascii=False).encode())


def registry_consume(platform: Platform) -> None:
    [runner] = registry_consumers(platform.registry)
    try:
        while runner.run_once(timeout=0.3):
            pass
    finally:
        runner.close()


def test_a_rating_and_annual_reports_made_over_http_reach_the_profile_and_the_statistics(
        client: TestClient, registrar: dict[str, str], platform: Platform, search: SearchContainer,
        search_client: TestClient) -> None:
    [uscc, other] = organizations(platform, group(), group(level="district", district="350203"))
    catch_up(platform, search)
    before = stats(search_client)
    assert before["rating_distribution"]["4A"] == 0 and profile(search_client, uscc)["rating"] is None

    # the organization files its 2024 and 2025 reports, the registrar accepts them, a 4A grade is awarded
    for year in (2024, 2025):
        answer = client.post(report_path(uscc, year, "/submit"), json=report_body(), headers=org_token(uscc))
        assert answer.status_code == 200, answer.text
        accepted = client.post(report_path(uscc, year, "/review"), json={"decision": "accept"}, headers=registrar)
        assert accepted.status_code == 200, accepted.text
    answer = client.post(f"/registry/organizations/{uscc}/ratings", headers=registrar,
                         json={"grade": "4A", "score": "86.5", "awarded_on": TODAY.isoformat(),
                               "evaluating_body": BODY})
    assert answer.status_code == 201, answer.text
    # then it files its 2023 report, and the registrar returns it
    answer = client.post(report_path(uscc, 2023, "/submit"), json=report_body(), headers=org_token(uscc))
    assert answer.status_code == 200, answer.text
    returned = client.post(report_path(uscc, 2023, "/review"), headers=registrar,
                           json={"decision": "return", "reasons": ["财务报表缺少审计意见"]})
    assert returned.status_code == 200, returned.text
    catch_up(platform, search)

    shown = profile(search_client, uscc)
    assert shown["rating"] == {"grade": "4A", "awarded_on": "2026-06-01", "expires_on": "2031-06-01"}
    assert shown["annual_reports_filed"] == [2023, 2024, 2025] and shown["annual_reports_overdue"] == []
    assert [(r["year"], r["state"], r["late"]) for r in shown["annual_reports"]] == [
        (2023, "returned", True), (2024, "accepted", True), (2025, "accepted", True)]  # due by 31 May
    assert "registrar1" not in str(shown) and "财务报表缺少审计意见" not in str(shown)  # who decided, and why, stay inside
    found = search_client.get("/search/organizations", params={"rating": "3A+"}).json()
    assert [item["uscc"] for item in found["items"]] == [uscc]

    after = stats(search_client)
    distribution = after["rating_distribution"]
    assert distribution["4A"] == 1 and distribution["none"] == after["total"]["total"] - 1
    goal = after["rated_3a_plus_city_level"]
    assert goal["variant_all"]["rated_3a_plus"] == 1 and goal["variant_eligible"]["rated_3a_plus"] == 1
    assert goal["variant_all"]["denominator"] == before["rated_3a_plus_city_level"]["variant_all"]["denominator"]
    assert [filing(after, y)["filed"] for y in (2023, 2024, 2025)] == [1, 1, 1]
    assert filing(stats(search_client, as_of="2026-05-31"), 2025)["filed"] == 0  # filed on 2026-06-01, as of a day

    # a warning (inspection.penalty.imposed) downgrades the grade in the registry (R9.6): one down, 3A
    publish(platform, search, "inspection.penalty.imposed", {
        "uscc": uscc, "penalty_id": "P-1", "kind": "warning", "legal_basis": "《社会团体登记管理条例》第三十条",
        "effective_on": TODAY.isoformat(), "decision_number": "厦民罚〔2026〕1号", "task_id": "T-1"})
    publish(platform, search, "inspection.task.completed", {
        "uscc": uscc, "task_id": "T-1", "plan_id": "PL-2026-1", "draw_id": "D-1", "outcome": "penalty",
        "check_items": ["年度报告", "财务管理"], "failed_items": ["财务管理"], "completed_on": TODAY.isoformat(),
        "publish_by": "2026-06-29", "penalty_id": "P-1"})
    registry_consume(platform)
    catch_up(platform, search)
    shown = profile(search_client, uscc)
    assert shown["rating"]["grade"] == "3A" and shown["rating"]["awarded_grade"] == "4A"
    [result] = shown["inspections"]
    assert (result["outcome"], result["failed_items"], result["penalty"]["decision_number"]) == (
        "penalty", ["财务管理"], "厦民罚〔2026〕1号")
    downgraded = stats(search_client)["rating_distribution"]
    assert (downgraded["4A"], downgraded["3A"]) == (0, 1)
    assert profile(search_client, other)["inspections"] == []


def test_credit_timeline_is_shown_when_the_event_carries_one_and_absent_otherwise(
        platform: Platform, search: SearchContainer, search_client: TestClient) -> None:
    [uscc, other] = load_demo_subset(platform, 2)
    timeline = [{"on": "2028-05-01", "step": "escalate", "list": "serious", "legal_basis": "办法第十九条"},
                {"on": "2026-11-01", "step": "repair_possible", "list": "abnormal", "legal_basis": "办法第二十一条"}]
    publish_status(platform, search, {"uscc": uscc, "lists": ["abnormal"], "changed_on": "2026-05-01",
                                      "timeline": timeline})
    publish_status(platform, search, {"uscc": other, "lists": ["abnormal"], "changed_on": "2026-05-01"})
    catch_up(platform, search)
    assert search.consumers[0].parked == 0
    assert [s["on"] for s in profile(search_client, uscc)["credit_timeline"]] == ["2026-11-01", "2028-05-01"]
    assert profile(search_client, other)["credit_timeline"] == [] and profile(search_client, other)["credit_lists"] == [
        "abnormal"]
    # an older status change arriving late does not replace the newer projection
    publish_status(platform, search, {"uscc": uscc, "lists": [], "changed_on": "2026-04-01", "timeline": []})
    catch_up(platform, search)
    assert len(profile(search_client, uscc)["credit_timeline"]) == 2


def test_statistics_equal_the_registers_own_ratings_and_reports_after_the_demo_history(
        platform: Platform, search: SearchContainer, search_client: TestClient) -> None:
    bodies = generate_register()[:240]
    usccs = load_demo_subset(platform, 240)
    loaded = load_history(platform.registry, bodies, usccs)
    assert loaded["ratings"] > 0 and loaded["annual_reports"] > 0 and loaded["overdue_reports"] > 0
    catch_up(platform, search)
    assert search.consumers[0].parked == 0
    day = TODAY
    body = stats(search_client, as_of=day.isoformat())
    o, r = registry_orgs, registry_ratings
    with platform.registry.db.read_session() as session:
        active = and_(o.c.status == "active", o.c.registered_on <= day)
        valid = (select(r.c.uscc, r.c.grade, o.c.level, o.c.registered_on, o.c.type, o.c.district)
                 .join(o, o.c.uscc == r.c.uscc)
                 .where(active, r.c.status == "valid", r.c.awarded_on <= day, r.c.expires_on > day))
        rated = session.execute(valid).all()
        total = session.execute(select(func.count()).where(active)).scalar_one()
        city = session.execute(select(func.count()).where(active, o.c.level == "city")).scalar_one()
        eligible = session.execute(select(func.count()).where(
            active, o.c.level == "city", o.c.registered_on <= eligible_since(day))).scalar_one()
        population = session.execute(select(o.c.level, o.c.type, o.c.district, o.c.registered_on).where(active)).all()
        rp = registry_reports
        filed = dict(session.execute(select(rp.c.year, func.count()).where(
            rp.c.first_submitted_on.is_not(None), rp.c.first_submitted_on <= day).group_by(rp.c.year)).all())
        submitted = session.execute(select(rp.c.year, rp.c.first_submitted_on, o.c.type).join(
            o, o.c.uscc == rp.c.uscc).where(rp.c.first_submitted_on.is_not(None), rp.c.first_submitted_on <= day)).all()
        policy = platform.registry.report_policy
        late = Counter(row.year for row in submitted if row.first_submitted_on > policy.deadline(row.type, row.year))
        overdue = dict(session.execute(select(registry_overdue.c.year, func.count()).where(
            registry_overdue.c.detected_on <= day).group_by(registry_overdue.c.year)).all())
    grades = Counter(row.grade for row in rated)
    assert len({row.uscc for row in rated}) == len(rated)  # one valid grade per organization
    assert sum(grades.values()) > 0
    assert body["rating_distribution"] == {g: grades.get(g, 0) for g in ("5A", "4A", "3A", "2A", "1A")} | {
        "none": total - len(rated)}
    top = [row for row in rated if row.level == "city" and row.grade in ("3A", "4A", "5A")]
    goal = body["rated_3a_plus_city_level"]
    assert (goal["variant_all"]["rated_3a_plus"], goal["variant_all"]["denominator"]) == (len(top), city)
    assert (goal["variant_eligible"]["rated_3a_plus"], goal["variant_eligible"]["denominator"]) == (
        sum(1 for row in top if row.registered_on <= eligible_since(day)), eligible)
    # the goal's share by type (city-level organizations) and by district (each registration division's own
    # organizations: 350200 the city level, a district code its district-level ones), both variants
    since = eligible_since(day)

    def shares(orgs: list[Any], rated_rows: list[Any]) -> dict[str, Any]:
        def one(rated_n: int, n: int) -> dict[str, Any]:
            return {"rated_3a_plus": rated_n, "denominator": n, "share": round(rated_n / n, 4) if n else None,
                    "goal": 0.25, "meets_goal": rated_n / n >= 0.25 if n else None}
        return {"variant_all": one(len(rated_rows), len(orgs)),
                "variant_eligible": one(sum(1 for x in rated_rows if x.registered_on <= since),
                                        sum(1 for x in orgs if x.registered_on <= since))}

    city_orgs = [x for x in population if x.level == "city"]
    breakdown = body["rated_3a_plus_breakdown"]
    assert breakdown["registered_on_or_before"] == since.isoformat()
    assert breakdown["by_type"] == {t: shares([x for x in city_orgs if x.type == t], [x for x in top if x.type == t])
                                    for t in sorted({x.type for x in city_orgs})}
    all_top = [row for row in rated if row.grade in ("3A", "4A", "5A")]
    assert breakdown["by_district"] == {
        d: shares([x for x in population if x.district == d], [x for x in all_top if x.district == d])
        for d in sorted({x.district for x in population})}
    assert len(breakdown["by_district"]) > 2 and len(breakdown["by_type"]) > 1
    assert sum(v["variant_all"]["rated_3a_plus"] for k, v in breakdown["by_district"].items() if k != "350200") > 0
    assert breakdown["by_district"]["350200"]["variant_all"] == goal["variant_all"]
    # and the dashboard's history (several days from one read) equals the statistics of each day
    days = [date(2021, 12, 31), date(2024, 2, 29), date(2025, 12, 31), day]
    with search.db.read_session() as session:
        many = views.statistics_many(session, days, search.goals)
    for one_day in days:
        assert many[one_day] == stats(search_client, as_of=one_day.isoformat())
    by_year = {row["year"]: row for row in body["annual_report_filing"]}
    assert {y: row["filed"] for y, row in by_year.items() if row["filed"]} == filed
    assert {y: row["overdue"] for y, row in by_year.items() if row["overdue"]} == overdue
    assert {y: row["late"] for y, row in by_year.items() if row["late"]} == dict(late) and late
    # and each profile agrees with the register (a sample)
    with platform.registry.db.read_session() as session:
        for uscc in usccs[:40]:
            years = sorted(session.execute(select(rp.c.year).where(
                rp.c.uscc == uscc, rp.c.first_submitted_on.is_not(None))).scalars())
            assert profile(search_client, uscc)["annual_reports_filed"] == years
            grade = session.execute(select(r.c.grade).where(
                r.c.uscc == uscc, r.c.status == "valid", r.c.awarded_on <= day, r.c.expires_on > day)).scalar()
            shown = profile(search_client, uscc)["rating"]
            assert (shown or {}).get("grade") == grade


def test_the_migrations_match_the_mapped_tables(search: SearchContainer) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from services.search.adapters.orm import metadata
    from shared.audit import metadata as audit_metadata
    from shared.events.outbox import metadata as outbox_metadata

    with search.db.write_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, [metadata, outbox_metadata, audit_metadata]) == []
