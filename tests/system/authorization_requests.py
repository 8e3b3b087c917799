"""The request of every write operation in the authorization matrix (tests/system/test_authorization_matrix.py):
its path parameters, naming existing resources of the world (authorization_world.py), and a schema-valid body,
so that each cell tests authorization, not validation."""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from shared.webui.session import SESSION_COOKIE, csrf_token
from tests.fixtures.accounts import password_of
from tests.registry.factories import registration_body
from tests.system.authorization_world import BASIS, ITEMS, TODAY, Org, World

_serial = itertools.count(1)
NO_BODY = object()


@dataclass(frozen=True)
class Call:
    """A request of one operation: its path parameters and a schema-valid body (JSON, a form, or none)."""

    params: dict[str, Any]
    json: Any = NO_BODY
    form: dict[str, str] | None = None


Builder = Callable[[World, Org, "str | None"], Call]


def _task(w: World, o: Org, purpose: str) -> str:
    """A's calls act on the task kept for that purpose; B's on B's own task."""
    return o.task_id if o.key != "A" else w.tasks[purpose]


def _certificate(w: World) -> dict[str, str]:
    """The rated organization's certificate (never A's: for `org`, always another organization's)."""
    uscc, number = w.certificate
    return {"uscc": uscc, "number": number}


def _registration(_: World, __: Org, ___: str | None) -> Call:
    n = next(_serial)
    return Call({}, registration_body(700 + n, name=f"厦门市授权矩阵新设{n}号行业协会"))


_ORG = "/registry/organizations/{uscc}"
_REPORT = _ORG + "/annual-reports/{year}"
_SANCTION = "/inspection/sanctions/{proposal_id}"
_CERTIFICATE = _ORG + "/rating-certificates/{number}"
_FINDINGS = [{"item": i, "compliant": True} for i in ITEMS]

