"""Issue 12 part 1, roles and separation of duties: the authorization matrix. Every write operation of the
combined app's OpenAPI (all three services) x every role and anonymous, each cell asserted allowed or
refused, against existing resources and with schema-valid bodies (tests/system/authorization_world.py);
`org` also against a second organization's resources.

The table below is the contract. Whoever adds a write route classifies it here: the matrix fails while the
OpenAPI has a write operation the table does not name, or the table names one that no longer exists.
Who may do what comes from api.md and issue 12: `registrar` registers and decides on the register and
proposes revocations; `inspector` runs the pool's draws and acts on the tasks drawn for it, proposes
penalties and list changes; `approver` approves or rejects sanctions proposed by someone else and does
nothing else; `auditor` only reads the audit trail; `admin` manages accounts (and the inspector pool's
members, their accounts) and passes no business check; `org` acts for its own organization only.

Refused is 401 (anonymous) or 403. Allowed is anything else below 500 other than a request-validation
422: a 404 or 409 from a domain rule means authorization let the request through. Beside the matrix: the
staff's and the organization's own resources within an allowed role, decided proposals, the reads of
personal data, and the pages' forms (not in the OpenAPI), classified and tested the same way."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from jsonschema import Draft202012Validator

from tests.system.authorization_requests import NO_BODY, PAGE_REQUESTS, REQUESTS, Call, send, send_form
from tests.system.authorization_world import KINDS, PRINCIPALS, ROLES, World, build_world

PUBLIC = frozenset(PRINCIPALS)  # anonymous too
SIGNED_IN = frozenset(ROLES)


def only(*roles: str) -> frozenset[str]:
    return frozenset(roles)


@dataclass(frozen=True)
class Expect:
    """Who may send the operation (per variant when the operation has variants); what `org` gets for another
    organization's resource: 403, or 404 where the route hides that it exists (None: no organization's
    resource in the request)."""

    allowed: frozenset[str] | dict[str, frozenset[str]]
    other_org: int | None = 403

    def variants(self) -> list[str | None]:
        return list(self.allowed) if isinstance(self.allowed, dict) else [None]

    def allows(self, principal: str, variant: str | None) -> bool:
        allowed = self.allowed[str(variant)] if isinstance(self.allowed, dict) else self.allowed
        return principal in allowed


_ORG = "/registry/organizations/{uscc}"
_REPORT = _ORG + "/annual-reports/{year}"
_SANCTION = "/inspection/sanctions/{proposal_id}"
EVERY_KIND = {kind: only("approver") for kind in KINDS}

TABLE: dict[str, Expect] = {
    # sign-in and sessions (api.md, Second wave)
    "POST /auth/token": Expect(PUBLIC, None),  # public by design: signing in
    "POST /auth/logout": Expect(SIGNED_IN, None),  # any signed-in account ends its own session
    "POST /auth/totp": Expect(SIGNED_IN, None),  # any account enrols its own second factor
    "POST /auth/accounts/{username}/unlock": Expect(only("admin"), None),  # accounts are the admin's
    # the register (api.md: registrar)
    "POST /registry/organizations": Expect(only("registrar"), None),
    "PATCH " + _ORG: Expect(only("registrar")),
    "POST " + _ORG + "/charity-recognition": Expect(only("registrar")),
    "POST " + _ORG + "/fundraising-qualification": Expect(only("registrar")),
    "POST " + _ORG + "/deregistration": Expect(only("registrar")),
    "POST " + _ORG + "/investigations": Expect(only("registrar")),
    "POST " + _ORG + "/investigations/{case_id}/closure": Expect(only("registrar")),
    "POST " + _ORG + "/ratings": Expect(only("registrar")),
    "POST " + _ORG + "/audits": Expect(only("registrar")),  # 换届/离任审计 on file (R5.1)
    # rating certificates (R9.6): the registrar records a recalled set's return or declares it void
    "POST " + _ORG + "/rating-certificates/{number}/return": Expect(only("registrar")),
    "POST " + _ORG + "/rating-certificates/{number}/voiding": Expect(only("registrar")),
    # annual reports: the organization's own account files, the registrar reviews
    "PUT " + _REPORT: Expect(only("org")),
    "POST " + _REPORT + "/submit": Expect(only("org")),
    "POST " + _REPORT + "/review": Expect(only("registrar")),
    "POST " + _REPORT + "/unlock": Expect(only("registrar")),
    # revocation (issue 12): a registrar proposes, an approver decides, the proposer may withdraw
    "POST " + _ORG + "/revocation": Expect(only("registrar")),
    "POST /registry/sanctions/{proposal_id}/approval": Expect(only("approver")),
    "POST /registry/sanctions/{proposal_id}/rejection": Expect(only("approver")),
    "POST /registry/sanctions/{proposal_id}/withdrawal": Expect(only("registrar")),
    # the inspector pool: its members and their accounts are the admin's; an inspector declares its own
    # conflicts (another member's: tests below), an admin anyone's
    "POST /inspection/inspectors": Expect(only("admin"), None),
    "PATCH /inspection/inspectors/{inspector_id}": Expect(only("admin"), None),
    "POST /inspection/inspectors/{inspector_id}/conflicts": Expect(only("inspector", "admin"), None),
    # plans and draws (api.md: inspector)
    "POST /inspection/plans": Expect(only("inspector"), None),
    "POST /inspection/plans/{plan_id}/draws": Expect(only("inspector"), None),
    "PUT /inspection/draws/{draw_id}/public-random": Expect(only("inspector"), None),
    "POST /inspection/draws/{draw_id}/redraws": Expect(only("inspector"), None),
    # tasks: only an inspector drawn for it (an undrawn one: tests below); a substitution also an admin's
    # when the member can no longer act (the draw's next pick: nobody chooses)
    "POST /inspection/tasks/{task_id}/notice": Expect(only("inspector")),
    "POST /inspection/tasks/{task_id}/result": Expect(only("inspector")),
    "POST /inspection/tasks/{task_id}/publication": Expect(only("inspector")),
    "POST /inspection/tasks/{task_id}/substitutions": Expect(only("inspector", "admin")),
    "POST /inspection/rectifications/{rectification_id}/response": Expect(only("org")),
    "POST /inspection/rectifications/{rectification_id}/review": Expect(only("inspector")),
    # sanctions proposed by an inspector (a revocation: a request to the registry)
    "POST /inspection/penalties": Expect({"warning": only("inspector"), "revocation": only("inspector")}),
    "POST /inspection/credit-lists/{list}/entries": Expect(only("inspector")),
    "POST /inspection/credit-lists/{list}/entries/{entry_id}/removal": Expect(only("inspector")),
    # credit repair and objections: the organization applies, an inspector or a registrar decides
    "POST /inspection/credit/organizations/{uscc}/removal-applications": Expect(only("org")),
    "POST /inspection/credit/organizations/{uscc}/objections": Expect(only("org")),
    "POST /inspection/credit/applications/{application_id}/decision": Expect(only("inspector", "registrar")),
    # four-eyes: an approver decides every kind; only the proposer withdraws (an inspector proposes penalties
    # and list changes; an inspector or a registrar proposes approving an application)
    "POST " + _SANCTION + "/approval": Expect(EVERY_KIND),
    "POST " + _SANCTION + "/rejection": Expect(EVERY_KIND),
    "POST " + _SANCTION + "/withdrawal": Expect({
        "penalty": only("inspector"), "list_inclusion": only("inspector"), "list_removal": only("inspector"),
        "application_approval": only("inspector", "registrar")}),
}

CELLS = [(op, variant, principal) for op, expect in TABLE.items() for variant in expect.variants()
         for principal in PRINCIPALS]
OTHER_ORG = [(op, expect.variants()[0]) for op, expect in TABLE.items() if expect.other_org is not None]


def _id(op: str, variant: str | None, principal: str | None = None) -> str:
    return " ".join(filter(None, [op, f"[{variant}]" if variant else None])) + (f"-{principal}" if principal else "")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from build_world(tmp_path_factory.mktemp("authorization-matrix"))


def write_operations(world: World) -> set[str]:
    spec = world.client.app.openapi()  # type: ignore[attr-defined]
    return {f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item
            if method.upper() in ("POST", "PUT", "PATCH", "DELETE")}


def test_every_write_operation_of_the_openapi_is_classified(world: World) -> None:
    operations = write_operations(world)
    assert not operations - TABLE.keys(), f"unclassified write operations: {sorted(operations - TABLE.keys())}"
    assert not TABLE.keys() - operations, f"classified, but no longer served: {sorted(TABLE.keys() - operations)}"
    assert REQUESTS.keys() == TABLE.keys(), "every classified operation has its request (authorization_requests.py)"


_VALIDATORS: dict[str, tuple[Draft202012Validator | None, str | None, bool]] = {}


def _validator(world: World, op: str) -> tuple[Draft202012Validator | None, str | None, bool]:
    """The operation's request-body schema (components resolved), its media type, and whether it is required."""
    if op not in _VALIDATORS:
        spec = world.client.app.openapi()  # type: ignore[attr-defined]
        method, path = op.split(" ", 1)
        body = spec["paths"][path][method.lower()].get("requestBody")
        if body is None:
            _VALIDATORS[op] = (None, None, False)
        else:
            [(media, content)] = body["content"].items()
            schema = {**content["schema"], "components": spec["components"]}
            _VALIDATORS[op] = (Draft202012Validator(schema), media, bool(body.get("required")))
    return _VALIDATORS[op]


