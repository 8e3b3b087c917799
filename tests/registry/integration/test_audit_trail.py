"""Issue 12, part 4 (audit trail) through HTTP on both databases: every write, every read of personal data
and every sign-in lands in the registry's audit log with actor and request id; lists mask ID numbers and
phones (a staff account no longer pulls them all with a few list calls); only `auditor` reads the log;
`socreg audit verify` names a record edited by SQL."""
from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from shared import audit
from shared.audit import audit_log
from socreg.app import Platform
from tests.fixtures.platform import TEST_SECRET, login
from tests.registry.factories import id_number, registration_body
from tests.registry.governance_bodies import audit_body

ORGS = "/registry/organizations"
Headers = dict[str, str]


def records(platform: Platform, **where: Any) -> list[dict[str, Any]]:
    query = select(audit_log).order_by(audit_log.c.seq)
    for column, value in where.items():
        query = query.where(audit_log.c[column] == value)
    with platform.registry.db.read_session() as session:
        return [dict(r) for r in session.execute(query).mappings()]


def register(client: TestClient, registrar: Headers, n: int, **headers: str) -> dict[str, Any]:
    answer = client.post(ORGS, json=registration_body(n), headers={**registrar, **headers})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_write_is_recorded_with_actor_request_id_target_and_digests(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    answer = client.post(ORGS, json=registration_body(1), headers={**registrar, "X-Request-ID": "req-register-1"})
    assert answer.status_code == 201 and answer.headers["x-request-id"] == "req-register-1"
    uscc = answer.json()["uscc"]
    [made] = records(platform, request_id="req-register-1")
    assert (made["actor"], made["role"], made["action"]) == ("registrar1", "registrar", "POST /registry/organizations")
    assert (made["target_type"], made["target_id"], made["uscc"]) == ("organization", uscc, uscc)
    assert made["client_address"] == "testclient" and made["before_digest"] is None and made["after_digest"]
    assert made["detail"]["events"] == ["registry.organization.registered"]

    changed = client.patch(f"{ORGS}/{uscc.lower()}", json={"domicile": "厦门市湖里区1号"}, headers=registrar)
    assert changed.status_code == 200, changed.text
    [patch] = records(platform, request_id=changed.headers["x-request-id"])
    assert (patch["action"], patch["target_type"], patch["target_id"]) == (
        "PATCH /registry/organizations/{uscc}", "organizations", uscc)
    assert patch["before_digest"] and patch["after_digest"] and patch["before_digest"] != patch["after_digest"]
    assert f"update organizations {uscc}" in patch["detail"]["rows"]
    assert audit.verify(platform.registry.db.read_engine) is None


def test_a_refused_write_leaves_no_record_and_a_bad_request_id_is_replaced(
        client: TestClient, registrar: Headers, inspector: Headers, platform: Platform) -> None:
    refused = client.post(ORGS, json=registration_body(2), headers={**inspector, "X-Request-ID": "bad id <script>"})
    assert refused.status_code == 403
    assert re.fullmatch(r"[0-9a-f]{32}", refused.headers["x-request-id"])
    assert records(platform, request_id=refused.headers["x-request-id"]) == []


def test_a_registrars_read_of_one_organization_records_whose_personal_data(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    uscc = register(client, registrar, 3)["uscc"]
    answer = client.get(f"{ORGS}/{uscc}", headers={**registrar, "X-Request-ID": "req-read-3"})
    assert answer.status_code == 200 and answer.json()["legal_representative"]["id_number"] == id_number(3)
    [read] = records(platform, request_id="req-read-3")
    assert (read["actor"], read["role"], read["action"], read["target_id"], read["uscc"]) == (
        "registrar1", "registrar", "read personal data", uscc, uscc)
    assert read["detail"] == {"fields": ["legal_representative.id_number", "legal_representative.phone"],
                              "via": "GET /registry/organizations/{uscc}"}


def test_staff_cannot_pull_every_id_number_and_phone_from_the_list(
        client: TestClient, registrar: Headers, inspector: Headers, platform: Platform) -> None:
    """The bypass: 15 list calls gave every legal representative's ID number and phone, unrecorded."""
    for n in range(4, 7):
        register(client, registrar, n)
    reads_before = len(records(platform, action="read personal data"))
    listed = client.get(ORGS, params={"size": 500}, headers=inspector).json()["items"]
    assert len(listed) == 3
    for item in listed:
        lr = item["legal_representative"]
        assert re.fullmatch(r"\d{6}\*{8}[\dX]{4}", lr["id_number"]), lr
        assert lr["phone"] == "138****0000"
    assert not any(id_number(n) in str(listed) for n in range(4, 7))
    assert len(records(platform, action="read personal data")) == reads_before


def test_history_showing_a_changed_id_number_is_recorded_and_pages_mask_it(
        client: TestClient, registrar: Headers, inspector: Headers, platform: Platform) -> None:
    uscc = register(client, registrar, 7)["uscc"]
    new_lr = {"name": "李四", "id_number": id_number(70), "phone": "13912345678"}
    audited = client.post(f"{ORGS}/{uscc}/audits", json=audit_body("departure"), headers=registrar)  # R5.1 first
    assert audited.status_code == 201, audited.text
    assert client.patch(f"{ORGS}/{uscc}", json={"legal_representative": new_lr}, headers=registrar).status_code == 200
    history = client.get(f"{ORGS}/{uscc}/history", headers={**inspector, "X-Request-ID": "req-history-7"})
    assert id_number(70) in history.text
    [read] = records(platform, request_id="req-history-7")
    assert (read["actor"], read["action"]) == ("inspector1", "read personal data")
    assert read["detail"]["fields"] == ["history:legal_representative.id_number", "history:legal_representative.phone"]

    client.cookies.set("socreg_session", registrar["Authorization"].split()[1])
    page = client.get(f"/registry/web/organizations/{uscc}")
    assert page.status_code == 200 and "李四" in page.text
    for secret in (id_number(7), id_number(70), "13912345678", "13800000000"):
        assert secret not in page.text


def test_sign_in_success_and_failure_are_recorded_with_the_name_tried(
        client: TestClient, platform: Platform) -> None:
    failed = client.post("/auth/token", data={"username": "registrar1", "password": "not-the-password-at-all"},
                         headers={"X-Request-ID": "req-signin-bad"})
    assert failed.status_code == 401
    unknown = client.post("/auth/token", data={"username": "nobody-here", "password": "whatever-password-1"})
    assert unknown.status_code == 401
    login(client, "registrar1")
    [bad] = records(platform, request_id="req-signin-bad")
    assert (bad["actor"], bad["action"], bad["client_address"], bad["detail"]) == (
        "registrar1", "sign in failure", "testclient", {"outcome": "failure", "reason": "auth.wrong_credentials"})
    assert records(platform, actor="nobody-here")[0]["action"] == "sign in failure"
    good = records(platform, action="sign in success")
    assert [(r["actor"], r["role"]) for r in good][-1] == ("registrar1", "registrar")


def test_only_the_auditor_reads_the_audit_trail(client: TestClient, registrar: Headers, platform: Platform) -> None:
    uscc = register(client, registrar, 8)["uscc"]
    client.get(f"{ORGS}/{uscc}", headers=registrar)
    for user in ("registrar1", "inspector1", "admin1", "approver1"):
        answer = client.get("/registry/audit", headers=login(client, user))
        assert answer.status_code == 403, (user, answer.text)
    assert client.get("/registry/audit").status_code == 401

    auditor = login(client, "auditor1")
    found = client.get("/registry/audit", params={"actor": "registrar1", "target": uscc.lower(), "size": 1},
                       headers=auditor).json()
    assert [i["action"] for i in found["items"]] == ["read personal data"]
    older = client.get("/registry/audit", params={"actor": "registrar1", "target": uscc, "size": 1,
                                                  "before": found["next_before"]}, headers=auditor).json()
    assert [i["action"] for i in older["items"]] == ["POST /registry/organizations"] and older["next_before"] is None
    assert client.get("/registry/audit", params={"action": "personal", "from": "2000-01-01", "to": "2000-12-31"},
                      headers=auditor).json()["items"] == []
    assert client.get("/registry/audit", params={"from": "2026-02-01", "to": "2026-01-01"},
                      headers=auditor).status_code == 422

    client.cookies.set("socreg_session", registrar["Authorization"].split()[1])
    assert client.get("/registry/web/audit").status_code == 403
    client.cookies.set("socreg_session", auditor["Authorization"].split()[1])
    page = client.get("/registry/web/audit", params={"target": uscc})
    assert page.status_code == 200 and "read personal data" in page.text and "registrar1" in page.text


def test_socreg_audit_verify_names_a_record_edited_by_sql(
        client: TestClient, registrar: Headers, platform: Platform, tmp_path: Any, database_url: str) -> None:
    from socreg.cli import app

    for n in range(9, 12):
        register(client, registrar, n)
    env = {"SOCREG_SECRET_KEY": TEST_SECRET, "SOCREG_REGISTRY_DATABASE_URL": database_url}
    runner = CliRunner()
    intact = runner.invoke(app, ["audit", "verify", "--data-dir", str(tmp_path)], env=env)
    assert intact.exit_code == 0, intact.output
    assert re.search(r"registry: intact, \d+ records", intact.output)

    target = records(platform)[2]["seq"]
    with platform.registry.db.write_engine.begin() as conn:
        audit.remove_append_only(conn)  # an attacker with database access
        conn.execute(update(audit_log).where(audit_log.c.seq == target).values(actor="someone-else"))
    broken = runner.invoke(app, ["audit", "verify", "--data-dir", str(tmp_path)], env=env)
    assert broken.exit_code == 1, broken.output
    assert f"registry: BROKEN at record {target}: its fields do not match its hash" in broken.output
