"""The registry through HTTP (api.md), on SQLite and on a real PostgreSQL (`database_url` is parametrized).

Every test that encodes a rule names its article. Every rejected request is checked three ways:
status, problem-details body (type/status/rule/errors[].field), and that nothing changed (record,
history, outbox, organization count). Resident ID numbers are synthetic with a valid GB 11643 check
digit; migrated USCCs are synthetic Xiamen codes built with uscc.compose (domain-rules §3.7).
"""
from __future__ import annotations

import itertools
import json
from datetime import date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.registry.domain import commands
from services.registry.domain import uscc as uscc_rules
from services.registry.entrypoints.consumers import build_consumers
from services.registry.service_layer import handlers
from shared.clock import FixedClock
from shared.events.envelope import new_envelope
from shared.events.outbox import outbox_table
from socreg.app import Platform
from tests.fixtures.accounts import password_of
from tests.fixtures.platform import TODAY, approved, login
from tests.registry.governance_bodies import audit_body, governance_body

PROBLEM_BASE = "https://socreg.example/problems/"
ORGS = "/registry/organizations"
Headers = dict[str, str]

# --- synthetic personal data ----------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_counter = itertools.count(1)


def resident_id(n: int) -> str:
    """Synthetic resident ID (GB 11643): 思明区 350203, born 1975-01-DD (DD from n), sequence n % 1000."""
    body = f"350203197501{1 + n // 1000 % 28:02d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS)) % 11]


def person(n: int | None = None) -> dict[str, str]:
    n = next(_counter) if n is None else n
    return {"name": f"测试人{n}", "id_number": resident_id(n), "phone": f"139{n:08d}"}


def test_resident_id_helper_has_valid_gb11643_check_digit() -> None:
    """GB 11643: the helper's numbers pass the same check the API applies (and are distinct)."""
    from services.registry.entrypoints.api.schemas import _id_number

    numbers = {resident_id(n) for n in range(1, 3000, 7)}
    assert len(numbers) == len(range(1, 3000, 7))
    for number in numbers:
        assert _id_number(number) == number


# --- request bodies ---------------------------------------------------------------------------------


def group(name: str, **overrides: Any) -> dict[str, Any]:
    """A valid city-level social group: 50 individual members, 30,000 yuan (SHT art. 10)."""
    body: dict[str, Any] = {
        "name": name, "type": "social_group", "category": "industry_association", "level": "city",
        "district": "350200", "domicile": "厦门市思明区软件园二期望海路1号", "legal_representative": person(),
        "registered_funds": "30000", "business_scope": "行业自律、行业服务", "members": {"individual": 50, "unit": 0},
        "established_on": "2026-01-15"}
    body.update(overrides)
    return body


def service(name: str, **overrides: Any) -> dict[str, Any]:
    body = group(name, type="social_service", category="community_service", registered_funds="10000")
    del body["members"]
    body.update(overrides)
    return body


def foundation(name: str, **overrides: Any) -> dict[str, Any]:
    body = group(name, type="foundation", category="charity", registered_funds="4000000", foundation_kind="public")
    del body["members"]
    body.update(overrides)
    body.setdefault("governance", governance_body(body["legal_representative"]["name"]))  # R2.1.4 JJH arts 20-24
    return body


