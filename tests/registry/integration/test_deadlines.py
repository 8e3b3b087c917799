"""Issue 13 item 4 at the registry through HTTP, on SQLite and PostgreSQL: the deadlines the law sets are
recorded with their dates and a missed one is flagged, not hidden - change registration within 30 days of the
sponsor's approval (R2.2.1, SHT art. 18, MFQ art. 15), the 20-day decisions on charity recognition and the
public-fundraising qualification (CSF23 arts 10, 22) - and charity status is dated from recognition, never
before the Charity Law took effect on 2016-09-01 (R10.1, R10.2.1)."""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from services.registry.domain import uscc as uscc_rules
from shared.clock import FixedClock
from socreg.app import Platform
from tests.registry.integration.test_registry_api import (ORGS, Headers, foundation, group, outbox, problem, register,
                                                           service, state)


def _migrated(n: int, type_code: str = "1") -> dict[str, str]:
    """An organization migrated in, registered in 2020 (so approvals of this year follow its registration)."""
    return {"uscc": uscc_rules.compose(type_code, "350200", f"000404{n:02d}"), "registered_on": "2020-03-01",
            "established_on": "2020-01-01"}


def _sponsored(client: TestClient, registrar: Headers, name: str) -> str:
    body = group(name, category="other", supervising_unit="厦门市科学技术协会", **_migrated(1))
    return str(register(client, registrar, body)["uscc"])


def _changes(client: TestClient, registrar: Headers, uscc: str) -> list[dict[str, Any]]:
    return [h for h in client.get(f"{ORGS}/{uscc}/history", headers=registrar).json() if h["action"] == "change"]


