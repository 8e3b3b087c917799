"""Foundation governance (R2.1.4, JJH arts 20-24) and the financial audit before a 换届 or a change of
legal representative (R5.1: SHT art. 27, MFQ art. 22, JJH art. 37), through HTTP on SQLite and on
PostgreSQL. Every refusal names its fields and article, and leaves the record, its history, its board,
its audits and the outbox as they were."""
from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from shared.clock import FixedClock
from socreg.app import Platform
from tests.fixtures.platform import TODAY, login
from tests.registry.governance_bodies import audit_body, governance_body
from tests.registry.integration.test_registry_api import (ORGS, Headers, foundation, group, org_count, outbox, person,
                                                          problem, register, service)
from tests.registry.reports.support import org_token


def snapshot(client: TestClient, registrar: Headers, platform: Platform, uscc: str) -> dict[str, Any]:
    """Everything a refused request must leave alone."""
    parts = {"record": "", "history": "/history", "governance": "/governance", "audits": "/audits"}
    snap: dict[str, Any] = {"outbox": len(outbox(platform)), "count": org_count(client, registrar)}
    for key, tail in parts.items():
        answer = client.get(f"{ORGS}/{uscc}{tail}", headers=registrar)
        assert answer.status_code == 200, answer.text
        snap[key] = answer.json()
    return snap


def named(answer: Any) -> set[tuple[str, str]]:
    """The (field, rule) pairs of a 422."""
    body = problem(answer, 422, "invalid-input")
    return {(e["field"], e["rule"]) for e in body["errors"]}


