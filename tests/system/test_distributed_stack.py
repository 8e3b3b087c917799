"""The whole distributed stack as deploy/compose.yaml runs it, without containers: three PostgreSQL
databases (one per service), Tansu as Kafka, osmem as Elasticsearch, `socreg migrate` once, then
`socreg serve` and `socreg worker` for registry, inspection and search, each its own process.

Everything the test observes goes through the three HTTP APIs, and the services reach each other only
through the bus: a registration becomes searchable and enters the inspection directory; an inspector's
abnormal-list entry reaches the search profile and the registry's record; a search worker killed with
SIGKILL loses none of the events published while it was down; a worker stops cleanly on SIGTERM."""
from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from shared import totp
from shared.settings import SERVICES
from tests.fixtures.databases import fresh_pg_databases
from tests.fixtures.processes import (SECRET, SocregProcess, kafka_settings, run_socreg, socreg_env,
                                      socreg_processes, wait_for)
from tests.fixtures.search import OsmemServer
from tests.registry.factories import registration_body

pytestmark = pytest.mark.slow

EVENT_SECONDS = 60.0  # bound on one event's way through relay, Kafka and a consumer (shared 2-core machine)
PASSWORD = "stack-password-1"


@dataclass
class Stack:
    apis: dict[str, SocregProcess]
    workers: dict[str, SocregProcess]
    headers: dict[str, dict[str, str]]  # by role: registrar, inspector

    def url(self, service: str, path: str) -> str:
        assert self.apis[service].url is not None
        return self.apis[service].url + path

    def all(self) -> list[SocregProcess]:
        return [*self.apis.values(), *self.workers.values()]

    def get(self, service: str, path: str, role: str | None = None) -> httpx.Response:
        return httpx.get(self.url(service, path), headers=self.headers.get(role or "", {}), timeout=10)

    def eventually(self, service: str, path: str, role: str | None, holds: Any, what: str) -> dict[str, Any]:
        """GET until the JSON answer satisfies `holds` (within EVENT_SECONDS); returns that answer."""
        def probe() -> dict[str, Any] | None:
            answer = self.get(service, path, role)
            body = answer.json() if answer.status_code == 200 else None
            return body if body is not None and holds(body) else None

        return wait_for(probe, EVENT_SECONDS, what, self.all())

    def approve(self, proposed: httpx.Response) -> str:
        """A sanction's 202 proposal approved by the approver; the id of what took effect."""
        assert proposed.status_code == 202, proposed.text
        service = proposed.headers["Location"].split("/")[1]
        decided = httpx.post(self.url(service, proposed.headers["Location"] + "/approval"),
                             headers=self.headers["approver"], timeout=10)
        assert decided.status_code == 200, decided.text
        return str(decided.json()["result_id"])


def stack_env(dbs: dict[str, str], bootstrap: str, osmem: OsmemServer, data_dir: Path) -> dict[str, str]:
    """deploy/compose.yaml's x-socreg-env with the test servers' addresses, plus the settings a test
    broker and an osmem server need (short group timeouts, plain JSON media types) and names of this
    run's own (topic prefix, index alias) on the session's shared servers."""
    run = uuid.uuid4().hex[:8]
    return socreg_env(
        SOCREG_SECRET_KEY=SECRET, SOCREG_DEMO="false",
        **{f"SOCREG_{service.upper()}_DATABASE_URL": dbs[service] for service in SERVICES},
        **kafka_settings(bootstrap, f"stack{run}."),
        SOCREG_SEARCH_BACKEND="elasticsearch", SOCREG_ELASTICSEARCH_URL=osmem.url,
        SOCREG_ELASTICSEARCH_INDEX=f"stack-{run}", SOCREG_ELASTICSEARCH_COMPATIBILITY_MEDIA_TYPES="false",
        SOCREG_DATA_DIR=str(data_dir), FORWARDED_ALLOW_IPS="*")


@pytest.fixture
def stack(tmp_path: Path, tansu_broker: str, osmem: OsmemServer) -> Iterator[Stack]:
    with fresh_pg_databases(*SERVICES) as dbs:
        env = stack_env(dbs, tansu_broker, osmem, tmp_path / "data")
        run_socreg("migrate", env=env)
        for role in ("registrar", "inspector", "approver"):
            run_socreg("user", "add", f"{role}1", "--role", role, env=env, input=PASSWORD + "\n")
        # outside the demo an approver signs in with a second factor (issue 12 part 5)
        otpauth = run_socreg("user", "totp", "approver1", env=env).stdout.strip()
        second_factor = {"approver": parse_qs(urlparse(otpauth).query)["secret"][0]}
        with socreg_processes(env, tmp_path) as procs:
            apis = {service: procs.api(service) for service in SERVICES}
            workers = {service: procs.worker(service) for service in SERVICES}
            for proc in [*apis.values(), *workers.values()]:
                proc.wait_ready()
            headers = {"operations": {"Authorization": f"Bearer {env['SOCREG_OPERATIONS_TOKEN']}"}}
            for role in ("registrar", "inspector", "approver"):
                code = {"totp": totp.code_at(second_factor[role], time.time())} if role in second_factor else {}
                token = httpx.post(f"{apis['registry'].url}/auth/token",
                                   data={"username": f"{role}1", "password": PASSWORD, **code}, timeout=10)
                assert token.status_code == 200, token.text
                headers[role] = {"Authorization": f"Bearer {token.json()['access_token']}"}
            yield Stack(apis, workers, headers)