def assert_schema_valid(world: World, op: str, variant: str | None) -> None:
    """The body a cell sends is valid for the operation's request-body schema, so that the cell tests
    authorization, not validation."""
    call: Call = REQUESTS[op](world, world.orgs["A"], variant)
    sent = call.form if call.form is not None else None if call.json is NO_BODY else call.json
    validator, media, required = _validator(world, op)
    if validator is None:
        assert sent is None, f"{op} takes no body"
        return
    if sent is None:
        assert not required, f"{op} needs a body"
        return
    assert (media == "application/x-www-form-urlencoded") == (call.form is not None), f"{op} takes {media}"
    errors = [error.message for error in validator.iter_errors(sent)]
    assert not errors, f"{op}: the matrix's body is not schema-valid: {errors}"


def assert_refused(answer: Any, principal: str) -> None:
    expected = 401 if principal == "anonymous" else 403
    assert answer.status_code == expected, f"expected {expected}, got {answer.status_code}: {answer.text}"


def assert_allowed(answer: Any) -> None:
    body = _json(answer)
    assert answer.status_code not in (401, 403), f"refused ({answer.status_code}): {answer.text}"
    assert answer.status_code < 500, f"server error: {answer.text}"
    validation = answer.status_code == 422 and "rule" not in body
    assert not validation, f"the request never reached authorization (request validation): {answer.text}"