REQUESTS: dict[str, Builder] = {
    "POST /auth/token": lambda w, o, v: Call({}, form={"username": "signin-probe",
                                                       "password": password_of("signin-probe")}),
    "POST /auth/logout": lambda w, o, v: Call({}),
    "POST /auth/totp": lambda w, o, v: Call({}),
    "POST /auth/accounts/{username}/unlock": lambda w, o, v: Call({"username": "registrar1"}),
    "POST /registry/organizations": _registration,
    "PATCH " + _ORG: lambda w, o, v: Call({"uscc": o.uscc}, {"domicile": "厦门市思明区授权路1号"}),
    "PUT " + _REPORT: lambda w, o, v: Call({"uscc": o.uscc, "year": 2025}, {}),
    "POST " + _REPORT + "/submit": lambda w, o, v: Call({"uscc": o.uscc, "year": 2025}),
    "POST " + _REPORT + "/review": lambda w, o, v: Call({"uscc": o.uscc, "year": 2025},
                                                        {"decision": "return", "reasons": ["测试：退回补正"]}),
    "POST " + _REPORT + "/unlock": lambda w, o, v: Call({"uscc": o.uscc, "year": 2025}, {"reason": "测试：解锁"}),
    "POST " + _ORG + "/charity-recognition": lambda w, o, v: Call({"uscc": o.uscc}),
    "POST " + _ORG + "/fundraising-qualification": lambda w, o, v: Call({"uscc": o.uscc}),
    "POST " + _ORG + "/deregistration": lambda w, o, v: Call({"uscc": o.uscc}, {
        "liquidation_report": "清算报告〔2026〕1号", "liquidation_completed_on": "2026-05-20"}),
    "POST " + _ORG + "/investigations": lambda w, o, v: Call({"uscc": o.uscc}, {
        "opened_on": "2026-05-11", "authority": "厦门市公安局", "case_number": f"厦公立〔2026〕{next(_serial)}号",
        "legal_basis": "《社会团体登记管理条例》"}),
    "POST " + _ORG + "/investigations/{case_id}/closure": lambda w, o, v: Call(
        {"uscc": o.uscc, "case_id": o.case_id}, {"closed_on": "2026-05-29", "outcome": "测试：结案"}),
    "POST " + _ORG + "/ratings": lambda w, o, v: Call({"uscc": o.uscc}, {
        "grade": "3A", "score": 750, "awarded_on": "2026-05-20", "evaluating_body": "厦门市社会组织评估委员会"}),
    "POST " + _ORG + "/audits": lambda w, o, v: Call({"uscc": o.uscc}, {
        "kind": "departure", "firm": "厦门某某会计师事务所", "report_number": f"厦审字〔2026〕{next(_serial)}号",
        "issued_on": "2026-05-10"}),
    "POST " + _CERTIFICATE + "/return": lambda w, o, v: Call(_certificate(w), {}),
    "POST " + _CERTIFICATE + "/voiding": lambda w, o, v: Call(_certificate(w), {"notice": "测试：公告作废"}),
    "POST " + _ORG + "/revocation": lambda w, o, v: Call({"uscc": o.uscc}, {"legal_basis": BASIS}),
    "POST /registry/sanctions/{proposal_id}/approval": lambda w, o, v: Call(
        {"proposal_id": o.proposals["revocation"]}, {}),
    "POST /registry/sanctions/{proposal_id}/rejection": lambda w, o, v: Call(
        {"proposal_id": o.proposals["revocation"]}, {"reason": "测试：证据不足"}),
    "POST /registry/sanctions/{proposal_id}/withdrawal": lambda w, o, v: Call(
        {"proposal_id": o.proposals["revocation"]}, {}),
    "POST /inspection/inspectors": lambda w, o, v: Call({}, {"name": f"新检查员{next(_serial)}",
                                                             "department": "厦门市民政局社会组织管理处"}),
    "PATCH /inspection/inspectors/{inspector_id}": lambda w, o, v: Call({"inspector_id": w.members["own"]},
                                                                        {"department": "稽查科"}),
    "POST /inspection/inspectors/{inspector_id}/conflicts": lambda w, o, v: Call(
        {"inspector_id": w.members["own"]}, {"uscc": w.bystander, "kind": "declared", "note": "测试：申报"}),
    "POST /inspection/plans": lambda w, o, v: Call({}, {"year": 2026, "kind": "unscheduled", "title": "测试计划",
                                                        "count": 1, "reason": "测试：专项"}),
    "POST /inspection/plans/{plan_id}/draws": lambda w, o, v: Call({"plan_id": w.plan_id}, {}),
    "PUT /inspection/draws/{draw_id}/public-random": lambda w, o, v: Call({"draw_id": w.draw_id},
                                                                          {"value": "01 02 03 04 05 06"}),
    "POST /inspection/draws/{draw_id}/redraws": lambda w, o, v: Call({"draw_id": w.draw_id},
                                                                     {"reason": "测试：重新抽取"}),
    "POST /inspection/tasks/{task_id}/notice": lambda w, o, v: Call(
        {"task_id": _task(w, o, "notice")}, {"method": "document", "requirements": "章程"}),
    "POST /inspection/tasks/{task_id}/result": lambda w, o, v: Call(
        {"task_id": _task(w, o, "result")}, {"outcome": "compliant", "findings": _FINDINGS}),
    "POST /inspection/tasks/{task_id}/publication": lambda w, o, v: Call({"task_id": _task(w, o, "publication")}),
    "POST /inspection/tasks/{task_id}/substitutions": lambda w, o, v: Call(
        {"task_id": _task(w, o, "substitution")}, {"inspector_id": w.members["teammate"], "reason": "回避"}),
    "POST /inspection/rectifications/{rectification_id}/response": lambda w, o, v: Call(
        {"rectification_id": o.rectification_id}, {"report": "测试：已整改"}),
    "POST /inspection/rectifications/{rectification_id}/review": lambda w, o, v: Call(
        {"rectification_id": o.rectification_id}, {"decision": "accept"}),
    "POST /inspection/penalties": lambda w, o, v: Call({}, {
        "uscc": o.uscc, "kind": v, "legal_basis": BASIS, "effective_on": TODAY.isoformat(), "facts": "测试：违规"}),
    "POST /inspection/credit-lists/{list}/entries": lambda w, o, v: Call({"list": "abnormal"}, {
        "uscc": o.uscc, "trigger": "other_abnormal", "legal_basis": "《社会组织信用信息管理办法》", "reason": "测试"}),
    "POST /inspection/credit-lists/{list}/entries/{entry_id}/removal": lambda w, o, v: Call(
        {"list": "abnormal", "entry_id": o.entry_id}, {"reason": "测试：移出", "legal_basis": "《社会组织信用信息管理办法》"}),
    "POST /inspection/credit/organizations/{uscc}/removal-applications": lambda w, o, v: Call(
        {"uscc": o.uscc}, {"list": "abnormal", "statement": "测试：已改正"}),
    "POST /inspection/credit/organizations/{uscc}/objections": lambda w, o, v: Call(
        {"uscc": o.uscc}, {"entry_id": o.entry_id, "statement": "测试：有误"}),
    "POST /inspection/credit/applications/{application_id}/decision": lambda w, o, v: Call(
        {"application_id": o.application_id}, {"decision": "approve", "reason": "测试：核实"}),
    "POST " + _SANCTION + "/approval": lambda w, o, v: Call({"proposal_id": o.proposals[str(v)]}, {}),
    "POST " + _SANCTION + "/rejection": lambda w, o, v: Call({"proposal_id": o.proposals[str(v)]},
                                                             {"reason": "测试：不予批准"}),
    "POST " + _SANCTION + "/withdrawal": lambda w, o, v: Call({"proposal_id": o.proposals[str(v)]}, {}),
}