def register(client: TestClient, headers: Headers, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(ORGS, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


# --- observing the register ---------------------------------------------------------------------------


def org_count(client: TestClient, registrar: Headers) -> int:
    answer = client.get(ORGS, params={"size": 1}, headers=registrar)
    assert answer.status_code == 200, answer.text
    return answer.json()["total"]


def outbox(platform: Platform, type_: str | None = None) -> list[dict[str, Any]]:
    """The registry's outbox rows (oldest first): type, subject and the raw payload text."""
    with platform.registry.db.read_session() as session:
        rows = session.execute(select(outbox_table).order_by(outbox_table.c.seq)).mappings().all()
    out = [{"type": r["type"], "subject": r["aggregateid"], "raw": r["payload"],
            "event": json.loads(r["payload"])} for r in rows]
    return [r for r in out if type_ is None or r["type"] == type_]


def state(client: TestClient, registrar: Headers, platform: Platform, *usccs: str) -> dict[str, Any]:
    """Everything a rejected request must leave alone."""
    snap: dict[str, Any] = {"count": org_count(client, registrar), "outbox": len(outbox(platform))}
    for u in usccs:
        record = client.get(f"{ORGS}/{u}", headers=registrar)
        hist = client.get(f"{ORGS}/{u}/history", headers=registrar)
        assert record.status_code == 200 and hist.status_code == 200
        snap[u] = (record.json(), hist.json())
    return snap


def problem(answer: Any, status: int, slug: str, *, rule: str | None = None,
            fields: set[str] | None = None) -> dict[str, Any]:
    """Assert an RFC 9457 problem: status, type, content type; `rule` is a substring of the named rule;
    `fields` must all be among errors[].field."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.headers
    body = answer.json()
    assert body["status"] == status
    assert body["type"] == PROBLEM_BASE + slug, body
    assert body["title"] and body["detail"]
    if rule is not None:
        assert rule in (body.get("rule") or ""), body
    if fields is not None:
        listed = {e["field"] for e in body.get("errors", [])}
        assert fields <= listed, body
    return body


def bad_check_digit(id_number: str) -> str:
    """The same number with a wrong GB 11643 check digit."""
    return id_number[:17] + ("0" if id_number[17] != "0" else "1")


def no_personal_data(raw: str, *people: dict[str, str]) -> None:
    """No ID number or phone (of anyone given) anywhere in an event, and no such keys."""
    for p in people:
        assert p["id_number"] not in raw and p["phone"] not in raw, raw
    assert '"id_number"' not in raw and '"phone"' not in raw and "lr_phone" not in raw, raw


def run_registry_consumer(platform: Platform, expected: int) -> None:
    runner = build_consumers(platform.registry)[0]
    try:
        for _ in range(10):
            if runner.handled >= expected:
                break
            runner.run_once(timeout=2)
        assert runner.handled == expected and runner.parked == 0, (runner.handled, runner.parked)
    finally:
        runner.close()


def publish(platform: Platform, clock: FixedClock, type_: str, uscc: str, data: dict[str, Any]) -> None:
    platform.bus.publish([new_envelope(type_, source="test", subject=uscc, data=data, time=clock.now())])


# === registration ======================================================================================


def test_registration_assigns_a_valid_uscc_per_type_and_district__GB32100_s3_5(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """GB 32100 §3.5 / domain-rules §3.1, §3.4: 201 with Location; the assigned USCC is valid, starts
    with '5' + the type code, and carries the registrar's division (city 350200, a district its code)."""
    cases = [
        (group("厦门市软件行业协会"), "1", "350200"),
        (group("厦门市思明区书法协会", level="district", district="350203"), "1", "350203"),
        (service("厦门市湖里区阳光社工服务中心", level="district", district="350206"), "2", "350206"),
        (service("厦门市康乐养老服务中心"), "2", "350200"),
        (foundation("厦门市助学基金会"), "3", "350200"),
        (group("厦门市动漫行业协会"), "1", "350200"),
    ]
    seen: list[str] = []
    for body, type_code, division in cases:
        answer = client.post(ORGS, json=body, headers=registrar)
        assert answer.status_code == 201, answer.text
        record = answer.json()
        code = record["uscc"]
        assert answer.headers["location"] == f"{ORGS}/{code}"
        report = uscc_rules.inspect(code)
        assert report.valid, report.failures
        assert code[:2] == "5" + type_code and code[2:8] == division
        assert record["district"] == division and record["status"] == "active" and record["version"] == 1
        assert record["name"] == body["name"] and record["registered_on"] == TODAY.isoformat()
        assert record["legal_representative"] == body["legal_representative"]  # the registrar sees everything
        assert client.get(answer.headers["location"], headers=registrar).json() == record
        seen.append(code)
    assert len(set(seen)) == len(seen), seen  # two city social groups got different codes too
    assert org_count(client, registrar) == len(cases)

    registered = outbox(platform, "registry.organization.registered")
    assert [e["subject"] for e in registered] == seen
    for (body, _, _), event in zip(cases, registered):
        assert event["event"]["data"]["name"] == body["name"]
        assert event["event"]["data"]["legal_representative_name"] == body["legal_representative"]["name"]
        no_personal_data(event["raw"], body["legal_representative"])


def test_history_says_who_and_when_as_an_unambiguous_instant__R2_2_3(
        client: TestClient, registrar: Headers, clock: FixedClock, database_url: str,
        request: pytest.FixtureRequest) -> None:
    """R2.2.3 (SHT art. 23) / api.md "every change, who and when": the registration is the first history
    entry, by the registrar, at the clock's instant - with its UTC offset, the same on every backend."""
    code = register(client, registrar, group("厦门市软件行业协会"))["uscc"]
    history = client.get(f"{ORGS}/{code}/history", headers=registrar).json()
    assert [(h["action"], h["new_value"], h["changed_by"]) for h in history] == [
        ("registration", "厦门市软件行业协会", "registrar1")]
    changed_at = datetime.fromisoformat(history[0]["changed_at"].replace("Z", "+00:00"))
    assert changed_at.tzinfo is not None, history[0]["changed_at"]
    assert changed_at == clock.now()


def test_migrated_uscc_is_kept_invalid_is_422_duplicate_is_409__GB32100_s3_5(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """GB 32100 §3.5: a valid synthetic Xiamen code is kept (and its registration date); a code failing a
    position is 422 naming that position; a code already registered is 409 (unique for life, rule 7)."""
    code = uscc_rules.compose("1", "350200", "00012345")  # synthetic Xiamen code (domain-rules §3.7)
    record = register(client, registrar, group("厦门市老年书画协会", uscc=code, registered_on="2010-03-01"))
    assert record["uscc"] == code and record["registered_on"] == "2010-03-01"
    district_code = uscc_rules.compose("2", "350211", "00054321")
    record = register(client, registrar, service("厦门市集美区启明培训学校", level="district", district="350211",
                                                 uscc=district_code.lower()))
    assert record["uscc"] == district_code  # normalized (§3.5 rule 1)
    before = state(client, registrar, platform)

    bad18 = code[:17] + ("0" if code[17] != "0" else "1")
    bad17 = uscc_rules.compose("1", "350200", "00012346")
    bad17 = bad17[:16] + ("0" if bad17[16] != "0" else "1") + bad17[17]
    wrong_type = uscc_rules.compose("2", "350200", "00012347")   # a 民非 code for a social group
    wrong_area = uscc_rules.compose("1", "350203", "00012348")   # a district code for a city-level group
    cases = [(bad18, "position 18"), (bad17, "position 17"), (wrong_type, "position 2"), (wrong_area, "position 3-8"),
             ("51350200", "position length")]
    for n, (bad, position) in enumerate(cases):
        answer = client.post(ORGS, json=group(f"厦门市迁入协会{n}号", uscc=bad), headers=registrar)
        body = problem(answer, 422, "invalid-input", rule="GB 32100", fields={"uscc"})
        assert any(e["field"] == "uscc" and position in e["message"] for e in body["errors"]), body

    answer = client.post(ORGS, json=group("厦门市另一个协会", uscc=code), headers=registrar)
    problem(answer, 409, "conflict", rule="GB 32100 §3.5(7)")
    assert state(client, registrar, platform) == before


def test_each_registration_rule_is_422_naming_the_fields__SHT_art_10_JJH_art_8(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """SHT art. 9, 10(1), 10(5), 10; MFQ art. 8; JJH art. 6, 8(2); §3.4 - each through HTTP: 422 with
    the failing fields and rules, nothing registered."""
    register(client, registrar, group("厦门市已有协会"))
    before = state(client, registrar, platform)
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        (group("甲", members={"individual": 49, "unit": 0}), {"members": "SHT art. 10(1)"}),
        (group("乙", members={"individual": 0, "unit": 29}), {"members": "SHT art. 10(1)"}),
        (group("丙", members={"individual": 5, "unit": 30}), {"members": "SHT art. 10(1)"}),
        (group("丁", registered_funds="29999.99"), {"registered_funds": "SHT art. 10(5)"}),
        (foundation("戊", registered_funds="3999999.99"), {"registered_funds": "JJH art. 8(2)"}),
        (foundation("己", foundation_kind="non_public", registered_funds="1999999"),
         {"registered_funds": "JJH art. 8(2)"}),
        (foundation("庚", foundation_kind=None), {"foundation_kind": "JJH art. 3"}),
        (group("中国厦门软件协会"), {"name": "SHT art. 10"}),
        (service("中华厦门养老服务中心"), {"name": "MFQ art. 8"}),
        (service("全国厦门培训学校"), {"name": "MFQ art. 8"}),
        (group("辛", category="other"), {"supervising_unit": "SHT art. 9"}),
        (group("壬", district="350203"), {"district": "R3.4 city"}),
        (group("癸", level="district", district="350200"), {"district": "R3.4 district"}),
        (group("子", level="district", district="350202"), {"district": "R3.4 district"}),
        (foundation("丑", level="district", district="350203"), {"level": "JJH art. 6"}),
        (group("中国寅", category="other", registered_funds="100", members={"individual": 3, "unit": 0},
               district="350206"),
         {"members": "SHT art. 10(1)", "registered_funds": "SHT art. 10(5)", "name": "SHT art. 10",
          "supervising_unit": "SHT art. 9", "district": "R3.4 city"}),
    ]
    for n, (body, expected) in enumerate(cases):
        body["name"] = f"{body['name']}{n}号组织"
        answer = client.post(ORGS, json=body, headers=registrar)
        problem_body = problem(answer, 422, "invalid-input", fields=set(expected))
        got = {e["field"]: e["rule"] for e in problem_body["errors"]}
        assert got == expected, (body["name"], problem_body)
        assert problem_body["rule"] == problem_body["errors"][0]["rule"]
    assert state(client, registrar, platform) == before
    # the same bodies pass once the faults are fixed (the cases are not failing for another reason)
    register(client, registrar, foundation("厦门市中华文化基金会", foundation_kind="non_public",
                                           registered_funds="2000000"))
    register(client, registrar, group("厦门市混合会员协会", members={"individual": 25, "unit": 25},
                                      category="other", supervising_unit="厦门市科学技术协会"))


def test_legal_representative_conflicts_and_duplicate_names_are_409__JJH_art_23_SHT_art_12(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """JJH art. 23 (both directions), SHT art. 12 and SHT art. 13(2)/MFQ art. 11(2): 409 naming the rule;
    a social service may share its LR with a social group; a closed organization's LR is free again."""
    fnd_lr, grp_lr = person(), person()
    fnd = register(client, registrar, foundation("厦门市助学基金会", legal_representative=fnd_lr))
    grp = register(client, registrar, group("厦门市软件行业协会", legal_representative=grp_lr))
    before = state(client, registrar, platform, fnd["uscc"], grp["uscc"])

    refused = [
        (group("厦门市新建协会", legal_representative=fnd_lr), "JJH art. 23", fnd["uscc"]),
        (service("厦门市新建服务中心", legal_representative=fnd_lr), "JJH art. 23", fnd["uscc"]),
        (foundation("厦门市新建基金会", legal_representative=grp_lr), "JJH art. 23", grp["uscc"]),
        (group("厦门市第二协会", legal_representative=grp_lr), "SHT art. 12", grp["uscc"]),
        (group("厦门市软件行业协会"), "SHT art. 13(2)", "厦门市软件行业协会"),
        (service("厦门市助学基金会"), "SHT art. 13(2)", "厦门市助学基金会"),
    ]
    for body, rule, mentioned in refused:
        answer = client.post(ORGS, json=body, headers=registrar)
        problem_body = problem(answer, 409, "rule-violation", rule=rule)
        assert mentioned in problem_body["detail"], problem_body
    assert state(client, registrar, platform, fnd["uscc"], grp["uscc"]) == before

    # SHT art. 12 is about social groups only
    register(client, registrar, service("厦门市同人服务中心", legal_representative=grp_lr))
    # a deregistered group's LR may represent a new social group (only active organizations count)
    answer = client.post(f"{ORGS}/{grp['uscc']}/deregistration", headers=registrar,
                         json={"liquidation_report": "清算报告2026-01号", "liquidation_completed_on": "2026-05-20"})
    assert answer.status_code == 200, answer.text
    register(client, registrar, group("厦门市第三协会", legal_representative=grp_lr))


# === roles =========================================================================================


def test_roles_anonymous_inspector_org_account__api_auth(
        client: TestClient, registrar: Headers, inspector: Headers, platform: Platform) -> None:
    """api.md Auth: anonymous 401; inspector reads but cannot register (403); an org account reaches only
    its own record and history (403 elsewhere); unknown USCC 404."""
    own = register(client, registrar, group("厦门市软件行业协会"))["uscc"]
    other = register(client, registrar, service("厦门市康乐养老服务中心"))["uscc"]
    handlers.add_user(commands.AddUser("org-own", password_of("org-own"), "org", own), platform.registry.uow())
    org = login(client, "org-own")
    before = state(client, registrar, platform, own, other)

    for method, path in [("post", ORGS), ("get", ORGS), ("get", f"{ORGS}/{own}"), ("get", f"{ORGS}/{own}/history"),
                         ("patch", f"{ORGS}/{own}")]:
        kwargs = {"json": {"name": "匿名改名协会"}} if method in ("post", "patch") else {}
        answer = getattr(client, method)(path, **kwargs)
        problem(answer, 401, "unauthorized")
        assert answer.headers["www-authenticate"] == "Bearer"
    problem(client.get(f"{ORGS}/{own}", headers={"Authorization": "Bearer not-a-token"}), 401, "unauthorized")

    problem(client.post(ORGS, json=group("厦门市稽查协会"), headers=inspector), 403, "forbidden")
    problem(client.patch(f"{ORGS}/{own}", json={"name": "厦门市稽查改名协会"}, headers=inspector), 403, "forbidden")
    problem(client.post(ORGS, json=group("厦门市自建协会"), headers=org), 403, "forbidden")
    problem(client.patch(f"{ORGS}/{own}", json={"name": "厦门市自改名协会"}, headers=org), 403, "forbidden")
    problem(client.get(f"{ORGS}/{other}", headers=org), 403, "forbidden")
    problem(client.get(f"{ORGS}/{other}/history", headers=org), 403, "forbidden")
    problem(client.get(ORGS, headers=org), 403, "forbidden")

    mine = client.get(f"{ORGS}/{own}", headers=org)
    assert mine.status_code == 200 and mine.json() == before[own][0]
    assert client.get(f"{ORGS}/{own.lower()}", headers=org).json() == before[own][0]
    history = client.get(f"{ORGS}/{own}/history", headers=org)
    assert history.status_code == 200 and history.json() == before[own][1]
    for who in (registrar, inspector):
        for code in (own, other):
            assert client.get(f"{ORGS}/{code}", headers=who).json() == before[code][0]
            assert client.get(f"{ORGS}/{code}/history", headers=who).json() == before[code][1]

    unknown = uscc_rules.compose("1", "350200", "00099999")
    for who in (registrar, inspector):
        problem(client.get(f"{ORGS}/{unknown}", headers=who), 404, "not-found")
        problem(client.get(f"{ORGS}/{unknown}/history", headers=who), 404, "not-found")
    problem(client.patch(f"{ORGS}/{unknown}", json={"name": "厦门市幽灵协会"}, headers=registrar), 404, "not-found")
    problem(client.post(f"{ORGS}/{unknown}/charity-recognition", headers=registrar), 404, "not-found")
    assert state(client, registrar, platform, own, other) == before


# === change registration ==============================================================================


def test_change_is_recorded_in_history_and_event_masks_personal_data__R2_2_2_SHT_art_12(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """R2.2.2 (SHT art. 12): name, domicile and legal representative changes are recorded (who, when,
    field, old, new) and announced in registry.organization.changed without ID numbers or phones."""
    old_lr, new_lr = person(), person()
    created = register(client, registrar, group("厦门市软件行业协会", legal_representative=old_lr))
    code = created["uscc"]
    # a new legal representative needs a financial audit first (R5.1, SHT art. 27: tests/registry/integration/
    # test_governance_api.py); it is recorded in the history too
    audited = client.post(f"{ORGS}/{code}/audits", json=audit_body("departure"), headers=registrar)
    assert audited.status_code == 201, audited.text
    answer = client.patch(f"{ORGS}/{code}", headers=registrar, json={
        "name": "厦门市软件和信息服务业协会", "domicile": "厦门市湖里区五缘湾1号",
        "legal_representative": new_lr, "expected_version": 1})
    assert answer.status_code == 200, answer.text
    record = answer.json()
    assert record["name"] == "厦门市软件和信息服务业协会" and record["domicile"] == "厦门市湖里区五缘湾1号"
    assert record["legal_representative"] == new_lr and record["version"] == 2
    assert client.get(f"{ORGS}/{code}", headers=registrar).json() == record

    history = client.get(f"{ORGS}/{code}/history", headers=registrar).json()
    changes = {h["field"]: (h["old_value"], h["new_value"]) for h in history if h["action"] == "change"
               and h["field"] != "financial_audit"}
    assert changes == {
        "name": ("厦门市软件行业协会", "厦门市软件和信息服务业协会"),
        "domicile": (created["domicile"], "厦门市湖里区五缘湾1号"),
        "legal_representative.name": (old_lr["name"], new_lr["name"]),
        "legal_representative.id_number": (old_lr["id_number"], new_lr["id_number"]),
        "legal_representative.phone": (old_lr["phone"], new_lr["phone"]),
    }
    for h in history:
        assert h["changed_by"] == "registrar1"
        assert h["changed_at"].startswith("2026-06-01")

    changed = outbox(platform, "registry.organization.changed")
    assert len(changed) == 1 and changed[0]["subject"] == code
    data = changed[0]["event"]["data"]
    assert data["changed_by"] == "registrar1" and data["changed_on"] == TODAY.isoformat()
    by_field = {c["field"]: (c["old"], c["new"]) for c in data["changes"]}
    assert by_field["name"] == ("厦门市软件行业协会", "厦门市软件和信息服务业协会")
    assert by_field["legal_representative.name"] == (old_lr["name"], new_lr["name"])
    assert by_field["legal_representative.id_number"] == ("***", "***")
    assert by_field["legal_representative.phone"] == ("***", "***")
    assert data["organization"]["name"] == "厦门市软件和信息服务业协会"
    for event in outbox(platform):
        raw = event["raw"]
        for p in (old_lr, new_lr):
            assert p["id_number"] not in raw and p["phone"] not in raw, raw


def test_rejected_changes_change_nothing__SHT_art_10_1_R2_2_2(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """A change breaking a rule (SHT art. 10(1), 10(5), 10; JJH art. 8(2)) is 422; a field not changeable for
    the type (R2.2.2) 422; expected_version mismatch 409; an empty change 422; an LR conflict (JJH art. 23)
    409 - and nothing changes."""
    grp = register(client, registrar, group("厦门市软件行业协会"))["uscc"]
    fnd_lr = person()
    fnd = register(client, registrar, foundation("厦门市助学基金会", foundation_kind="non_public",
                                                 registered_funds="2000000", legal_representative=fnd_lr))["uscc"]
    svc = register(client, registrar, service("厦门市康乐养老服务中心"))["uscc"]
    before = state(client, registrar, platform, grp, fnd, svc)

    cases: list[tuple[str, dict[str, Any], int, str, str | None, set[str] | None]] = [
        (grp, {"members": {"individual": 49}}, 422, "invalid-input", "SHT art. 10(1)", {"members"}),
        (grp, {"members": {"individual": 20, "unit": 20}}, 422, "invalid-input", "SHT art. 10(1)", {"members"}),
        (grp, {"registered_funds": "29999.99"}, 422, "invalid-input", "SHT art. 10(5)", {"registered_funds"}),
        (grp, {"name": "中国软件行业协会"}, 422, "invalid-input", "SHT art. 10", {"name"}),
        (grp, {"category": "other"}, 422, "invalid-input", "SHT art. 9", {"supervising_unit"}),
        (svc, {"name": "中华养老服务中心"}, 422, "invalid-input", "MFQ art. 8", {"name"}),
        (fnd, {"foundation_kind": "public"}, 422, "invalid-input", "JJH art. 8(2)", {"registered_funds"}),
        (fnd, {"members": {"individual": 60}}, 422, "invalid-input", "R2.2.2", {"members"}),
        (svc, {"members": {"individual": 60}}, 422, "invalid-input", "R2.2.2", {"members"}),
        (svc, {"foundation_kind": "public"}, 422, "invalid-input", "R2.2.2", {"foundation_kind"}),
        (grp, {"status": "revoked"}, 422, "invalid-input", None, {"status"}),
        (grp, {"uscc": svc}, 422, "invalid-input", None, {"uscc"}),
        (grp, {"name": "厦门市新名协会", "expected_version": 7}, 409, "conflict", "optimistic concurrency", None),
        (grp, {}, 422, "invalid-input", "change.empty", None),
        (grp, {"expected_version": 1}, 422, "invalid-input", "change.empty", None),
        (grp, {"name": "厦门市软件行业协会"}, 422, "invalid-input", "change.empty", None),
        (grp, {"legal_representative": {"id_number": fnd_lr["id_number"]}}, 409, "rule-violation",
         "JJH art. 23", None),
        (fnd, {"legal_representative": {"id_number": before[grp][0]["legal_representative"]["id_number"]},
               "governance": governance_body(fnd_lr["name"])},  # a foundation's chair comes with its board (JJH 20)
         409, "rule-violation", "JJH art. 23", None),
        (grp, {"legal_representative": {"id_number": bad_check_digit(resident_id(4242))}}, 422, "invalid-input", None,
         {"legal_representative.id_number"}),
        (grp, {"registered_funds": "-1"}, 422, "invalid-input", None, {"registered_funds"}),
    ]
    for code, body, status, slug, rule, fields in cases:
        answer = client.patch(f"{ORGS}/{code}", json=body, headers=registrar)
        problem(answer, status, slug, rule=rule, fields=fields)
    assert state(client, registrar, platform, grp, fnd, svc) == before

    # and a valid change still goes through afterwards, bumping the version
    answer = client.patch(f"{ORGS}/{grp}", json={"members": {"unit": 30, "individual": 0}, "expected_version": 1},
                          headers=registrar)
    assert answer.status_code == 200, answer.text
    assert answer.json()["members"] == {"individual": 0, "unit": 30} and answer.json()["version"] == 2


def test_change_to_a_name_already_taken_is_409_naming_the_rule__SHT_art_13_2(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """SHT art. 13(2) / MFQ art. 11(2): renaming to another organization's name is 409 naming the rule."""
    register(client, registrar, group("厦门市甲协会"))
    code = register(client, registrar, group("厦门市乙协会"))["uscc"]
    before = state(client, registrar, platform, code)
    answer = client.patch(f"{ORGS}/{code}", json={"name": "厦门市甲协会"}, headers=registrar)
    assert state(client, registrar, platform, code) == before
    problem(answer, 409, "rule-violation", rule="SHT art. 13(2)")


# === deregistration and revocation ===================================================================


def test_deregistration_and_revocation_close_the_record__R2_3_R2_4(
        client: TestClient, registrar: Headers, approver: Headers, platform: Platform) -> None:
    """R2.3 (SHT arts 19-21; MFQ arts 16-17; JJH art. 18) and R2.4 (SHT art. 30): status changes, the event is
    in the outbox; afterwards change, deregistration, revocation, charity recognition and fundraising are
    409 naming R2.3/R2.4 (SHT art. 33; MFQ art. 28; JJH art. 44) and nothing changes."""
    dereg = register(client, registrar, group("厦门市注销协会"))["uscc"]
    revoked = register(client, registrar, service("厦门市撤销服务中心"))["uscc"]
    before = state(client, registrar, platform, dereg)
    problem(client.post(f"{ORGS}/{dereg}/deregistration", headers=registrar,
                        json={"liquidation_report": "清算报告1号", "liquidation_completed_on": "2026-06-02"}),
            422, "invalid-input", rule="R2.3.1")
    problem(client.post(f"{ORGS}/{dereg}/deregistration", headers=registrar, json={"liquidation_report": "x"}),
            422, "invalid-input", fields={"liquidation_completed_on"})
    assert state(client, registrar, platform, dereg) == before

    answer = client.post(f"{ORGS}/{dereg}/deregistration", headers=registrar,
                         json={"liquidation_report": "清算报告1号", "liquidation_completed_on": "2026-05-20"})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["ended_on"], answer.json()["end_reason"]) == (
        "deregistered", "2026-06-01", "清算报告1号")
    answer = client.post(f"{ORGS}/{revoked}/revocation", headers=registrar,
                         json={"legal_basis": "《民办非企业单位登记管理暂行条例》第二十五条", "decision_number": "厦民罚〔2026〕1号"})
    assert outbox(platform, "registry.organization.revoked") == []  # issue 12: proposed, not in effect
    approved(client, answer, approver)
    record = client.get(f"{ORGS}/{revoked}", headers=registrar).json()
    assert (record["status"], record["ended_on"]) == ("revoked", "2026-06-01")

    [d_event] = outbox(platform, "registry.organization.deregistered")
    assert d_event["subject"] == dereg and d_event["event"]["data"]["deregistered_on"] == "2026-06-01"
    [r_event] = outbox(platform, "registry.organization.revoked")
    assert r_event["subject"] == revoked and r_event["event"]["data"]["decision_number"] == "厦民罚〔2026〕1号"
    history = client.get(f"{ORGS}/{revoked}/history", headers=registrar).json()
    assert history[-1]["action"] == "revocation" and history[-1]["new_value"] == "revoked"
    assert history[-1]["legal_basis"] == "《民办非企业单位登记管理暂行条例》第二十五条"

    closed = state(client, registrar, platform, dereg, revoked)
    for code in (dereg, revoked):
        attempts = [
            ("patch", "", {"name": "厦门市复活协会"}),
            *([("post", "/deregistration", {"liquidation_report": "清算报告2号",
                                            "liquidation_completed_on": "2026-05-01"})] if code == dereg else []),
            ("post", "/revocation", {"legal_basis": "SHT art. 30"}),
            ("post", "/charity-recognition", {}),
            ("post", "/fundraising-qualification", {}),
        ]
        for method, suffix, body in attempts:
            answer = getattr(client, method)(f"{ORGS}/{code}{suffix}", json=body, headers=registrar)
            problem_body = problem(answer, 409, "rule-violation", rule="R2.3/R2.4")
            assert code in problem_body["detail"]
    assert state(client, registrar, platform, dereg, revoked) == closed


def test_a_revoked_organization_completes_deregistration_once__R8_4_3(
        client: TestClient, registrar: Headers, approver: Headers, platform: Platform, clock: FixedClock) -> None:
    """R8.4.3: an organization revoked (撤销登记) still liquidates and completes 注销, which takes it off the
    serious list; the record keeps the revocation date as its end, the history shows revoked -> deregistered,
    the event is published, and a second deregistration is 409 R2.3/R2.4."""
    code = register(client, registrar, service("厦门市先撤后注服务中心"))["uscc"]
    clock.set(date(2026, 9, 1))
    approved(client, client.post(f"{ORGS}/{code}/revocation", headers=registrar, json={
        "legal_basis": "《民办非企业单位登记管理暂行条例》第二十五条", "effective_on": "2026-08-03"}), approver)
    answer = client.post(f"{ORGS}/{code}/deregistration", headers=registrar,
                         json={"liquidation_report": "清算报告9号", "liquidation_completed_on": "2026-08-20"})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["ended_on"], answer.json()["end_reason"]) == (
        "deregistered", "2026-08-03", "清算报告9号")
    history = client.get(f"{ORGS}/{code}/history", headers=registrar).json()
    assert (history[-1]["action"], history[-1]["old_value"], history[-1]["new_value"]) == (
        "deregistration", "revoked", "deregistered")
    [event] = outbox(platform, "registry.organization.deregistered")
    assert event["subject"] == code
    closed = state(client, registrar, platform, code)
    problem(client.post(f"{ORGS}/{code}/deregistration", headers=registrar,
                        json={"liquidation_report": "清算报告10号", "liquidation_completed_on": "2026-08-21"}),
            409, "rule-violation", rule="R2.3/R2.4")
    assert state(client, registrar, platform, code) == closed


def test_revocation_dated_in_the_future_is_refused__R2_4(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """R2.4 (SHT art. 30): a revocation takes effect when decided; a future effective_on is 422 on that field
    and the organization stays active."""
    code = register(client, registrar, group("厦门市未来撤销协会"))["uscc"]
    before = state(client, registrar, platform, code)
    answer = client.post(f"{ORGS}/{code}/revocation", headers=registrar,
                         json={"legal_basis": "《社会团体登记管理条例》第三十条", "effective_on": "2031-01-01"})
    assert state(client, registrar, platform, code) == before
    problem(answer, 422, "invalid-input", fields={"effective_on"})


# === charity recognition and public fundraising =====================================================


def test_charity_recognition_then_fundraising_after_one_year__CSF23_arts_10_22(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    """CSF23 art. 10: recognition sets charity_since = today. CSF23 art. 22: public fundraising is refused
    before one year as a charity (409 naming CSF23 art. 22) and granted once the clock reaches one year."""
    code = register(client, registrar, group("厦门市爱心协会", category="charity"))["uscc"]
    answer = client.post(f"{ORGS}/{code}/fundraising-qualification", headers=registrar)
    problem(answer, 409, "rule-violation", rule="CSF23 art. 22")  # not a charity yet

    answer = client.post(f"{ORGS}/{code}/charity-recognition", headers=registrar, json={"note": "材料齐全"})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["charity"], answer.json()["charity_since"]) == (True, "2026-06-01")
    [event] = outbox(platform, "registry.organization.charity_recognized")
    assert event["event"]["data"] == {"uscc": code, "recognized_on": "2026-06-01", "decided_by": "registrar1",
                                      "applied_on": "2026-06-01", "decide_by": "2026-06-21", "late": False}
    problem(client.post(f"{ORGS}/{code}/charity-recognition", headers=registrar), 409, "rule-violation",
            rule="CSF23 art. 10")

    for today in (date(2026, 6, 2), date(2027, 5, 31)):
        clock.set(today)
        before = state(client, registrar, platform, code)
        body = problem(client.post(f"{ORGS}/{code}/fundraising-qualification", headers=registrar),
                       409, "rule-violation", rule="CSF23 art. 22")
        assert "2026-06-01" in body["detail"]
        assert state(client, registrar, platform, code) == before

    clock.set(date(2027, 6, 1))
    answer = client.post(f"{ORGS}/{code}/fundraising-qualification", headers=registrar)
    assert answer.status_code == 200, answer.text
    assert answer.json()["fundraising_qualified_on"] == "2027-06-01"
    [event] = outbox(platform, "registry.organization.fundraising_qualified")
    assert event["event"]["data"]["qualified_on"] == "2027-06-01"
    history = client.get(f"{ORGS}/{code}/history", headers=registrar).json()
    assert [h["action"] for h in history] == ["registration", "charity_recognition", "fundraising_qualification"]
    assert history[-1]["changed_at"].startswith("2027-06-01")
    problem(client.post(f"{ORGS}/{code}/fundraising-qualification", headers=registrar), 409, "rule-violation",
            rule="CSF23 art. 22")


def test_registered_as_charity_counts_from_registration__CSF23_art_22(
        client: TestClient, registrar: Headers, clock: FixedClock) -> None:
    """CSF23 art. 22 (依法登记满一年): a charity registered as such counts from registration; a migrated
    charity registered in 2020 qualifies at once."""
    new = register(client, registrar, group("厦门市新慈善协会", category="charity", charity=True))
    assert (new["charity"], new["charity_since"]) == (True, "2026-06-01")
    old = register(client, registrar, group("厦门市老慈善协会", category="charity", charity=True,
                                            uscc=uscc_rules.compose("1", "350200", "00020200"),
                                            registered_on="2020-05-01", established_on="2020-01-01"))
    assert old["charity_since"] == "2020-05-01"
    problem(client.post(f"{ORGS}/{new['uscc']}/fundraising-qualification", headers=registrar), 409,
            "rule-violation", rule="CSF23 art. 22")
    answer = client.post(f"{ORGS}/{old['uscc']}/fundraising-qualification", headers=registrar)
    assert answer.status_code == 200 and answer.json()["fundraising_qualified_on"] == "2026-06-01", answer.text


def test_credit_status_event_blocks_charity_recognition__R8_5_4(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    """R8.5.4 / 58号: after a credit.status.changed event puts an organization on the abnormal list, its
    recognition is 409; once it leaves the list, recognition succeeds. An unlisted one is not affected."""
    listed = register(client, registrar, group("厦门市异常协会", category="charity"))["uscc"]
    clean = register(client, registrar, group("厦门市守信协会", category="charity"))["uscc"]
    version = client.get(f"{ORGS}/{listed}", headers=registrar).json()["version"]
    publish(platform, clock, "credit.status.changed", listed,
            {"uscc": listed, "lists": ["abnormal"], "changed_on": "2026-05-30"})
    run_registry_consumer(platform, 1)
    after = client.get(f"{ORGS}/{listed}", headers=registrar).json()
    assert (after["credit_lists"], after["version"]) == (["abnormal"], version + 1)  # a held ETag no longer matches
    assert client.get(f"{ORGS}/{clean}", headers=registrar).json()["credit_lists"] == []
    publish(platform, clock, "credit.status.changed", listed,
            {"uscc": listed, "lists": ["abnormal"], "changed_on": "2026-05-31"})
    run_registry_consumer(platform, 1)
    assert client.get(f"{ORGS}/{listed}", headers=registrar).json()["version"] == version + 1  # the same lists

    before = state(client, registrar, platform, listed)
    problem(client.post(f"{ORGS}/{listed}/charity-recognition", headers=registrar), 409, "rule-violation",
            rule="R8.5.4")
    assert state(client, registrar, platform, listed) == before
    answer = client.post(f"{ORGS}/{clean}/charity-recognition", headers=registrar)
    assert answer.status_code == 200 and answer.json()["charity"] is True, answer.text

    publish(platform, clock, "credit.status.changed", listed, {"uscc": listed, "lists": [], "changed_on": "2026-06-01"})
    run_registry_consumer(platform, 1)
    answer = client.post(f"{ORGS}/{listed}/charity-recognition", headers=registrar)
    assert answer.status_code == 200 and answer.json()["credit_lists"] == [], answer.text


def test_penalty_event_within_two_years_blocks_charity_recognition__R10_1_2(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    """R10.1.2 (慈善组织认定办法, 58号): an administrative penalty (inspection.penalty.imposed) within the 2
    years before applying refuses recognition (409); a penalty older than 2 years does not."""
    recent = register(client, registrar, group("厦门市受罚协会", category="charity"))["uscc"]
    old = register(client, registrar, group("厦门市旧罚协会", category="charity"))["uscc"]
    for penalty_id, code, on in (("P-2025-1", recent, "2024-06-01"), ("P-2024-1", old, "2024-05-31")):
        publish(platform, clock, "inspection.penalty.imposed", code, {
            "uscc": code, "penalty_id": penalty_id, "kind": "warning", "legal_basis": "《社会团体登记管理条例》第三十条",
            "effective_on": on})
    run_registry_consumer(platform, 2)

    before = state(client, registrar, platform, recent)
    body = problem(client.post(f"{ORGS}/{recent}/charity-recognition", headers=registrar), 409, "rule-violation",
                   rule="R10.1.2")
    assert "2024-06-01" in body["detail"]
    assert state(client, registrar, platform, recent) == before
    answer = client.post(f"{ORGS}/{old}/charity-recognition", headers=registrar)
    assert answer.status_code == 200 and answer.json()["charity"] is True, answer.text


# === the public USCC checker ==========================================================================


def test_uscc_checker_is_public_and_names_the_failing_position__GB32100_s3_2(client: TestClient) -> None:
    """GET /registry/uscc/{code} needs no login. GB 32100 §3.2 R3.2.4: 91350100M000100Y43 is valid; a wrong
    position 18 is valid=false naming position 18 and the expected character."""
    synthetic = uscc_rules.compose("3", "350200", "00000777")
    answer = client.get(f"/registry/uscc/{synthetic}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["valid"] is True and answer.json()["failures"] == []
    assert (answer.json()["department"], answer.json()["category"], answer.json()["region"]) == ("民政", "基金会", "厦门市")

    answer = client.get("/registry/uscc/91350100M000100Y43")
    assert answer.status_code == 200 and answer.json()["valid"] is True, answer.text

    answer = client.get("/registry/uscc/91350100M000100Y44")
    body = answer.json()
    assert answer.status_code == 200 and body["valid"] is False, body
    assert [f["position"] for f in body["failures"]] == ["18"]
    assert body["check_18_expected"] == "3" and "position 18" in body["failures"][0]["message"]
    assert "should be 3" in body["failures"][0]["message"]

    broken17 = synthetic[:16] + ("0" if synthetic[16] != "0" else "1") + synthetic[17]
    body = client.get(f"/registry/uscc/{broken17}").json()
    assert body["valid"] is False and "17" in [f["position"] for f in body["failures"]]


# === bad input ====================================================================================


def test_bad_registration_input_is_4xx_problem_and_changes_nothing__api_errors(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """quality.md "Bad input": wrong types, missing and unknown fields, control characters, negative funds,
    a future establishment date, a bad ID check digit, non-JSON - each 4xx problem details, nothing stored."""
    register(client, registrar, group("厦门市已有协会"))
    before = state(client, registrar, platform)

    def without(key: str) -> dict[str, Any]:
        body = group(f"厦门市缺{key}协会")
        body.pop(key)
        return body

    lr_extra = person()
    lr_extra["email"] = "a@b.c"
    bad_id = person()
    bad_id["id_number"] = bad_check_digit(bad_id["id_number"])
    cases: list[tuple[str, Any, set[str]]] = [
        ("name not a string", group(12345), {"name"}),
        ("members not an object", group("厦门市类型协会", members="many"), {"members"}),
        ("members negative", group("厦门市负会员协会", members={"individual": -50, "unit": 0}), {"members.individual"}),
        ("funds not a number", group("厦门市类型协会", registered_funds="三万元"), {"registered_funds"}),
        ("funds negative", group("厦门市负资金协会", registered_funds="-30000"), {"registered_funds"}),
        ("funds 3 decimals", group("厦门市厘协会", registered_funds="30000.001"), {"registered_funds"}),
        ("funds absurd", group("厦门市巨款协会", registered_funds="1e30"), {"registered_funds"}),
        ("date not a date", group("厦门市类型协会", established_on="yesterday"), {"established_on"}),
        ("date before 1949-10-01", group("厦门市古代协会", established_on="1900-01-01"), {"established_on"}),
        ("charity not a bool", group("厦门市类型协会", charity="maybe"), {"charity"}),
        ("unknown type", group("厦门市类型协会", type="company"), {"type"}),
        ("unknown level", group("厦门市类型协会", level="province"), {"level"}),
        ("district not 6 digits", group("厦门市类型协会", district="35020"), {"district"}),
        ("district letters", group("厦门市类型协会", district="abcdef"), {"district"}),
        ("unknown field", group("厦门市多字段协会", status="revoked"), {"status"}),
        ("unknown nested field", group("厦门市多字段协会", legal_representative=lr_extra),
         {"legal_representative.email"}),
        ("members on a social service", service("厦门市会员服务中心", members={"individual": 50, "unit": 0}), {"body"}),
        ("no members on a social group", without("members"), {"body"}),
        ("registered_on without uscc", group("厦门市迁入协会", registered_on="2010-01-01"), {"body"}),
        ("bad ID check digit", group("厦门市错号协会", legal_representative=bad_id),
         {"legal_representative.id_number"}),
        ("bad phone", group("厦门市错话协会", legal_representative={**person(), "phone": "call me"}),
         {"legal_representative.phone"}),
        ("NUL in name", group("厦门市\x00协会"), {"name"}),
        ("ESC in name", group("厦门市\x1b[31m协会"), {"name"}),
        ("DEL in domicile", group("厦门市控制协会", domicile="思明区\x7f1号"), {"domicile"}),
        ("NUL in LR name", group("厦门市控制协会", legal_representative={**person(), "name": "张\x00三"}),
         {"legal_representative.name"}),
        ("name too short", group("协"), {"name"}),
        ("name too long", group("厦" * 101), {"name"}),
        ("blank name", group("   "), {"name"}),
        ("a JSON array", [group("厦门市数组协会")], {"body"}),
        ("null body", None, {"body"}),
    ]
    for key in ("name", "type", "category", "level", "district", "domicile", "legal_representative",
                "registered_funds", "business_scope", "established_on"):
        cases.append((f"missing {key}", without(key), {key}))
    for label, body, fields in cases:
        answer = client.post(ORGS, json=body, headers=registrar)
        assert answer.status_code == 422, (label, answer.text)
        problem(answer, 422, "invalid-input", fields=fields)

    answer = client.post(ORGS, content=b"{not json", headers={**registrar, "Content-Type": "application/json"})
    problem(answer, 422, "invalid-input")
    answer = client.post(ORGS, json=group("厦门市未来协会", established_on="2026-06-02"), headers=registrar)
    problem(answer, 422, "invalid-input", rule="established_on.not_future")
    assert state(client, registrar, platform) == before


def test_ten_megabyte_string_is_413__api_errors(client: TestClient, registrar: Headers, platform: Platform) -> None:
    """api.md: payloads over the limit get 413 (problem details); nothing is stored."""
    before = state(client, registrar, platform)
    for body in (group("厦门市" + "长" * (10 * 1024 * 1024) + "协会"),
                 group("厦门市长范围协会", business_scope="x" * (10 * 1024 * 1024))):
        problem(client.post(ORGS, json=body, headers=registrar), 413, "payload-too-large")
    code = register(client, registrar, group("厦门市正常协会"))["uscc"]
    answer = client.patch(f"{ORGS}/{code}", json={"domicile": "d" * (10 * 1024 * 1024)}, headers=registrar)
    problem(answer, 413, "payload-too-large")
    assert org_count(client, registrar) == before["count"] + 1
    assert client.get(f"{ORGS}/{code}", headers=registrar).json()["version"] == 1


def test_streamed_ten_megabyte_body_is_413__api_errors(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """api.md: a body over the limit gets 413 also when streamed (chunked, no Content-Length)."""
    before = state(client, registrar, platform)
    chunks = iter([b'{"name": "' + b"x" * (1024 * 1024)] + [b"x" * (1024 * 1024)] * 9)
    answer = client.post(ORGS, content=chunks, headers={**registrar, "Content-Type": "application/json"})
    assert answer.status_code < 500, answer.text
    assert state(client, registrar, platform) == before
    problem(answer, 413, "payload-too-large")


HOSTILE = [
    "厦门市'); DROP TABLE organizations; --协会",
    "厦门市\" OR \"1\"=\"1 协会",
    "厦门市 ' OR 1=1 -- 协会",
    "厦门市<script>alert(1)</script>协会",
    "厦门市<img src=x onerror=alert(1)>协会",
    "厦门市{{7*7}}${7*7}协会",
    "厦门市%00%27协会",
    "厦门市\\x00\\u0000协会",
]


def test_hostile_strings_are_stored_verbatim_or_refused_never_500__api_errors(
        client: TestClient, registrar: Headers, inspector: Headers, platform: Platform) -> None:
    """quality.md "Bad input": SQL-like and script-like text is data: accepted and stored verbatim, or a 4xx
    problem - never a 5xx - and the register still answers afterwards."""
    accepted = 0
    for n, name in enumerate(HOSTILE):
        body = group(name, domicile=f"{name}路{n}号", business_scope=f"{name} 业务")
        answer = client.post(ORGS, json=body, headers=registrar)
        assert answer.status_code < 500, answer.text
        if answer.status_code == 201:
            accepted += 1
            record = client.get(answer.headers["location"], headers=inspector).json()
            assert (record["name"], record["domicile"], record["business_scope"]) == (
                name, f"{name}路{n}号", f"{name} 业务")
        else:
            problem(answer, answer.status_code, "invalid-input")
    assert org_count(client, registrar) == accepted
    for params in ({"district": "350200' OR '1'='1"}, {"status": "active; DROP TABLE organizations"},
                   {"type": "<script>"}):
        problem(client.get(ORGS, params=params, headers=registrar), 422, "invalid-input", fields=set(params))
    problem(client.get(f"{ORGS}/' OR 1=1 --", headers=registrar), 404, "not-found")
    assert org_count(client, registrar) == accepted


def test_future_establishment_date_names_the_field__api_errors(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """api.md Errors: a 422 for a future established_on lists the field at fault."""
    before = state(client, registrar, platform)
    answer = client.post(ORGS, json=group("厦门市未来协会", established_on="2027-01-01"), headers=registrar)
    assert state(client, registrar, platform) == before
    problem(answer, 422, "invalid-input", fields={"established_on"})


def test_migrated_registration_date_in_the_future_is_refused__api_errors(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """quality.md "Bad input": a register of record cannot hold a registration made in the future."""
    before = state(client, registrar, platform)
    answer = client.post(ORGS, headers=registrar, json=group(
        "厦门市未来迁入协会", uscc=uscc_rules.compose("1", "350200", "00030303"), registered_on="2030-01-01"))
    assert state(client, registrar, platform) == before
    problem(answer, 422, "invalid-input", fields={"registered_on"})


def test_line_breaks_and_tabs_inside_a_name_are_refused__api_errors(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """quality.md "Bad input": control characters in a name are 422 on field `name`."""
    before = state(client, registrar, platform)
    for n, name in enumerate(("厦门市\n软件协会", "厦门市\r\n书法协会", "厦门市\t动漫协会")):
        answer = client.post(ORGS, json=group(f"{name}{n}"), headers=registrar)
        assert answer.status_code == 422, answer.text
        problem(answer, 422, "invalid-input", fields={"name"})
    assert state(client, registrar, platform) == before


# === listing =====================================================================================


def test_list_pagination_and_filters_for_registrar_and_inspector__api_registry(
        client: TestClient, registrar: Headers, inspector: Headers) -> None:
    """GET /registry/organizations: stable pages ordered by USCC, totals, filters by type, level, district
    and status; absurd page sizes and filter values are 422 problems."""
    made = [
        register(client, registrar, group("厦门市甲协会"))["uscc"],
        register(client, registrar, group("厦门市乙协会"))["uscc"],
        register(client, registrar, group("厦门市思明区丙协会", level="district", district="350203"))["uscc"],
        register(client, registrar, service("厦门市湖里区丁服务中心", level="district", district="350206"))["uscc"],
        register(client, registrar, foundation("厦门市戊基金会"))["uscc"],
    ]
    answer = client.post(f"{ORGS}/{made[1]}/deregistration", headers=registrar,
                         json={"liquidation_report": "清算报告", "liquidation_completed_on": "2026-05-01"})
    assert answer.status_code == 200, answer.text

    for who in (registrar, inspector):
        pages = [client.get(ORGS, params={"page": p, "size": 2}, headers=who).json() for p in (1, 2, 3, 4)]
        assert [(pg["total"], pg["page"], pg["size"], len(pg["items"])) for pg in pages] == [
            (5, 1, 2, 2), (5, 2, 2, 2), (5, 3, 2, 1), (5, 4, 2, 0)]
        listed = [item["uscc"] for pg in pages for item in pg["items"]]
        assert listed == sorted(made)

    def usccs(**params: Any) -> set[str]:
        answer = client.get(ORGS, params={**params, "size": 500}, headers=inspector)
        assert answer.status_code == 200, answer.text
        assert answer.json()["total"] == len(answer.json()["items"])
        return {item["uscc"] for item in answer.json()["items"]}

    assert usccs(type="social_group") == set(made[:3])
    assert usccs(type="foundation") == {made[4]}
    assert usccs(level="district") == {made[2], made[3]}
    assert usccs(district="350206") == {made[3]}
    assert usccs(district="350213") == set()
    assert usccs(status="deregistered") == {made[1]}
    assert usccs(status="active", level="city") == {made[0], made[4]}
    assert usccs(type="social_group", status="active", level="city") == {made[0]}

    for params, field in [({"size": 0}, "size"), ({"size": -1}, "size"), ({"size": 501}, "size"),
                          ({"size": 10**9}, "size"), ({"size": 10**30}, "size"), ({"size": "all"}, "size"),
                          ({"page": 0}, "page"), ({"page": -5}, "page"), ({"page": 10**12}, "page"),
                          ({"page": "1.5"}, "page"), ({"status": "dissolved"}, "status"),
                          ({"level": "province"}, "level"), ({"district": "3502"}, "district")]:
        problem(client.get(ORGS, params=params, headers=registrar), 422, "invalid-input", fields={field})
    assert client.get(ORGS, params={"size": 500}, headers=registrar).json()["total"] == 5
