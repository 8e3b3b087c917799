"""Annual reports through HTTP (api.md; domain-rules §4, §5, §10.3), on SQLite and on PostgreSQL.

Each refused request is checked three ways: status, problem body (type, rule, errors[].field), and
that nothing changed (reports, transitions, overdue facts, ratings, outbox)."""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from socreg.app import Platform
from tests.fixtures.platform import approved
from tests.registry.reports.support import (Headers, events, foundation, group, org_account, org_token, organizations,
                                            problem, report_body, report_path, service, snapshot)


def test_draft_submit_return_correct_resubmit_accept_with_who_and_when__R4(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """R4 workflow: drafts saved any number of times; submitted; returned with reasons; corrected;
    resubmitted; accepted - every transition kept with who and when, each step announced."""
    [uscc] = organizations(platform, group())
    org = org_account(platform, client, uscc, "org-own")
    body = report_body()
    partial = {"registration": {"confirmed": True}}
    first = client.put(report_path(uscc, 2025), json=partial, headers=org)
    assert first.status_code == 201 and first.json()["state"] == "draft", first.text
    again = client.put(report_path(uscc, 2025), json=body, headers=org)
    assert again.status_code == 200 and again.json()["content"]["staff"]["volunteers"] == 40
    submitted = client.post(report_path(uscc, 2025, "/submit"), headers=org)
    assert submitted.status_code == 200, submitted.text
    assert (submitted.json()["state"], submitted.json()["first_submitted_on"]) == ("submitted", "2026-06-01")
    assert submitted.json()["deadline"] == "2026-05-31" and submitted.json()["late"] is True

    returned = client.post(report_path(uscc, 2025, "/review"), headers=registrar,
                           json={"decision": "return", "reasons": ["财务报表缺少附注", "活动情况过于简略"]})
    assert returned.status_code == 200 and returned.json()["state"] == "returned", returned.text
    assert returned.json()["return_reasons"] == ["财务报表缺少附注", "活动情况过于简略"]
    body["activities"].append({"name": "公益讲座", "description": "社区公益讲座6场", "beneficiaries": 300})
    assert client.put(report_path(uscc, 2025), json=body, headers=org).status_code == 200
    resubmitted = client.post(report_path(uscc, 2025, "/submit"), headers=org)
    assert resubmitted.status_code == 200 and resubmitted.json()["submissions"] == 2, resubmitted.text
    accepted = client.post(report_path(uscc, 2025, "/review"), headers=registrar,
                           json={"decision": "accept", "conclusion": "qualified"})
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["state"], accepted.json()["conclusion"], accepted.json()["return_reasons"]) == (
        "accepted", "qualified", [])

    listing = client.get(f"/registry/organizations/{uscc}/annual-reports", headers=org).json()["items"]
    latest = listing[0]
    assert latest["year"] == 2025 and latest["content"]["activities"][-1]["name"] == "公益讲座"
    assert [(t["action"], t["by"]) for t in latest["transitions"]] == [
        ("created", "org-own"), ("submitted", "org-own"), ("returned", "registrar1"), ("corrected", "org-own"),
        ("resubmitted", "org-own"), ("accepted", "registrar1")]
    assert all(t["at"].startswith("2026-06-01T04:00:00") for t in latest["transitions"])
    assert [e["type"].rsplit(".", 1)[1] for e in events(platform) if e["type"].startswith("registry.annual_report")] \
        == ["submitted", "returned", "submitted", "accepted"]
    [accept_event] = events(platform, "registry.annual_report.accepted")
    assert accept_event["subject"] == uscc and accept_event["data"] == {
        "uscc": uscc, "year": 2025, "accepted_on": "2026-06-01", "accepted_by": "registrar1",
        "first_submitted_on": "2026-06-01", "deadline": "2026-05-31", "late": True, "conclusion": "qualified"}
    [ret] = events(platform, "registry.annual_report.returned")
    assert ret["data"]["reasons"] == ["财务报表缺少附注", "活动情况过于简略"]
    # every year from registration (2018) or the register's first year (2020) is listed, filed or not
    assert [(i["year"], i["state"]) for i in listing] == [(2025, "accepted")] + [
        (y, "not_filed") for y in range(2024, 2019, -1)]
    assert listing[1]["overdue"] is True and listing[1]["required"] is True


