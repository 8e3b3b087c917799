"""Issue 5 "Demo": the credit-list engine, run over the demo history, reproduces the city plan's 2020
baseline - 166 organizations on the 红名单, 27 on the 活动异常名录, 1 on the 严重违法失信名单 on
2020-12-31 - produced by the engine from events, never inserted by hand.

The fast, faithful path (the whole `socreg demo` and the consumer's per-event transactions take
minutes): the real demo generators load the register (registry import handlers, SQLite) and the
inspection history (inspection handlers) exactly as `socreg demo` does; the envelopes they wrote to
their outboxes - what the relays put on the bus - go through the engine's own event-to-fact functions
(entrypoints.credit_consumers.FACTS) and its replay (domain.credit.derive), one organization at a time,
under the policy the service is bootstrapped with, together with the demo's credit repair after 2020 (the
removal applications and decisions of services.inspection.demo.plan_repairs). A sample of organizations
then also goes through the production path `socreg demo` takes (bus, consumer with the engine as of the
baseline, the applications and decisions through credit_actions on their days, the daily sweep on today)
and the API must answer the same lists for them, as of 2020-12-31 and as of today.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.inspection.demo import CREDIT_BASELINE, REPAIR_OPENS, Repair, as_of, plan_repairs, repair_credit
from services.inspection.demo import load_demo as load_inspection_demo
from services.inspection.domain.rules import add_working_days
from services.inspection.domain.credit import Derivation, Fact, derive
from services.inspection.domain.credit_policy import CreditPolicy
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
TODAY = date(2026, 11, 28)  # the demo's today: `socreg demo` loads the history up to the system clock's today
# today's lists after six years of credit repair (services.inspection.demo: those who performed their duty apply
# weeks to months later, 1% never do) on the register's history (services/registry/demo_history.py): most who miss
# the deadline file 1-9 months late (listed until they apply), a few never do (escalated after 2 years), and the
# dormant organizations are ended after their second missed year - deregistered (off every list, R8.4.3's 注销) or
# revoked (R8.3 #7; they stay on the serious list: the registry has no 注销 after a 撤销登记). Abnormal today is
# mostly the 2025 season's late filers (deadline 31 May 2026) who have not filed or applied yet. Red 546 (was 547):
# a rectification notice answered in time but rejected after its deadline lists its organization from that review
# (R7.1, issue 13), which keeps one 3A+ holder off the red list.
FIGURES_TODAY = {"red": 546, "abnormal": 321, "serious": 95}


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
    # as `socreg demo`: the inspection history starts from the register of 2020, every organization active
    history = load_inspection_demo(platform.inspection, [{**row, "status": "active"} for row in rows])
    envelopes = outbox(platform.registry) + outbox(platform.inspection)
    policy = platform.inspection.credit_policy
    facts = facts_by_organization(envelopes)
    repairs = plan_repairs(facts, policy, TODAY)
    for r in repairs:
        if (removal := r.fact()) is not None:
            facts[r.uscc].append(removal)
    derivations = {u: derive(u, f, policy, TODAY) for u, f in facts.items()}
    yield platform, counts, history, envelopes, derivations, repairs
    platform.close()


def test_the_engine_reproduces_the_2020_baseline(demo: Any) -> None:
    _, counts, history, envelopes, derivations, _ = demo
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
    platform, _, _, envelopes, derivations, repairs = demo
    lists, now = on_lists(derivations, BASELINE), on_lists(derivations, TODAY)
    listed = lists["red"] | lists["abnormal"] | lists["serious"]
    later = {r.uscc for r in repairs} | now["abnormal"] | now["serious"] | now["red"]
    sample = ({u for u in listed if u[-2] in "02468ACEGJ"} | lists["abnormal"] | lists["serious"]
              | {u for u in later if u[-1] in "05"})
    related = [e for e in envelopes if e.type in FACTS and e.data.get("uscc") in sample]
    inspection = platform.inspection
    inspection.bus.publish(related)
    deliver(as_of(inspection, CREDIT_BASELINE), [])  # as `socreg demo`: the engine as of the baseline ...
    repaired = repair_credit(inspection)  # ... then the applications and decisions on their days, the sweep
    mine = [r for r in repairs if r.uscc in sample]
    assert repaired["applications"] == len(mine) and repaired["approved"] == sum(r.approve for r in mine) > 20
    with TestClient(create_app(platform, run_workers=False)) as client:
        headers = {"Authorization": "Bearer " + client.post("/auth/token", data={
            "username": "inspector", "password": "xiamen-demo-2026"}).json()["access_token"]}
        for name in ("red", "abnormal", "serious"):
            answer = client.get(f"/inspection/credit-lists/{name}",
                                params={"as_of": BASELINE.isoformat(), "size": 500}, headers=headers)
            assert answer.status_code == 200, answer.text
            got = {x["uscc"] for x in answer.json()["items"]}
            assert got == lists[name] & sample, name
        for day, expected in ((BASELINE, lists), (TODAY, now)):
            counts = client.get("/inspection/credit/counts", params={"as_of": day.isoformat()}, headers=headers)
            assert counts.json()["organizations"] == {n: len(expected[n] & sample) for n in ("abnormal", "serious", "red")}
        for name in ("abnormal", "serious"):
            answer = client.get(f"/inspection/credit-lists/{name}", params={"as_of": TODAY.isoformat(), "size": 500},
                                headers=headers)
            assert {x["uscc"] for x in answer.json()["items"]} == now[name] & sample, name
    assert all(lists[n] & sample for n in ("red", "abnormal", "serious"))


def test_the_demo_present_after_credit_repair(demo: Any) -> None:
    """After 2020 organizations apply for removal once they performed their duty (weeks to months later; 1% never
    do) and the registrar decides within the working-day limit (R8.4.2, R8.4.3); nothing of it happens in 2020.
    The dormant organizations the registrar ended: revoked ones on the serious list (R8.3 #7), deregistered ones
    on no list (R8.4.3, R2.3)."""
    _, counts, _, envelopes, derivations, repairs = demo
    lists = on_lists(derivations, TODAY)
    assert {name: len(members) for name, members in lists.items()} == FIGURES_TODAY
    assert not lists["red"] & (lists["abnormal"] | lists["serious"])
    assert len(repairs) > 2000 and all(r.applied_on >= REPAIR_OPENS for r in repairs)
    policy = CreditPolicy()
    for r in repairs:
        days = policy.serious_decision_working_days if r.list == "serious" else policy.removal_working_days
        assert r.decided_on is None or r.applied_on < r.decided_on <= add_working_days(r.applied_on, days, frozenset())
    # every organization on today's lists got there by a rule
    open_today = [e for d in derivations.values() for e in d.entries if e.open_on(TODAY) and e.list != "red"]
    assert {e.trigger for e in open_today if e.list == "serious"} <= {"abnormal_two_years", "suspension", "revoked"}
    ended = {kind: {e.data["uscc"] for e in envelopes if e.type == f"registry.organization.{kind}"}
             for kind in ("revoked", "deregistered")}
    assert (len(ended["revoked"]), len(ended["deregistered"])) == (counts["revoked"], counts["deregistered"])
    assert counts["deregistered"] > 3 * counts["revoked"] > 60
    assert {e.uscc for e in open_today if e.trigger == "revoked"} == ended["revoked"] <= lists["serious"]
    assert not ended["deregistered"] & (lists["abnormal"] | lists["serious"] | lists["red"])
    # few are escalated for a report never filed: nearly everyone who missed a deadline filed late
    escalated = [e for e in open_today if e.trigger == "abnormal_two_years"]
    assert sum(e.duty_done_on is None for e in escalated) < 0.5 * len(escalated) < 50