def patched(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `body` with the value at a dotted path (list indexes as numbers) replaced."""
    out = copy.deepcopy(body)
    *head, last = path.split(".")
    target: Any = out
    for key in head:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return out


# === registration ============================================================================================


def test_a_foundation_registration_is_refused_for_each_governance_rule__JJH_arts_20_24(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    lr = person()
    valid = foundation("厦门市助学基金会", legal_representative=lr)
    gov = valid["governance"]
    paid = {"name": "理事3号", "role": "director", "paid": True, "full_time": True}
    cases: list[tuple[dict[str, Any], tuple[str, str]]] = [
        (patched(valid, "governance.board", gov["board"][:4]), ("governance.board", "JJH art. 20")),
        (patched(valid, "governance.term_years", 6), ("governance.term_years", "JJH art. 20")),
        (patched(patched(valid, "governance.board.3.relatives_group", "王家"), "governance.board.4.relatives_group",
                 "王家"), ("governance.board", "JJH art. 20")),
        (patched(patched(patched(valid, "governance.board.3", paid), "governance.board.4", {**paid, "name": "理事4号"}),
                 "governance.board.5", {**paid, "name": "理事5号"}), ("governance.board", "JJH art. 20")),
        (patched(valid, "governance.board.3.paid", True), ("governance.board.3.paid", "JJH art. 23")),
        (patched(valid, "governance.board.0.name", "别人"), ("governance.board", "JJH art. 20")),
        (patched(valid, "governance.board.2.role", "director"), ("governance.board", "JJH art. 20")),
        (patched(valid, "governance.meetings_per_year", 1), ("governance.meetings_per_year", "JJH art. 21")),
        (patched(valid, "governance.meeting_quorum", "1/2"), ("governance.meeting_quorum", "JJH art. 21")),
        (patched(valid, "governance.election", {"directors_present": 4, "votes_for": 4}),
         ("governance.election.directors_present", "JJH art. 21")),
        (patched(valid, "governance.board.1.state_functionary", True),
         ("governance.board.1.state_functionary", "JJH art. 23")),
        (patched(patched(valid, "governance.board.0.residency", "foreign"), "governance.board.0.months_in_mainland", 6),
         ("governance.board.0.residency", "JJH art. 23")),
        (patched(valid, "governance.board.1.residency", "hk_macao_taiwan"),
         ("governance.board.1.months_in_mainland", "JJH art. 24")),
        (patched(valid, "governance.supervisors", []), ("governance.supervisors", "JJH art. 22")),
        (patched(valid, "governance.supervisors.0.name", "理事4号"), ("governance.supervisors.0.name", "JJH art. 22")),
        (patched(valid, "governance.supervisors.0.paid", True), ("governance.supervisors.0.paid", "JJH art. 23")),
        (patched(valid, "governance", None), ("governance", "JJH art. 20")),  # a new foundation shows its board
        (group("厦门市软件行业协会", governance=gov), ("governance", "JJH arts 20-24")),  # foundations only
    ]
    before = (org_count(client, registrar), len(outbox(platform)))
    for body, expected in cases:
        assert expected in named(client.post(ORGS, json=body, headers=registrar)), expected
    assert (org_count(client, registrar), len(outbox(platform))) == before

    created = register(client, registrar, valid)
    on_file = client.get(f"{ORGS}/{created['uscc']}/governance", headers=registrar).json()
    assert on_file["governance"]["board"][0] == {
        "name": lr["name"], "role": "chair", "paid": False, "full_time": False, "residency": "mainland",
        "months_in_mainland": None, "state_functionary": False, "relatives_group": None}
    assert on_file["governance"]["meeting_quorum"] == "2/3" and len(on_file["governance"]["board"]) == 7
    assert (on_file["term_started_on"], on_file["term_ends_on"]) == (TODAY.isoformat(), "2031-06-01")
    # a private-asset non-public foundation may seat near relatives up to a third of its board (JJH art. 20)
    kin = patched(patched(governance_body("陈家长", n=6, private_assets=True), "board.3.relatives_group", "陈家"),
                  "board.4.relatives_group", "陈家")
    register(client, registrar, foundation("厦门市陈氏助学基金会", foundation_kind="non_public", registered_funds="2000000",
                                           legal_representative={**person(), "name": "陈家长"}, governance=kin))
    # social groups and services register as before, without governance
    register(client, registrar, group("厦门市动漫行业协会"))
    register(client, registrar, service("厦门市康乐养老服务中心"))


# === 换届 and a new legal representative: a foundation ================================================================


def test_a_general_election_without_an_audit_is_refused_and_with_one_accepted__JJH_art_37(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    old_lr, new_lr, third = person(), person(), person()
    uscc = register(client, registrar, foundation("厦门市助学基金会", legal_representative=old_lr))["uscc"]
    election = {"general_election": True, "legal_representative": new_lr,
                "governance": governance_body(new_lr["name"], n=9)}
    before = snapshot(client, registrar, platform, uscc)

    problem(client.patch(f"{ORGS}/{uscc}", json=election, headers=registrar), 409, "rule-violation",
            rule="JJH art. 37")
    assert ("governance", "JJH art. 20") in named(client.patch(f"{ORGS}/{uscc}", json={"general_election": True},
                                                               headers=registrar))
    audit = client.post(f"{ORGS}/{uscc}/audits", json=audit_body("departure", 1), headers=registrar)
    assert audit.status_code == 201, audit.text
    before = snapshot(client, registrar, platform, uscc)
    # a 离任审计 is not the 换届审计 a 换届 needs; a meeting without a 2/3 vote elects nobody (JJH art. 21)
    problem(client.patch(f"{ORGS}/{uscc}", json=election, headers=registrar), 409, "rule-violation",
            rule="JJH art. 37")
    assert client.post(f"{ORGS}/{uscc}/audits", json=audit_body("general_election", 2),
                       headers=registrar).status_code == 201
    before = snapshot(client, registrar, platform, uscc)
    short = patched(election, "governance.election", {"directors_present": 9, "votes_for": 5})
    assert ("governance.election.votes_for", "JJH art. 21") in named(
        client.patch(f"{ORGS}/{uscc}", json=short, headers=registrar))
    assert snapshot(client, registrar, platform, uscc) == before

    done = client.patch(f"{ORGS}/{uscc}", json=election, headers=registrar)
    assert done.status_code == 200, done.text
    assert done.json()["legal_representative"]["name"] == new_lr["name"]
    on_file = client.get(f"{ORGS}/{uscc}/governance", headers=registrar).json()
    assert len(on_file["governance"]["board"]) == 9 and on_file["term_started_on"] == TODAY.isoformat()
    used = {a["kind"]: (a["used_on"], a["used_for"]) for a in
            client.get(f"{ORGS}/{uscc}/audits", headers=registrar).json()["items"]}
    assert used == {"general_election": (TODAY.isoformat(), "general_election"), "departure": (None, None)}
    fields = {h["field"]: h for h in client.get(f"{ORGS}/{uscc}/history", headers=registrar).json()}
    assert fields["general_election"]["new_value"] == TODAY.isoformat()
    assert "JJH art. 37" in fields["financial_audit"]["legal_basis"] and "第002号" in fields["financial_audit"]["new_value"]
    [event] = [e for e in outbox(platform, "registry.organization.changed")]
    assert {"general_election", "governance", "legal_representative.name"} <= {
        c["field"] for c in event["event"]["data"]["changes"]}

    # the 换届审计 served that 换届: another 换届 needs another audit
    again = {"general_election": True, "governance": governance_body(new_lr["name"], n=9, term_years=4)}
    problem(client.patch(f"{ORGS}/{uscc}", json=again, headers=registrar), 409, "rule-violation", rule="JJH art. 37")
    # a new chair alone (mid-term) uses the 离任审计, with the board that elected them
    chair = {"legal_representative": third, "governance": governance_body(third["name"], n=9)}
    assert client.patch(f"{ORGS}/{uscc}", json=chair, headers=registrar).status_code == 200
    assert client.get(f"{ORGS}/{uscc}/governance", headers=registrar).json()["term_started_on"] == TODAY.isoformat()


def test_a_foundations_board_is_checked_at_every_change__JJH_arts_20_23(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """A change of kind or board that would break JJH arts 20-24 is 422; a director replaced mid-term needs
    no audit and keeps the term; a new chair's name must come with the board (理事长是法定代表人)."""
    lr = person()
    abroad = patched(patched(governance_body(lr["name"], fund_from_mainland=False), "board.0.residency", "foreign"),
                     "board.0.months_in_mainland", 4)
    uscc = register(client, registrar, foundation("厦门市海外联谊基金会", foundation_kind="non_public",
                                                  legal_representative=lr, governance=abroad))["uscc"]
    before = snapshot(client, registrar, platform, uscc)
    # public foundations are represented by a mainland resident (JJH art. 23)
    assert ("governance.board.0.residency", "JJH art. 23") in named(
        client.patch(f"{ORGS}/{uscc}", json={"foundation_kind": "public"}, headers=registrar))
    assert ("governance.board.3.paid", "JJH art. 23") in named(client.patch(
        f"{ORGS}/{uscc}", json={"governance": patched(abroad, "board.3.paid", True)}, headers=registrar))
    assert ("governance.board", "JJH art. 20") in named(client.patch(
        f"{ORGS}/{uscc}", json={"legal_representative": {"name": "改名者"}}, headers=registrar))
    assert snapshot(client, registrar, platform, uscc) == before

    replaced = patched(abroad, "board.6.name", "新理事")
    done = client.patch(f"{ORGS}/{uscc}", json={"governance": replaced}, headers=registrar)
    assert done.status_code == 200, done.text
    on_file = client.get(f"{ORGS}/{uscc}/governance", headers=registrar).json()
    assert on_file["governance"]["board"][6]["name"] == "新理事" and on_file["term_started_on"] == TODAY.isoformat()
    assert client.get(f"{ORGS}/{uscc}/audits", headers=registrar).json()["items"] == []
    problem(client.patch(f"{ORGS}/{uscc}", json={"governance": replaced}, headers=registrar), 422, "invalid-input",
            rule="change.empty")


# === 换届 and a new legal representative: social groups and social services ============================================


def test_a_social_groups_general_election_or_new_legal_representative_needs_a_recent_audit__SHT_art_27(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    uscc = register(client, registrar, group("厦门市软件行业协会"))["uscc"]
    before = snapshot(client, registrar, platform, uscc)
    for body in ({"general_election": True}, {"legal_representative": person()}):
        problem(client.patch(f"{ORGS}/{uscc}", json=body, headers=registrar), 409, "rule-violation",
                rule="SHT art. 27")
    assert ("governance", "JJH arts 20-24") in named(client.patch(
        f"{ORGS}/{uscc}", json={"general_election": True, "governance": governance_body("某某")}, headers=registrar))
    assert snapshot(client, registrar, platform, uscc) == before

    assert client.post(f"{ORGS}/{uscc}/audits", json=audit_body(), headers=registrar).status_code == 201
    clock.set(TODAY + timedelta(days=181))  # SOCREG_GOVERNANCE_AUDIT_WINDOW_DAYS (180): too old now
    registrar = login(client, "registrar1")
    problem(client.patch(f"{ORGS}/{uscc}", json={"general_election": True}, headers=registrar), 409,
            "rule-violation", rule="SHT art. 27")
    clock.set(TODAY + timedelta(days=180))
    registrar = login(client, "registrar1")
    done = client.patch(f"{ORGS}/{uscc}", json={"general_election": True}, headers=registrar)
    assert done.status_code == 200, done.text
    history = client.get(f"{ORGS}/{uscc}/history", headers=registrar).json()  # the same people re-elected
    assert [h["field"] for h in history if h["action"] == "change"] == ["financial_audit", "general_election"]


def test_a_social_services_new_legal_representative_needs_an_audit_its_general_election_none__MFQ_art_22(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    uscc = register(client, registrar, service("厦门市康乐养老服务中心"))["uscc"]
    assert client.patch(f"{ORGS}/{uscc}", json={"general_election": True}, headers=registrar).status_code == 200
    before = snapshot(client, registrar, platform, uscc)
    new_lr = person()
    problem(client.patch(f"{ORGS}/{uscc}", json={"legal_representative": new_lr}, headers=registrar), 409,
            "rule-violation", rule="MFQ art. 22")
    assert snapshot(client, registrar, platform, uscc) == before
    # a new phone is no new person: no audit
    assert client.patch(f"{ORGS}/{uscc}", json={"legal_representative": {"phone": "13900000001"}},
                        headers=registrar).status_code == 200
    assert client.post(f"{ORGS}/{uscc}/audits", json=audit_body("departure"), headers=registrar).status_code == 201
    assert client.patch(f"{ORGS}/{uscc}", json={"legal_representative": new_lr}, headers=registrar).status_code == 200


# === recording audits ==============================================================================================


def test_audits_are_recorded_by_the_registrar_once_and_dated_within_the_organizations_life__R5_1(
        client: TestClient, registrar: Headers, inspector: Headers, platform: Platform) -> None:
    uscc = register(client, registrar, group("厦门市软件行业协会"))["uscc"]
    other = register(client, registrar, group("厦门市动漫行业协会"))["uscc"]
    audits = f"{ORGS}/{uscc}/audits"
    problem(client.post(audits, json=audit_body(), headers=inspector), 403, "forbidden")
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert {"issued_on"} <= {f for f, _ in named(client.post(audits, json=audit_body(issued_on=tomorrow),
                                                             headers=registrar))}
    assert {"issued_on"} <= {f for f, _ in named(client.post(audits, json=audit_body(issued_on="2026-05-31"),
                                                             headers=registrar))}  # before the registration
    assert {"kind"} <= {f for f, _ in named(client.post(audits, json=audit_body(kind="annual"), headers=registrar))}
    assert client.post(audits, json=audit_body(), headers=registrar).status_code == 201
    problem(client.post(audits, json=audit_body(), headers=registrar), 409, "conflict", rule="R5.1")
    problem(client.post(f"{ORGS}/51350200MJ0000000X/audits", json=audit_body(), headers=registrar), 404, "not-found")

    own = client.get(audits, headers=org_token(uscc))
    assert own.status_code == 200 and own.json()["window_days"] == 180 and len(own.json()["items"]) == 1
    problem(client.get(f"{ORGS}/{other}/audits", headers=org_token(uscc)), 403, "forbidden")
    problem(client.get(f"{ORGS}/{other}/governance", headers=org_token(uscc)), 403, "forbidden")
    history = client.get(f"{ORGS}/{uscc}/history", headers=registrar).json()
    assert [h["action"] for h in history] == ["registration", "financial_audit"]
