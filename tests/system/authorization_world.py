"""The world of the authorization matrix (tests/system/test_authorization_matrix.py): the embedded platform,
all three services on SQLite with a fixed clock, seeded through the services' HTTP API only (accounts
through the registry's own handler, as `socreg user add` makes them): organizations A and B with their own
`org` accounts, annual reports, cases, drawn tasks, rectifications, credit entries, applications, a pool
member per inspector account, and an open sanction proposal of every kind, so that every path parameter of
every write operation names an EXISTING resource.

A cell that consumes what it acts on (an approval decides its proposal, a sign-out ends its session, a
deregistration closes its organization) gets a resource of its own, made here beforehand (`World.fresh`);
every other cell finds the shared resources in the state in which authorization is what decides."""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from services.inspection.entrypoints.consumers import build_consumers as inspection_consumers
from services.registry.domain import commands
from services.registry.service_layer import handlers
from shared import auth
from shared.clock import FixedClock
from socreg.app import Platform, build_platform, create_app
from tests.fixtures.accounts import password_of
from tests.fixtures.inspection import synthetic_uscc
from tests.fixtures.platform import make_settings
from tests.registry.factories import registration_body
from tests.registry.reports.support import report_body

ROLES = ("registrar", "inspector", "approver", "auditor", "admin", "org")
PRINCIPALS = ("anonymous", *ROLES)
KINDS = ("penalty", "list_inclusion", "list_removal", "application_approval")  # inspection proposals
TODAY = date(2026, 6, 1)  # a Monday
STAFF_ACCOUNTS = {"registrar": "registrar1", "inspector": "inspector1", "approver": "approver1",
                  "auditor": "auditor1", "admin": "admin1"}
ITEMS = ["annual_report", "information_disclosure", "internal_governance", "financial_status", "business_activities"]
BASIS = "《社会团体登记管理条例》第三十条"
Headers = dict[str, str]
_serial = itertools.count(1)


@dataclass
class Org:
    """One organization's resources (A: the `org` token's own; B: another organization's)."""

    key: str
    uscc: str
    account: str
    case_id: int = 0
    task_id: str = ""
    rectification_id: str = ""
    entry_id: str = ""
    application_id: str = ""  # submitted, awaiting a decision
    proposals: dict[str, str] = field(default_factory=dict)  # kind (or "revocation") -> an open proposal


@dataclass
class World:
    client: TestClient
    platform: Platform
    tokens: dict[str, Headers]  # principal -> its bearer header ("anonymous": none)
    orgs: dict[str, Org] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)  # own (inspector1's), teammate, undrawn -> pool id
    tasks: dict[str, str] = field(default_factory=dict)  # notice, result, publication, substitution -> task id
    plan_id: str = ""
    draw_id: str = ""
    bystander: str = ""  # an organization in no task: conflicts and the fresh penalties and inclusions name it
    decided: dict[str, str] = field(default_factory=dict)  # service -> an approved proposal
    certificate: tuple[str, str] = ("", "")  # a rated organization's USCC and its rating certificate's number
    fresh: dict[tuple[str, str | None, str], dict[str, Any]] = field(default_factory=dict)

    def headers(self, principal: str) -> Headers:
        return dict(self.tokens[principal])


def ok(answer: Any, *statuses: int) -> Any:
    assert answer.status_code in statuses, f"seeding: {answer.request.method} {answer.request.url} -> " \
                                           f"{answer.status_code} {answer.text}"
    return answer.json() if answer.content else None


# ------------------------------------------------------------------------------------------ the world


@dataclass
class _Seed:
    client: TestClient
    platform: Platform

    def sign_in(self, username: str) -> Headers:
        answer = self.client.post("/auth/token", data={"username": username, "password": password_of(username)})
        return {"Authorization": f"Bearer {ok(answer, 200)['access_token']}"}

    def account(self, username: str, role: str, uscc: str | None = None) -> Headers:
        handlers.add_user(commands.AddUser(username, password_of(username), role, uscc), self.platform.registry.uow())
        return self.sign_in(username)

    def deliver(self) -> None:
        """What the workers do continuously: the registry's events reach the inspection directory."""
        self.platform.registry.relay.drain()
        for runner in inspection_consumers(self.platform.inspection):
            while runner.run_once(timeout=0.05):
                pass
            runner.close()