def _json(answer: Any) -> dict[str, Any]:
    try:
        found = answer.json()
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


@pytest.mark.parametrize(("op", "variant", "principal"), CELLS, ids=[_id(*cell) for cell in CELLS])
def test_write_authorization(world: World, op: str, variant: str | None, principal: str) -> None:
    assert_schema_valid(world, op, variant)
    answer = send(world, op, principal, variant=variant)
    if TABLE[op].allows(principal, variant):
        assert_allowed(answer)
    else:
        assert_refused(answer, principal)


@pytest.mark.parametrize(("op", "variant"), OTHER_ORG, ids=[_id(*case) for case in OTHER_ORG])
def test_org_is_refused_another_organizations_resources(world: World, op: str, variant: str | None) -> None:
    """The `org` account of A, with organization B's resource in the request."""
    answer = send(world, op, "org", org="B", variant=variant)
    expected = TABLE[op].other_org
    assert answer.status_code == expected, f"expected {expected}, got {answer.status_code}: {answer.text}"


def _objection_naming_bs_entry(w: World) -> Any:
    return w.client.post(f"/inspection/credit/organizations/{w.orgs['A'].uscc}/objections", headers=w.headers("org"),
                         json={"entry_id": w.orgs["B"].entry_id, "statement": "测试：有误"})