def test_submitting_with_the_body_saves_and_submits_at_once__R4(
        client: TestClient, platform: Platform) -> None:
    [uscc] = organizations(platform, group())
    answer = client.post(report_path(uscc, 2024, "/submit"), json=report_body(), headers=org_token(uscc))
    assert answer.status_code == 200 and answer.json()["state"] == "submitted", answer.text
    [event] = events(platform, "registry.annual_report.submitted")
    assert event["data"]["year"] == 2024 and event["data"]["late"] is True and event["data"]["resubmission"] is False


def test_an_org_account_reaches_only_its_own_reports__api_auth(
        client: TestClient, registrar: Headers, inspector: Headers, platform: Platform) -> None:
    """api.md: PUT and submit by the organization's own account; review by a registrar; GET by
    registrar, inspector and the own account. Anyone else: 401/403, and nothing changes."""
    own, other = organizations(platform, group(), group())
    mine, theirs = org_token(own), org_token(other)
    assert client.post(report_path(own, 2025, "/submit"), json=report_body(), headers=mine).status_code == 200
    before = snapshot(platform)
    body = report_body()
    attempts = [
        (client.put(report_path(own, 2025), json=body), 401, "unauthorized"),
        (client.get(f"/registry/organizations/{own}/annual-reports"), 401, "unauthorized"),
        (client.put(report_path(own, 2024), json=body, headers=theirs), 403, "forbidden"),
        (client.post(report_path(own, 2024, "/submit"), json=body, headers=theirs), 403, "forbidden"),
        (client.get(f"/registry/organizations/{own}/annual-reports", headers=theirs), 403, "forbidden"),
        (client.get(report_path(own, 2025), headers=theirs), 403, "forbidden"),
        (client.put(report_path(own, 2024), json=body, headers=registrar), 403, "forbidden"),
        (client.post(report_path(own, 2024, "/submit"), json=body, headers=inspector), 403, "forbidden"),
        (client.post(report_path(own, 2025, "/review"), json={"decision": "accept"}, headers=mine), 403, "forbidden"),
        (client.post(report_path(own, 2025, "/review"), json={"decision": "accept"}, headers=inspector), 403,
         "forbidden"),
    ]
    for answer, status, slug in attempts:
        problem(answer, status, slug)
    assert snapshot(platform) == before
    for who in (registrar, inspector, mine):
        listing = client.get(f"/registry/organizations/{own}/annual-reports", headers=who)
        assert listing.status_code == 200 and listing.json()["items"][0]["state"] == "submitted"
        assert client.get(report_path(own, 2025), headers=who).json()["state"] == "submitted"
    problem(client.get(report_path(own, 2023), headers=registrar), 404, "not-found")
    problem(client.get("/registry/organizations/51350200MJ00999999/annual-reports", headers=registrar), 404,
            "not-found")


def test_closed_organizations_file_nothing__R2_3_R2_4_SHT_art_33(
        client: TestClient, registrar: Headers, approver: Headers, platform: Platform) -> None:
    """A deregistered or revoked organization can file nothing: 409 naming R2.3/R2.4, nothing stored."""
    dereg, revoked = organizations(platform, group(), service())
    assert client.post(f"/registry/organizations/{dereg}/deregistration", headers=registrar, json={
        "liquidation_report": "清算报告1号", "liquidation_completed_on": "2026-05-01"}).status_code == 200
    approved(client, client.post(f"/registry/organizations/{revoked}/revocation", headers=registrar,
                                 json={"legal_basis": "《民办非企业单位登记管理暂行条例》第二十五条"}), approver)
    before = snapshot(platform)
    for uscc in (dereg, revoked):
        for answer in (client.put(report_path(uscc, 2025), json=report_body(), headers=org_token(uscc)),
                       client.post(report_path(uscc, 2025, "/submit"), json=report_body(), headers=org_token(uscc))):
            body = problem(answer, 409, "rule-violation", rule="R2.3/R2.4")
            assert uscc in body["detail"]
    assert snapshot(platform) == before