def build_world(data_dir: Path) -> Iterator[World]:
    """The seeded world (a generator: the platform closes after it). Accounts hash their passwords with
    cheap argon2 parameters here (a hash names its parameters, so sign-in verifies it alike): the matrix signs
    in some forty times and tests who may act, not the cost of a guess (tests/auth/ does)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield from _world(data_dir)


def _world(data_dir: Path) -> Iterator[World]:
    platform = build_platform(make_settings(data_dir, f"sqlite:///{data_dir / 'registry.db'}"),
                              clock=FixedClock(TODAY))
    with TestClient(create_app(platform, run_workers=False), raise_server_exceptions=False) as client:
        seed = _Seed(client, platform)
        tokens: dict[str, Headers] = {"anonymous": {}}
        for role, username in STAFF_ACCOUNTS.items():
            tokens[role] = seed.account(username, role)
        world = World(client, platform, tokens)
        _pool_and_tasks(seed, world, _organizations(seed, world))
        _credit(seed, world)
        _sanctions(seed, world)
        _rated(seed, world)
        _accounts_for_cells(seed, world)
        yield world


def _register(seed: _Seed, registrar: Headers, district: bool = False) -> str:
    """An organization migrated in (registered in 2020), so that its 2025 annual report is due."""
    n = next(_serial)
    division = "350203" if district else "350200"
    body = registration_body(900 + n, name=f"厦门市授权矩阵{n}号行业协会", level="district" if district else "city",
                             district=division, established_on="2019-12-01", registered_on="2020-01-15",
                             uscc=synthetic_uscc(5000 + n, "social_group", division))
    return str(ok(seed.client.post("/registry/organizations", json=body, headers=registrar), 201)["uscc"])


def _organizations(seed: _Seed, w: World) -> dict[str, str]:
    """A and B, and the organizations of the tasks the cells act on (purpose -> USCC)."""
    registrar = w.tokens["registrar"]
    for key in ("A", "B"):
        uscc = _register(seed, registrar, district=True)
        account = f"org-{key.lower()}"
        w.orgs[key] = Org(key, uscc, account)
        w.tokens[f"org:{key}"] = seed.account(account, "org", uscc)
        reports = f"/registry/organizations/{uscc}/annual-reports/2025"
        ok(seed.client.put(reports, json={}, headers=w.tokens[f"org:{key}"]), 200, 201)  # a draft
        case = ok(seed.client.post(f"/registry/organizations/{uscc}/investigations", headers=registrar, json={
            "opened_on": "2026-05-04", "authority": "厦门市公安局", "case_number": f"厦公立〔2026〕{key}号",
            "legal_basis": "《社会团体登记管理条例》"}), 201)
        w.orgs[key].case_id = case["id"]
    w.tokens["org"] = w.tokens["org:A"]
    targets = {purpose: _register(seed, registrar, district=True)
               for purpose in ("notice", "result", "publication", "substitution")}
    w.bystander = _register(seed, registrar)
    seed.deliver()
    return targets


def _pool_and_tasks(seed: _Seed, w: World, targets: dict[str, str]) -> None:
    """inspector1 and inspector2 form the pool of a draw of every district-level organization (two
    inspectors per task: both on every team); inspector3 joins the pool after it, drawn for nothing."""
    c, admin, inspector = seed.client, w.tokens["admin"], w.tokens["inspector"]

    def member(username: str) -> str:
        body = {"name": f"检查员{username[-1]}", "department": "厦门市民政局社会组织管理处", "username": username}
        return str(ok(c.post("/inspection/inspectors", json=body, headers=admin), 201)["id"])

    w.members = {"own": member("inspector1"), "teammate": member("inspector2")}
    plan = ok(c.post("/inspection/plans", headers=inspector, json={
        "year": 2026, "kind": "unscheduled", "title": "授权矩阵专项抽查", "scope": {"levels": ["district"]},
        "count": 6, "inspectors_per_task": 2, "reason": "测试：区级社会组织专项"}), 201)
    w.plan_id = plan["id"]
    w.draw_id = ok(c.post(f"/inspection/plans/{w.plan_id}/draws", json={}, headers=inspector), 201)["id"]
    tasks = ok(c.get("/inspection/tasks", params={"draw_id": w.draw_id, "size": 50}, headers=inspector), 200)
    by_uscc = {t["uscc"]: t["id"] for t in tasks["items"]}
    assert len(by_uscc) == 6, tasks
    notice = {"method": "document", "requirements": "章程、财务会计报告"}
    rectify = {"outcome": "rectification", "rectification": {"deadline": "2026-07-31"},
               "findings": [{"item": i, "compliant": i != "financial_status", "problem": "账目不清"
                             if i == "financial_status" else None} for i in ITEMS]}
    compliant = {"outcome": "compliant", "findings": [{"item": i, "compliant": True} for i in ITEMS]}
    for org in w.orgs.values():
        org.task_id = by_uscc[org.uscc]
        ok(c.post(f"/inspection/tasks/{org.task_id}/notice", json=notice, headers=inspector), 200)
        done = ok(c.post(f"/inspection/tasks/{org.task_id}/result", json=rectify, headers=inspector), 200)
        org.rectification_id = done["rectification_id"]
    w.tasks = {purpose: by_uscc[uscc] for purpose, uscc in targets.items()}
    ok(c.post(f"/inspection/tasks/{w.tasks['result']}/notice", json=notice, headers=inspector), 200)
    ok(c.post(f"/inspection/tasks/{w.tasks['publication']}/notice", json=notice, headers=inspector), 200)
    ok(c.post(f"/inspection/tasks/{w.tasks['publication']}/result", json=compliant, headers=inspector), 200)
    # the teammate cannot act on the substitution task (回避 declared after the draw): a teammate or an admin
    # may ask for the draw's next pick
    substitution_uscc = ok(c.get(f"/inspection/tasks/{w.tasks['substitution']}", headers=inspector), 200)["uscc"]
    ok(c.post(f"/inspection/inspectors/{w.members['teammate']}/conflicts", headers=admin,
              json={"uscc": substitution_uscc, "kind": "relative"}), 201)
    # a redraw consumes its draw: the allowed cell redraws a draw of its own
    other = ok(c.post("/inspection/plans", headers=inspector, json={
        "year": 2026, "kind": "unscheduled", "title": "授权矩阵重抽", "scope": {"levels": ["city"]}, "count": 1,
        "reason": "测试：重新抽取"}), 201)
    redraw = ok(c.post(f"/inspection/plans/{other['id']}/draws", json={}, headers=inspector), 201)["id"]
    w.fresh[("POST /inspection/draws/{draw_id}/redraws", None, "inspector")] = {"draw_id": redraw}
    w.members["undrawn"] = member("inspector3")
    w.tokens["inspector:undrawn"] = seed.account("inspector3", "inspector")


def _approve(seed: _Seed, w: World, service: str, proposal: str) -> str:
    ok(seed.client.post(f"/{service}/sanctions/{proposal}/approval", json={}, headers=w.tokens["approver"]), 200)
    return proposal


def _approved_entry(seed: _Seed, w: World, uscc: str) -> str:
    """A manual abnormal-list entry (trigger uncontactable: removable on application), proposed and approved."""
    proposal = _approve(seed, w, "inspection", _propose_inclusion(seed, w, uscc, "uncontactable"))
    decided = ok(seed.client.get(f"/inspection/sanctions/{proposal}", headers=w.tokens["approver"]), 200)
    return str(decided["result_id"])


def _propose_inclusion(seed: _Seed, w: World, uscc: str, trigger: str = "other_abnormal") -> str:
    body = {"uscc": uscc, "trigger": trigger, "legal_basis": "《社会组织信用信息管理办法》第十条", "reason": "测试：列入"}
    answer = seed.client.post("/inspection/credit-lists/abnormal/entries", json=body, headers=w.tokens["inspector"])
    return str(ok(answer, 202)["id"])


def _propose_penalty(seed: _Seed, w: World, uscc: str) -> str:
    body = {"uscc": uscc, "kind": "warning", "legal_basis": BASIS, "effective_on": TODAY.isoformat(),
            "facts": "测试：未按规定报送材料"}
    return str(ok(seed.client.post("/inspection/penalties", json=body, headers=w.tokens["inspector"]), 202)["id"])


def _propose_removal(seed: _Seed, w: World, entry_id: str) -> str:
    answer = seed.client.post(f"/inspection/credit-lists/abnormal/entries/{entry_id}/removal",
                              json={"reason": "已恢复联系", "legal_basis": "《社会组织信用信息管理办法》第十三条"},
                              headers=w.tokens["inspector"])
    return str(ok(answer, 202)["id"])


def _apply(seed: _Seed, uscc: str, entry_id: str, token: Headers) -> list[str]:
    """The organization's removal application and objection on its abnormal-list entry: two applications."""
    base = f"/inspection/credit/organizations/{uscc}"
    removal = ok(seed.client.post(f"{base}/removal-applications", headers=token,
                                  json={"list": "abnormal", "statement": "已恢复通过住所联系"}), 201)
    objection = ok(seed.client.post(f"{base}/objections", headers=token,
                                    json={"entry_id": entry_id, "statement": "列入有误"}), 201)
    return [removal["id"], objection["id"]]


