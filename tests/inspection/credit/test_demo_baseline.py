"""Issue 5 "Demo": the credit-list engine, run over the demo history, reproduces the city plan's 2020
baseline - 166 organizations on the 红名单, 27 on the 活动异常名录, 1 on the 严重违法失信名单 on
2020-12-31 - produced by the engine from events, never inserted by hand.

The fast, faithful path (the whole `socreg demo` and the consumer's per-event transactions take
minutes): the real demo generators load the register (registry import handlers, SQLite) and the
inspection history (inspection handlers) exactly as `socreg demo` does; the envelopes they wrote to
their outboxes - what the relays put on the bus - go through the engine's own event-to-fact functions
(entrypoints.credit_consumers.FACTS) and its replay (domain.credit.derive), one organization at a time,
under the policy the service is bootstrapped with. A sample of organizations then also goes through the
production consumer (bus, record_facts, entries table) and the API must answer the same lists for them.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.inspection.demo import load_demo as load_inspection_demo
from services.inspection.domain.credit import Derivation, Fact, derive
from services.inspection.entrypoints.credit_consumers import FACTS
from services.registry.adapters import views
from services.registry.entrypoints.demo import load_demo as load_registry_demo
from shared.clock import FixedClock
from shared.contracts import parse_data
from shared.events.envelope import Envelope
from shared.events.outbox import outbox_table
from socreg.app import Platform, build_platform, create_app
from tests.fixtures.platform import make_settings
from tests.inspection.credit.support import deliver

BASELINE = date(2020, 12, 31)
PLAN_2020 = {"red": 166, "abnormal": 27, "serious": 1}  # 厦门市“十四五”社会组织发展规划, 2020 年底
TODAY = date(2026, 11, 28)


def outbox(container: Any) -> list[Envelope]:
    with container.db.read_engine.connect() as conn:
        return [Envelope.from_json(p) for p in
                conn.execute(select(outbox_table.c.payload).order_by(outbox_table.c.seq)).scalars()]


def facts_by_organization(envelopes: list[Envelope]) -> dict[str, list[Fact]]:
    out: dict[str, list[Fact]] = defaultdict(list)
    for e in envelopes:
        if e.type in FACTS:
            data = parse_data(e.type, e.data)
            out[data.uscc] += FACTS[e.type](e, data)
    return out


def on_lists(derivations: dict[str, Derivation], day: date) -> dict[str, set[str]]:
    lists: dict[str, set[str]] = defaultdict(set)
    for uscc, d in derivations.items():
        for e in d.entries:
            if e.open_on(day):
                lists[e.list].add(uscc)
    return lists


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp: Path = tmp_path_factory.mktemp("demo-baseline")
    settings = make_settings(tmp, f"sqlite:///{tmp / 'registry.db'}", demo=True)
    platform = build_platform(settings, clock=FixedClock(TODAY), services=("registry", "inspection"))
    counts = load_registry_demo(platform.registry)
    with platform.registry.db.read_session() as session:
        rows = views.list_organizations(session, page=1, size=10**7, filters={})["items"]
    history = load_inspection_demo(platform.inspection, rows)
    envelopes = outbox(platform.registry) + outbox(platform.inspection)
    policy = platform.inspection.credit_policy
    derivations = {u: derive(u, f, policy, TODAY) for u, f in facts_by_organization(envelopes).items()}
    yield platform, counts, history, envelopes, derivations
    platform.close()


def test_the_engine_reproduces_the_2020_baseline(demo: Any) -> None:
    _, counts, history, envelopes, derivations = demo
    assert counts["organizations"] == 7391 and counts["ratings"] == 2675
    lists = on_lists(derivations, BASELINE)
    assert {name: len(members) for name, members in lists.items()} == PLAN_2020
    assert not lists["red"] & (lists["abnormal"] | lists["serious"])
    # every entry comes from the rules, with its legal basis; none was made by hand
    entries = [e for d in derivations.values() for e in d.entries if e.open_on(BASELINE)]
    assert {e.decided_by for e in entries} == {"system"} and all(e.legal_basis for e in entries)
    assert Counter(e.trigger for e in entries if e.list == "serious") == Counter({"suspension": 1})
    assert {e.trigger for e in entries if e.list == "abnormal"} <= {"uncontactable", "rectification_overdue",
                                                                   "minor_penalty"}
    # the red list is the rule set at work: the 3A+ holders of a clean record minus those without a good
    # 2018 and 2019 filing record (late, missing or not 合格 in the 年检 before 年检改年报)
    accepted = Counter(parse_data(e.type, e.data).conclusion for e in envelopes
                       if e.type == "registry.annual_report.accepted" and e.data["year"] in (2018, 2019))
    assert accepted["qualified"] > accepted["basically_qualified"] > accepted["unqualified"] > 0
    assert history["penalties"] > 0 and history["overdue"] > 0


def test_the_production_consumer_gives_the_same_lists(demo: Any) -> None:
    """A sample (every listed organization and every 3A+ holder of one district) through the bus, the
    inspection consumer and the entries table; the API's as-of lists equal the pure replay's."""
    platform, _, _, envelopes, derivations = demo
    lists = on_lists(derivations, BASELINE)
    listed = lists["red"] | lists["abnormal"] | lists["serious"]
    sample = {u for u in listed if u[-2] in "02468ACEGJ"} | lists["abnormal"] | lists["serious"]
    related = [e for e in envelopes if e.type in FACTS and e.data.get("uscc") in sample]
    inspection = platform.inspection
    inspection.bus.publish(related)
    deliver(inspection, [])
    with TestClient(create_app(platform, run_workers=False)) as client:
        headers = {"Authorization": "Bearer " + client.post("/auth/token", data={
            "username": "inspector", "password": "inspector-demo-pw"}).json()["access_token"]}
        for name in ("red", "abnormal", "serious"):
            answer = client.get(f"/inspection/credit-lists/{name}",
                                params={"as_of": BASELINE.isoformat(), "size": 500}, headers=headers)
            assert answer.status_code == 200, answer.text
            got = {x["uscc"] for x in answer.json()["items"]}
            assert got == lists[name] & sample, name
        counts = client.get("/inspection/credit/counts", params={"as_of": BASELINE.isoformat()}, headers=headers)
        assert counts.json()["organizations"] == {n: len(lists[n] & sample) for n in ("abnormal", "serious", "red")}
    assert all(lists[n] & sample for n in ("red", "abnormal", "serious"))