def send(w: World, op: str, principal: str, *, org: str = "A", variant: str | None = None,
         params: dict[str, Any] | None = None) -> Any:
    """Send operation `op` as `principal` (with its own resource where the cell has one, `World.fresh`),
    acting on organization `org`'s resources (`params` replace path parameters); the answer."""
    call = REQUESTS[op](w, w.orgs[org], variant)
    own = dict(w.fresh.get((op, variant, principal), {})) if org == "A" else {}
    headers = own.pop("headers", None) or w.headers(principal)
    method, template = op.split(" ", 1)
    path = template.format(**{**call.params, **own, **(params or {})})
    kwargs: dict[str, Any] = {"headers": headers}
    w.client.cookies.clear()  # bearer tokens only: no page session rides along
    if call.form is not None:
        kwargs["data"] = call.form
    elif call.json is not NO_BODY:
        kwargs["json"] = call.json
    return w.client.request(method, path, **kwargs)


# ------------------------------------------------------------------------------------------ the page forms
# Forms of the pages (not in the OpenAPI): each page checks the role first, then the form's CSRF token, then
# the fields. A cell sends the session cookie and a valid CSRF token with the fewest fields that reach the
# decision (the page answers a form error with the form again: authorization has let it through).

_SANCTION_PAGE = {"decision": "approve", "reason": "测试：同意"}
PAGE_REQUESTS: dict[str, Callable[[World], tuple[dict[str, Any], dict[str, str]]]] = {
    "POST /auth/login": lambda w: ({}, {"username": "signin-probe", "password": password_of("signin-probe")}),
    "POST /registry/web/my/reports/{year}": lambda w: ({"year": 2025}, {}),
    "POST /registry/web/organizations/{uscc}/reports/{year}": lambda w: ({"uscc": w.orgs["A"].uscc, "year": 2025},
                                                                         {}),
    "POST /registry/web/organizations/{uscc}/reports/{year}/unlock": lambda w: (
        {"uscc": w.orgs["A"].uscc, "year": 2025}, {}),
    "POST /registry/web/sanctions/{proposal_id}/decision": lambda w: (
        {"proposal_id": w.orgs["A"].proposals["revocation"]}, _SANCTION_PAGE),
    "POST /registry/web/dormancy/{uscc}/revocation": lambda w: ({"uscc": w.orgs["A"].uscc}, {}),
    "POST /inspection/web/plans/{plan_id}/draws": lambda w: ({"plan_id": w.plan_id}, {}),
    "POST /inspection/web/tasks/{task_id}/notice": lambda w: ({"task_id": w.tasks["notice"]}, {}),
    "POST /inspection/web/tasks/{task_id}/result": lambda w: ({"task_id": w.tasks["result"]}, {}),
    "POST /inspection/web/rectifications/{rectification_id}/review": lambda w: (
        {"rectification_id": w.orgs["A"].rectification_id}, {}),
    "POST /inspection/web/notices/{rectification_id}/response": lambda w: (
        {"rectification_id": w.orgs["A"].rectification_id}, {}),
    "POST /inspection/web/credit/applications": lambda w: ({}, {}),
    "POST /inspection/web/credit-lists/{list_name}/entries": lambda w: ({"list_name": "abnormal"}, {}),
    "POST /inspection/web/credit/entries/{entry_id}/removal": lambda w: ({"entry_id": w.orgs["A"].entry_id}, {}),
    "POST /inspection/web/credit/applications/{application_id}/decision": lambda w: (
        {"application_id": w.orgs["A"].application_id}, {}),
    "POST /inspection/web/sanctions/{proposal_id}/decision": lambda w: (
        {"proposal_id": w.orgs["A"].proposals["penalty"]}, _SANCTION_PAGE),
}


def _csrf(w: World, session: str | None) -> str:
    """The CSRF token the pages put in their forms for this session cookie (shared.webui.session)."""
    cookie = [(b"cookie", f"{SESSION_COOKIE}={session}".encode())] if session else []
    return csrf_token(Request({"type": "http", "headers": cookie, "app": w.client.app}))


def _login_form_token(w: World) -> str:
    page = w.client.get("/auth/login")  # sets the pre-session nonce cookie the token is checked against
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert found, "the login form carries no CSRF token"
    return found.group(1)


def send_form(w: World, op: str, principal: str) -> Any:
    """Post the page form `op` as `principal`: its session cookie (none for anonymous) and CSRF token."""
    params, fields = PAGE_REQUESTS[op](w)
    own = w.fresh.get((op, None, principal), {})
    method, template = op.split(" ", 1)
    bearer = w.headers(principal).get("Authorization")
    session = bearer.split(" ", 1)[1] if bearer else None
    w.client.cookies.clear()
    csrf = _login_form_token(w) if op == "POST /auth/login" else _csrf(w, session)
    cookies = {SESSION_COOKIE: session} if session else {}
    for name, value in cookies.items():
        w.client.cookies.set(name, value)
    path = template.format(**{**params, **own})
    answer = w.client.request(method, path, data={**fields, "csrf": csrf}, follow_redirects=False)
    w.client.cookies.clear()
    return answer