def _propose_application(seed: _Seed, w: World, application_id: str, by: str = "inspector") -> str:
    answer = seed.client.post(f"/inspection/credit/applications/{application_id}/decision", headers=w.tokens[by],
                              json={"decision": "approve", "reason": "核实无误"})
    return str(ok(answer, 202)["id"])


def _credit(seed: _Seed, w: World) -> None:
    """Entries for A and B with their applications; spare applications for the cells that decide one."""
    registrar = w.tokens["registrar"]
    spares: list[str] = []
    for n in range(3):
        uscc = _register(seed, registrar)
        seed.deliver()
        token = seed.account(f"org-k{n}", "org", uscc)
        spares += _apply(seed, uscc, _approved_entry(seed, w, uscc), token)
    for key, org in w.orgs.items():
        org.entry_id = _approved_entry(seed, w, org.uscc)
        org.application_id, objection = _apply(seed, org.uscc, org.entry_id, w.tokens[f"org:{key}"])
        org.proposals = {"penalty": _propose_penalty(seed, w, org.uscc),
                         "list_inclusion": _propose_inclusion(seed, w, org.uscc, "no_party_organization"),
                         "list_removal": _propose_removal(seed, w, org.entry_id),
                         "application_approval": _propose_application(seed, w, objection)}
    removable = _approved_entry(seed, w, w.bystander)
    decide = "POST /inspection/credit/applications/{application_id}/decision"
    for role in ("inspector", "registrar"):
        w.fresh[(decide, None, role)] = {"application_id": spares.pop()}
    fresh_proposals: dict[str, Callable[[], str]] = {
        "penalty": lambda: _propose_penalty(seed, w, w.bystander),
        "list_inclusion": lambda: _propose_inclusion(seed, w, w.bystander),
        "list_removal": lambda: _propose_removal(seed, w, removable),
        "application_approval": lambda: _propose_application(seed, w, spares.pop())}
    sanctions = "POST /inspection/sanctions/{proposal_id}/"
    for kind, propose in fresh_proposals.items():
        for step, role in (("approval", "approver"), ("rejection", "approver"), ("withdrawal", "inspector")):
            w.fresh[(sanctions + step, kind, role)] = {"proposal_id": propose()}
    w.fresh[(sanctions + "withdrawal", "application_approval", "registrar")] = {
        "proposal_id": _propose_application(seed, w, spares.pop(), by="registrar")}
    w.fresh[("POST /inspection/web/sanctions/{proposal_id}/decision", None, "approver")] = {
        "proposal_id": _propose_penalty(seed, w, w.bystander)}  # the approvers' page
    w.decided["inspection"] = _approve(seed, w, "inspection", _propose_penalty(seed, w, w.bystander))