def test_year_bounds_since_registration_and_before_this_year__R4_1(
        client: TestClient, platform: Platform) -> None:
    [uscc] = organizations(platform, group(established_on="2021-03-01"))
    before = snapshot(platform)
    for year, rule in ((2020, "R4.1 year.since_registration"), (2026, "R4.1 year.completed"),
                       (2027, "R4.1 year.completed")):
        problem(client.put(report_path(uscc, year), json=report_body(), headers=org_token(uscc)), 422,
                "invalid-input", rule=rule, fields={"year"})
    for year in ("1900", "99999", "abc", "-1"):
        problem(client.put(f"/registry/organizations/{uscc}/annual-reports/{year}", json={}, headers=org_token(uscc)),
                422, "invalid-input", fields={"year"})
    assert snapshot(platform) == before
    assert client.put(report_path(uscc, 2021), json={}, headers=org_token(uscc)).status_code == 201


def test_structural_errors_are_422_listing_the_fields_and_change_nothing__R4_1_R5_3(
        client: TestClient, platform: Platform) -> None:
    """Submission: missing parts and sums that do not add up are 422 listing every field; the draft
    stays a draft (no transition, no event). Drafts may be incomplete, but every value is well-typed."""
    [uscc] = organizations(platform, group())
    org = org_token(uscc)
    assert client.put(report_path(uscc, 2025), json={"staff": {"full_time": 3}}, headers=org).status_code == 201
    before = snapshot(platform)
    answer = client.post(report_path(uscc, 2025, "/submit"), headers=org)
    problem(answer, 422, "invalid-input", fields={"registration.confirmed", "finances", "staff.part_time",
                                                  "staff.volunteers", "major_events", "activities", "party.established"})
    wrong = report_body()
    wrong["finances"]["income"]["total"] = "999.00"
    wrong["finances"]["expenses"]["charitable_activities"] = "999999999.00"
    body = problem(client.post(report_path(uscc, 2025, "/submit"), json=wrong, headers=org), 422, "invalid-input",
                   fields={"finances.income.total", "finances.expenses.charitable_activities"})
    assert "donations + government_grants" in body["detail"]
    assert snapshot(platform) == before  # the body sent with the refused submission was not saved either

    bad_types: list[tuple[dict[str, Any], str]] = [
        ({"staff": {"full_time": "six"}}, "staff.full_time"),
        ({"staff": {"volunteers": -1}}, "staff.volunteers"),
        ({"finances": {"income": {"donations": "-5"}}}, "finances.income.donations"),
        ({"finances": {"income": {"donations": "1.001"}}}, "finances.income.donations"),
        ({"finances": {"income": {"donations": "1e30"}}}, "finances.income.donations"),
        ({"finances": {"standard": "企业会计准则"}}, "finances.standard"),
        ({"registration": {"confirmed": "yes please"}}, "registration.confirmed"),
        ({"activities": "many"}, "activities"),
        ({"activities": [{"name": "x\x00y"}]}, "activities.0.name"),
        ({"party": {"form": "club"}}, "party.form"),
        ({"audit": {"opinion": "fine"}}, "audit.opinion"),
        ({"unknown_part": 1}, "unknown_part"),
        ({"finances": {"income": {"lottery": "5"}}}, "finances.income.lottery"),
        ({"major_events": {"litigation": [{"occurred_on": "yesterday", "description": "x"}]}},
         "major_events.litigation.0.occurred_on"),
    ]
    for bad, field in bad_types:
        problem(client.put(report_path(uscc, 2025), json=bad, headers=org), 422, "invalid-input", fields={field})
    problem(client.put(report_path(uscc, 2025), content=b"{not json", headers={**org, "Content-Type": "application/json"}),
            422, "invalid-input")
    problem(client.put(report_path(uscc, 2025), json=[report_body()], headers=org), 422, "invalid-input")
    assert snapshot(platform) == before