_NOT_DRAWN = "inspector:undrawn"  # inspector3: linked to a pool member who joined after the draw
NOT_THEIRS: dict[str, tuple[Callable[[World], Any], int]] = {
    "an inspector not drawn sends a task's notice": (
        lambda w: send(w, "POST /inspection/tasks/{task_id}/notice", _NOT_DRAWN), 403),
    "an inspector not drawn records a task's result": (
        lambda w: send(w, "POST /inspection/tasks/{task_id}/result", _NOT_DRAWN), 403),
    "an inspector not drawn publishes a task's result": (
        lambda w: send(w, "POST /inspection/tasks/{task_id}/publication", _NOT_DRAWN), 403),
    "an inspector not drawn asks for a substitute on a task": (
        lambda w: send(w, "POST /inspection/tasks/{task_id}/substitutions", _NOT_DRAWN), 403),
    "an inspector not drawn reviews a rectification": (
        lambda w: send(w, "POST /inspection/rectifications/{rectification_id}/review", _NOT_DRAWN), 403),
    "an inspector declares a conflict for another pool member": (
        lambda w: send(w, "POST /inspection/inspectors/{inspector_id}/conflicts", "inspector",
                       params={"inspector_id": w.members["teammate"]}), 403),
    "an inspector withdraws another inspector's proposal": (
        lambda w: send(w, "POST " + _SANCTION + "/withdrawal", _NOT_DRAWN, variant="penalty"), 403),
    "a registrar withdraws another registrar's revocation proposal": (
        lambda w: send(w, "POST /registry/sanctions/{proposal_id}/withdrawal", "registrar:other"), 403),
    # B's entry inside A's own request: the domain refuses it (409 names the rule) and nothing is recorded
    "an org objects to another organization's entry under its own USCC": (_objection_naming_bs_entry, 409),
}


@pytest.mark.parametrize("case", NOT_THEIRS)
def test_staff_and_org_act_only_on_what_is_theirs(world: World, case: str) -> None:
    """Within an allowed role: the tasks drawn for the inspector, its own pool member, the proposer's own
    proposal, the organization's own entries."""
    request, expected = NOT_THEIRS[case]
    answer = request(world)
    assert answer.status_code == expected, f"expected {expected}, got {answer.status_code}: {answer.text}"


# personal data (legal representative's ID number and phone): the bureau's staff who decide on organizations
# and the organization's own account; never the public, the auditor (who reads the audit trail) or the admin
PERSONAL_READS = ("GET /registry/organizations/{uscc}", "GET /registry/organizations/{uscc}/history")
READERS = only("registrar", "inspector", "approver", "org")
READ_CELLS = [(op, principal) for op in PERSONAL_READS for principal in PRINCIPALS]


@pytest.mark.parametrize(("op", "principal"), READ_CELLS, ids=[f"{op}-{p}" for op, p in READ_CELLS])
def test_personal_data_reads(world: World, op: str, principal: str) -> None:
    uscc = world.orgs["A"].uscc
    answer = world.client.get(op.split(" ", 1)[1].format(uscc=uscc), headers=world.headers(principal))
    if principal in READERS:
        assert answer.status_code == 200, answer.text
        if op.endswith("{uscc}"):
            assert answer.json()["legal_representative"]["id_number"], "the full record carries the ID number"
    else:
        assert_refused(answer, principal)


@pytest.mark.parametrize("op", PERSONAL_READS)
def test_org_reads_no_other_organizations_personal_data(world: World, op: str) -> None:
    other = world.orgs["B"].uscc
    answer = world.client.get(op.split(" ", 1)[1].format(uscc=other), headers=world.headers("org"))
    assert answer.status_code == 403, answer.text