def _propose_revocation(seed: _Seed, w: World, uscc: str) -> str:
    answer = seed.client.post(f"/registry/organizations/{uscc}/revocation", headers=w.tokens["registrar"],
                              json={"legal_basis": BASIS, "decision_number": "厦民撤字〔2026〕1号"})
    return str(ok(answer, 202)["id"])


def _sanctions(seed: _Seed, w: World) -> None:
    """Open revocation proposals (one per organization at a time): A's and B's, and one per consuming cell."""
    registrar = w.tokens["registrar"]
    for org in w.orgs.values():
        org.proposals["revocation"] = _propose_revocation(seed, w, org.uscc)
    decisions = [(f"POST /registry/sanctions/{{proposal_id}}/{step}", role) for step, role in
                 (("approval", "approver"), ("rejection", "approver"), ("withdrawal", "registrar"))]
    for op, role in [*decisions, ("POST /registry/web/sanctions/{proposal_id}/decision", "approver")]:
        w.fresh[(op, None, role)] = {"proposal_id": _propose_revocation(seed, w, _register(seed, registrar))}
    w.decided["registry"] = _approve(seed, w, "registry", _propose_revocation(seed, w, _register(seed, registrar)))
    for act in ("revocation", "deregistration"):  # the organization's own: one open revocation at a time
        w.fresh[(f"POST /registry/organizations/{{uscc}}/{act}", None, "registrar")] = {
            "uscc": _register(seed, registrar)}
    seed.deliver()