def test_change_registration_within_30_days_of_the_sponsors_approval__R2_2_1_SHT_art_18(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """TODAY is 2026-06-01: approved 2026-05-20 is in time, 2026-04-20 (42 days) is accepted but flagged late;
    without the date, or with one in the future, a sponsored social group's change is 422 and changes nothing."""
    uscc = _sponsored(client, registrar, "厦门市测绘学会")
    before = state(client, registrar, platform, uscc)
    problem(client.patch(f"{ORGS}/{uscc}", json={"domicile": "厦门市湖里区1号"}, headers=registrar), 422,
            "invalid-input", rule="SHT art. 18", fields={"sponsor_approved_on"})
    problem(client.patch(f"{ORGS}/{uscc}", json={"domicile": "厦门市湖里区1号", "sponsor_approved_on": "2026-06-02"},
                         headers=registrar), 422, "invalid-input", fields={"sponsor_approved_on"})
    assert state(client, registrar, platform, uscc) == before

    in_time = client.patch(f"{ORGS}/{uscc}", json={"domicile": "厦门市湖里区1号", "sponsor_approved_on": "2026-05-20"},
                           headers=registrar)
    assert in_time.status_code == 200, in_time.text
    [change] = _changes(client, registrar, uscc)
    assert (change["sponsor_approved_on"], change["due_on"], change["late"]) == ("2026-05-20", "2026-06-19", False)
    late = client.patch(f"{ORGS}/{uscc}", json={"domicile": "厦门市湖里区2号", "sponsor_approved_on": "2026-04-20"},
                        headers=registrar)
    assert late.status_code == 200, late.text
    assert (_changes(client, registrar, uscc)[-1]["due_on"], _changes(client, registrar, uscc)[-1]["late"]) == (
        "2026-05-20", True)
    announced = [e["event"]["data"] for e in outbox(platform, "registry.organization.changed")]
    assert [(d["sponsor_approved_on"], d["late"]) for d in announced] == [("2026-05-20", False), ("2026-04-20", True)]


def test_the_sponsors_approval_only_where_there_is_a_sponsor_and_a_day_count__R2_2_1_MFQ_art_15_JJH_art_15(
        client: TestClient, registrar: Headers) -> None:
    direct = register(client, registrar, group("厦门市直接登记协会"))["uscc"]  # 直接登记: no sponsor, no approval
    assert client.patch(f"{ORGS}/{direct}", json={"domicile": "厦门市思明区3号"}, headers=registrar).status_code == 200
    assert _changes(client, registrar, direct)[0]["sponsor_approved_on"] is None
    sponsored = register(client, registrar, service("厦门市康复服务中心", category="other",
                                                    supervising_unit="厦门市卫生健康委员会", **_migrated(2, "2")))["uscc"]
    problem(client.patch(f"{ORGS}/{sponsored}", json={"domicile": "厦门市思明区4号"}, headers=registrar), 422,
            "invalid-input", rule="MFQ art. 15")
    fund = register(client, registrar, foundation("厦门市助学基金会", **_migrated(3, "3")))["uscc"]  # JJH art. 15
    answer = client.patch(f"{ORGS}/{fund}", json={"domicile": "厦门市思明区5号", "sponsor_approved_on": "2026-01-05"},
                          headers=registrar)
    assert answer.status_code == 200, answer.text
    assert [(c["sponsor_approved_on"], c["due_on"], c["late"]) for c in _changes(client, registrar, fund)] == [
        ("2026-01-05", None, False)]  # recorded; JJH art. 15 names no day count


def test_charity_decisions_within_20_days_of_acceptance__CSF23_arts_10_22(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    """Recognition accepted 2026-06-10 and decided 2026-07-15 (35 days): done, and flagged late in the history
    and the event; the fundraising qualification accepted and decided on 2027-07-15 is in time. An acceptance
    in the future or before the registration is 422."""
    uscc = register(client, registrar, group("厦门市仁爱协会", category="charity"))["uscc"]
    problem(client.post(f"{ORGS}/{uscc}/charity-recognition", json={"applied_on": "2026-06-02"}, headers=registrar),
            422, "invalid-input", rule="CSF23 art. 10", fields={"applied_on"})
    answer = client.post(f"{ORGS}/{uscc}/charity-recognition", json={"applied_on": "2026-05-01"}, headers=registrar)
    problem(answer, 422, "invalid-input", fields={"applied_on"})  # before the registration of 2026-06-01
    clock.set(date(2026, 7, 15))
    answer = client.post(f"{ORGS}/{uscc}/charity-recognition", json={"applied_on": "2026-06-10"}, headers=registrar)
    assert answer.status_code == 200 and answer.json()["charity_since"] == "2026-07-15", answer.text
    [recognition] = [h for h in client.get(f"{ORGS}/{uscc}/history", headers=registrar).json()
                     if h["action"] == "charity_recognition"]
    assert (recognition["applied_on"], recognition["due_on"], recognition["late"]) == ("2026-06-10", "2026-06-30", True)
    [event] = outbox(platform, "registry.organization.charity_recognized")
    assert (event["event"]["data"]["decide_by"], event["event"]["data"]["late"]) == ("2026-06-30", True)

    clock.set(date(2027, 7, 15))
    answer = client.post(f"{ORGS}/{uscc}/fundraising-qualification", headers=registrar)  # accepted today
    assert answer.status_code == 200, answer.text
    [event] = outbox(platform, "registry.organization.fundraising_qualified")
    assert (event["event"]["data"]["applied_on"], event["event"]["data"]["decide_by"],
            event["event"]["data"]["late"]) == ("2027-07-15", "2027-08-04", False)


def test_charity_status_never_before_the_charity_law__R10_1_R10_2_1(
        client: TestClient, registrar: Headers) -> None:
    """A charity migrated in with a 2010 registration is a charity from 2016-09-01 at the earliest (so its
    public-fundraising years count from then, not from 2010); a recognition date before the law is 422."""
    old = dict(uscc=uscc_rules.compose("1", "350200", "00030300"), registered_on="2010-03-01",
               established_on="2010-01-01")
    body = group("厦门市老牌慈善协会", category="charity", charity=True, **old)
    problem(client.post(ORGS, json={**body, "charity_since": "2015-06-01"}, headers=registrar), 422, "invalid-input",
            fields={"charity_since"})
    assert register(client, registrar, body)["charity_since"] == "2016-09-01"
    later = group("厦门市认定慈善协会", category="charity", charity=True, charity_since="2025-09-10",
                  uscc=uscc_rules.compose("1", "350200", "00030301"), registered_on="2012-03-01",
                  established_on="2012-01-01")
    made = register(client, registrar, later)
    assert made["charity_since"] == "2025-09-10"
    problem(client.post(f"{ORGS}/{made['uscc']}/fundraising-qualification", headers=registrar), 409,
            "rule-violation", rule="CSF23 art. 22")  # recognized 2025-09-10: not yet a year (2026-06-01)