def test_the_distributed_stack_carries_a_registration_and_a_credit_listing_between_the_services(
        stack: Stack) -> None:
    for service in SERVICES:  # each API reaches its database, the bus (and search its index)
        ready = stack.get(service, "/readyz", "operations")
        assert ready.status_code == 200, (service, ready.text)
        assert set(ready.json()["checks"].values()) == {"ok"}, (service, ready.json())

    # a registrar registers: the search service indexes it, the inspection service adds it to its directory
    body = registration_body(31)
    made = httpx.post(stack.url("registry", "/registry/organizations"), json=body,
                      headers=stack.headers["registrar"], timeout=10)
    assert made.status_code == 201, made.text
    uscc = made.json()["uscc"]
    profile = stack.eventually("search", f"/search/organizations/{uscc}", None,
                               lambda p: True, "the registration to become searchable")
    assert (profile["name"], profile["credit_lists"]) == (body["name"], [])
    found = httpx.get(stack.url("search", "/search/organizations"), params={"q": body["name"]}, timeout=10)
    assert found.status_code == 200 and uscc in [item["uscc"] for item in found.json()["items"]], found.text
    directory = stack.eventually("inspection", f"/inspection/organizations/{uscc}", "inspector",
                                 lambda o: True, "the registration to reach the inspection directory")
    assert directory["name"] == body["name"]

    # an inspector lists it as abnormal: the search profile and the registry's record follow (credit.status.changed)
    inclusion = {"uscc": uscc, "trigger": "no_party_organization", "legal_basis": "L60 活动异常名录情形（二）",
                 "reason": "经核查未按规定建立党组织"}
    proposed = httpx.post(stack.url("inspection", "/inspection/credit-lists/abnormal/entries"), json=inclusion,
                          headers=stack.headers["inspector"], timeout=10)
    entry_id = stack.approve(proposed)  # issue 12: a second person, the approver, makes it take effect
    profile = stack.eventually("search", f"/search/organizations/{uscc}", None,
                               lambda p: p["credit_lists"] == ["abnormal"], "the search profile to show the list")
    assert [(e["list"], e["trigger"]) for e in profile["list_entries"]] == [("abnormal", "no_party_organization")]
    stack.eventually("registry", f"/registry/organizations/{uscc}", "registrar",
                     lambda r: r["credit_lists"] == ["abnormal"], "the registry's record to show the list")

    # kill -9 the search worker; while it is down, a registry change and an inspection change are published
    stack.workers["search"].kill()
    renamed = "厦门市分布式测试更名行业协会"
    changed = httpx.patch(stack.url("registry", f"/registry/organizations/{uscc}"), json={"name": renamed},
                          headers=stack.headers["registrar"], timeout=10)
    assert changed.status_code == 200, changed.text
    removed = httpx.post(stack.url("inspection", f"/inspection/credit-lists/abnormal/entries/{entry_id}/removal"),
                         json={"reason": "已建立党支部", "legal_basis": "L60 第十一条"},
                         headers=stack.headers["inspector"], timeout=10)
    stack.approve(removed)
    # both events are on the bus: the other services' consumers have applied them ...
    stack.eventually("inspection", f"/inspection/organizations/{uscc}", "inspector",
                     lambda o: o["name"] == renamed, "the rename to reach the inspection directory")
    stack.eventually("registry", f"/registry/organizations/{uscc}", "registrar",
                     lambda r: r["credit_lists"] == [], "the removal to reach the registry's record")
    # ... and the search index still shows the old state: only the (dead) search worker moves it
    stale = stack.get("search", f"/search/organizations/{uscc}").json()
    assert (stale["name"], stale["credit_lists"]) == (body["name"], ["abnormal"])

    stack.workers["search"].start().wait_ready()
    stack.eventually("search", f"/search/organizations/{uscc}", None,
                     lambda p: (p["name"], p["credit_lists"]) == (renamed, []),
                     "the search worker, restarted, to apply the events published while it was down")

    # SIGTERM: each worker finishes cleanly (exit code 0, no traceback)
    for service, worker in stack.workers.items():
        code = worker.stop()
        assert code == 0, f"{service} worker did not stop cleanly on SIGTERM (exit code {code})\n{worker.tail()}"
        assert "Traceback" not in worker.log(), worker.tail(6000)