def _rated(seed: _Seed, w: World) -> None:
    """An organization rated 3A (its reports of the last two years accepted): a numbered certificate (R9.1)."""
    registrar = w.tokens["registrar"]
    uscc = _register(seed, registrar)
    token = seed.account("org-rated", "org", uscc)
    for year in (2024, 2025):
        reports = f"/registry/organizations/{uscc}/annual-reports/{year}"
        ok(seed.client.post(f"{reports}/submit", json=report_body(), headers=token), 200)
        ok(seed.client.post(f"{reports}/review", json={"decision": "accept"}, headers=registrar), 200)
    ok(seed.client.post(f"/registry/organizations/{uscc}/ratings", headers=registrar, json={
        "grade": "3A", "score": 760, "awarded_on": TODAY.isoformat(), "evaluating_body": "厦门市社会组织评估委员会"}), 201)
    issued = ok(seed.client.get(f"/registry/organizations/{uscc}/rating-certificates", headers=registrar), 200)
    w.certificate = (uscc, issued["items"][0]["number"])


def _accounts_for_cells(seed: _Seed, w: World) -> None:
    """A sign-out ends its session: each role signs out a session of its own. Enrolling a second factor
    changes the account: each role enrols an account of its own. Signing in uses an account of its own.
    A second registrar, who proposed nothing."""
    w.tokens["registrar:other"] = seed.account("registrar2", "registrar")
    for role in ROLES:
        username = STAFF_ACCOUNTS.get(role, "org-a")
        w.fresh[("POST /auth/logout", None, role)] = {"headers": seed.sign_in(username)}
        uscc = w.orgs["A"].uscc if role == "org" else None
        w.fresh[("POST /auth/totp", None, role)] = {"headers": seed.account(f"totp-{role}", role, uscc)}
    handlers.add_user(commands.AddUser("signin-probe", password_of("signin-probe"), "auditor"),
                      seed.platform.registry.uow())