def test_foundation_report_needs_its_audit_and_gets_its_findings__R5_1_JJH_art_36_R10_3_3(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """JJH art. 36: a foundation's report carries its CPA audit (422 on `audit` without); a public
    foundation that is no charity spending < 70% of last year's income gets a JJH art. 29 finding
    attached - and its submission still goes through (findings never block)."""
    [uscc] = organizations(platform, foundation("public"))
    org = org_token(uscc)
    body = report_body(charitable=500_000, staff_and_office=60_000, previous_years=[
        {"year": 2024, "total_income": "1000000.00", "year_end_net_assets": "900000.00"}])
    before = snapshot(platform)
    problem(client.post(report_path(uscc, 2025, "/submit"), json=body, headers=org), 422, "invalid-input",
            rule="R5.1", fields={"audit"})
    assert snapshot(platform) == before
    body = {**body, "audit": report_body(audit=True)["audit"]}
    answer = client.post(report_path(uscc, 2025, "/submit"), json=body, headers=org)
    assert answer.status_code == 200, answer.text
    findings = {f["check"]: f for f in answer.json()["findings"]}
    assert findings["charity_spending"]["met"] is False and findings["charity_spending"]["rule"] == "JJH art. 29"
    assert "¥700,000.00" in findings["charity_spending"]["required"]  # 70% of the declared 2024 income
    assert findings["staff_and_office"]["met"] is True  # 60,000 / 760,000
    [event] = events(platform, "registry.annual_report.submitted")
    assert event["data"]["unmet_findings"] == 1
    assert client.get(report_path(uscc, 2025), headers=registrar).json()["findings"] == answer.json()["findings"]


def test_charity_findings_use_the_registers_own_previous_reports__R10_3_2_N189_art_10(
        client: TestClient, platform: Platform) -> None:
    """A non-public charity social group: its 2024 report on the register gives last year's net assets
    (the tier) and income; a declared figure does not override the register's."""
    [uscc] = organizations(platform, group(category="charity", charity=True))
    org = org_token(uscc)
    prior = report_body(charitable=500_000, restricted=300_000, unrestricted=2_700_000)  # net assets 3,000,000
    assert client.post(report_path(uscc, 2024, "/submit"), json=prior, headers=org).status_code == 200
    body = report_body(charitable=230_000, management=150_000, previous_years=[
        {"year": 2024, "total_income": "1.00", "year_end_net_assets": "1.00"}])
    answer = client.post(report_path(uscc, 2025, "/submit"), json=body, headers=org)
    found = {f["check"]: f for f in answer.json()["findings"]}
    assert found["charity_spending"]["rule"].startswith("N189 art. 9") and "¥1,000,000" in found["charity_spending"]["rule"]
    assert found["charity_spending"]["met"] is False  # 8% of 3,000,000 = 240,000 > 230,000
    assert found["management_cost"]["met"] is True and found["management_cost"]["rule"] == "N189 art. 11"


def test_reviews_need_a_submitted_report_and_reasons_to_return__R4(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    [uscc] = organizations(platform, group())
    org = org_token(uscc)
    assert client.put(report_path(uscc, 2025), json=report_body(), headers=org).status_code == 201
    before = snapshot(platform)
    problem(client.post(report_path(uscc, 2025, "/review"), json={"decision": "accept"}, headers=registrar),
            409, "rule-violation", rule="R4 review follows submission")
    problem(client.post(report_path(uscc, 2024, "/review"), json={"decision": "accept"}, headers=registrar),
            404, "not-found")
    for bad in ({"decision": "return"}, {"decision": "return", "reasons": []}, {"decision": "maybe"},
                {"decision": "return", "reasons": ["x"], "conclusion": "qualified"},
                {"decision": "accept", "conclusion": "excellent"}, {}):
        problem(client.post(report_path(uscc, 2025, "/review"), json=bad, headers=registrar), 422, "invalid-input")
    assert snapshot(platform) == before
    assert client.post(report_path(uscc, 2025, "/submit"), headers=org).status_code == 200
    assert client.post(report_path(uscc, 2025, "/review"), json={"decision": "accept"},
                       headers=registrar).status_code == 200
    before = snapshot(platform)
    for attempt in (client.put(report_path(uscc, 2025), json=report_body(), headers=org),
                    client.post(report_path(uscc, 2025, "/submit"), headers=org),
                    client.post(report_path(uscc, 2025, "/review"), json={"decision": "return", "reasons": ["x"]},
                                headers=registrar)):
        assert attempt.status_code == 409, attempt.text
    assert snapshot(platform) == before


def test_submit_without_a_draft_is_409__R4(client: TestClient, platform: Platform) -> None:
    [uscc] = organizations(platform, group())
    before = snapshot(platform)
    problem(client.post(report_path(uscc, 2025, "/submit"), headers=org_token(uscc)), 409, "rule-violation",
            rule="R4 a report is saved before it is submitted")
    assert snapshot(platform) == before


HOSTILE = ["'); DROP TABLE annual_reports; --", "<script>alert(1)</script>", "{{7*7}}${7*7}", "%00%27",
           "\" OR \"1\"=\"1"]


def test_hostile_text_is_stored_verbatim_and_big_bodies_are_413__api_errors(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    [uscc] = organizations(platform, group())
    org = org_token(uscc)
    body = report_body()
    body["activities"] = [{"name": text, "description": text} for text in HOSTILE]
    answer = client.post(report_path(uscc, 2025, "/submit"), json=body, headers=org)
    assert answer.status_code == 200, answer.text
    stored = client.get(report_path(uscc, 2025), headers=registrar).json()["content"]["activities"]
    assert [a["name"] for a in stored] == HOSTILE
    before = snapshot(platform)
    huge = report_body()
    huge["activities"] = [{"name": "x", "description": "长" * (10 * 1024 * 1024)}]
    problem(client.put(report_path(uscc, 2024), json=huge, headers=org), 413, "payload-too-large")
    many = report_body()
    many["activities"] = [{"name": f"活动{n}"} for n in range(201)]
    problem(client.put(report_path(uscc, 2024), json=many, headers=org), 422, "invalid-input", fields={"activities"})
    assert snapshot(platform) == before
    assert client.get("/registry/organizations/' OR 1=1 --/annual-reports", headers=registrar).status_code == 404


def test_charity_recognized_after_the_year_files_as_an_ordinary_group__R10_1(
        client: TestClient, registrar: Headers, platform: Platform, clock: Any) -> None:
    """The charity rules apply to the years an organization was a charity at year end (CSF23 art. 10)."""
    [uscc] = organizations(platform, group(category="charity"))
    assert client.post(f"/registry/organizations/{uscc}/charity-recognition", headers=registrar).status_code == 200
    answer = client.post(report_path(uscc, 2025, "/submit"), json=report_body(), headers=org_token(uscc))
    assert answer.status_code == 200 and answer.json()["findings"] == [], answer.text
    clock.set(date(2027, 2, 1))
    answer = client.post(report_path(uscc, 2026, "/submit"), json=report_body(), headers=org_token(uscc))
    problem(answer, 422, "invalid-input", fields={"finances.expenses.charitable_activities"})