# The pages' forms (not in the OpenAPI) change the same things; each is classified like an operation.
# A sanction's page decision is sent as an approval.
PAGE_TABLE: dict[str, frozenset[str]] = {
    "POST /auth/login": PUBLIC,  # public by design: signing in
    "POST /registry/web/my/reports/{year}": only("org"),  # the signed-in organization's own report
    "POST /registry/web/organizations/{uscc}/reports/{year}": only("registrar"),
    "POST /registry/web/organizations/{uscc}/reports/{year}/unlock": only("registrar"),
    "POST /registry/web/sanctions/{proposal_id}/decision": only("approver"),
    "POST /registry/web/dormancy/{uscc}/revocation": only("registrar"),  # proposes, as the API's revocation
    "POST /inspection/web/plans/{plan_id}/draws": only("inspector"),
    "POST /inspection/web/tasks/{task_id}/notice": only("inspector"),
    "POST /inspection/web/tasks/{task_id}/result": only("inspector"),
    "POST /inspection/web/rectifications/{rectification_id}/review": only("inspector"),
    "POST /inspection/web/notices/{rectification_id}/response": only("org"),
    "POST /inspection/web/credit/applications": only("org"),  # the signed-in organization's own
    "POST /inspection/web/credit-lists/{list_name}/entries": only("inspector"),
    "POST /inspection/web/credit/entries/{entry_id}/removal": only("inspector"),
    "POST /inspection/web/credit/applications/{application_id}/decision": only("inspector", "registrar"),
    "POST /inspection/web/sanctions/{proposal_id}/decision": only("approver"),
}
PAGE_CELLS = [(op, principal) for op in PAGE_TABLE for principal in PRINCIPALS]


def page_forms(world: World) -> set[str]:
    """The write routes the OpenAPI does not show: the pages' forms."""
    routes = iter_route_contexts(world.client.app.routes)  # type: ignore[attr-defined]
    return {f"{method} {route.path}" for route in routes if not getattr(route, "include_in_schema", True)
            for method in sorted(route.methods or ()) if method in ("POST", "PUT", "PATCH", "DELETE")}


def test_every_page_form_is_classified(world: World) -> None:
    forms = page_forms(world)
    assert not forms - PAGE_TABLE.keys(), f"unclassified page forms: {sorted(forms - PAGE_TABLE.keys())}"
    assert not PAGE_TABLE.keys() - forms, f"classified, but no longer served: {sorted(PAGE_TABLE.keys() - forms)}"
    assert PAGE_REQUESTS.keys() == PAGE_TABLE.keys(), "every page form has its request (authorization_requests.py)"


@pytest.mark.parametrize(("op", "principal"), PAGE_CELLS, ids=[f"{op}-{p}" for op, p in PAGE_CELLS])
def test_page_form_authorization(world: World, op: str, principal: str) -> None:
    answer = send_form(world, op, principal)
    to_login = answer.status_code in (302, 303) and answer.headers["location"].startswith("/auth/login")
    if principal in PAGE_TABLE[op]:
        assert answer.status_code not in (401, 403) and not to_login, f"refused ({answer.status_code}): {answer.text}"
        assert answer.status_code < 500, f"server error: {answer.text}"
    elif principal == "anonymous":
        assert to_login or answer.status_code == 401, f"{answer.status_code}: {answer.text[:300]}"
    else:
        assert answer.status_code == 403, f"expected 403, got {answer.status_code}: {answer.text[:300]}"


# A decided proposal: whoever may not decide (or withdraw) it is refused as for an open one (403), without
# learning whether, when or by whom it was decided; those who may get 409 (decided once).
DECISIONS = [(f"POST /{service}/sanctions/{{proposal_id}}/{step}", service) for service in ("inspection", "registry")
             for step in ("approval", "rejection", "withdrawal")]
DECIDED_CELLS = [(op, service, principal) for op, service in DECISIONS for principal in PRINCIPALS
                 if not TABLE[op].allows(principal, "penalty" if service == "inspection" else None)]


@pytest.mark.parametrize(("op", "service", "principal"), DECIDED_CELLS,
                         ids=[f"{op}-{principal}" for op, _, principal in DECIDED_CELLS])
def test_a_decided_proposal_tells_nothing_to_whoever_may_not_decide_it(world: World, op: str, service: str,
                                                                       principal: str) -> None:
    variant = "penalty" if service == "inspection" else None
    answer = send(world, op, principal, variant=variant, params={"proposal_id": world.decided[service]})
    assert_refused(answer, principal)
    assert "approver1" not in answer.text
