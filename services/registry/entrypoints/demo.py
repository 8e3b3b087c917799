"""`socreg demo`: load the synthetic, clearly labelled Xiamen register through the registry's own
handlers (every rule applies, every registration emits its event)."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from services.registry.adapters import views
from services.registry.bootstrap import RegistryContainer
from services.registry.domain import commands
from services.registry.service_layer import handlers, imports, sanctions
from services.registry.service_layer import reports as report_handlers
from shared.clock import FixedClock

# one account per role, all with one published password (README); it passes the password policy, which a
# "<role>-demo-pw" would not (it contains the user name). The demo's key and passwords are public.
DEMO_PASSWORD = "xiamen-demo-2026"
DEMO_USERS = tuple((role, role, DEMO_PASSWORD) for role in ("registrar", "inspector", "approver", "auditor", "admin"))
DEMO_ORG_PASSWORD = DEMO_PASSWORD
BATCH = 500


def registration_command(body: dict[str, Any], by: str = "demo") -> commands.RegisterOrganization:
    members = body.get("members")
    return commands.RegisterOrganization(
        name=body["name"], type=body["type"], category=body["category"], level=body["level"],
        district=body["district"], domicile=body["domicile"],
        legal_representative=commands.LegalRepresentative(**body["legal_representative"]),
        registered_funds=Decimal(body["registered_funds"]), business_scope=body["business_scope"],
        established_on=date.fromisoformat(body["established_on"]), supervising_unit=body.get("supervising_unit"),
        members_individual=members["individual"] if members else None,
        members_unit=members["unit"] if members else None, foundation_kind=body.get("foundation_kind"),
        charity=bool(body.get("charity")), registered_on=date.fromisoformat(body["established_on"]), by=by)


def register_is_empty(container: RegistryContainer) -> bool:
    with container.db.read_session() as session:
        return int(views.list_organizations(session, page=1, size=1, filters={})["total"]) == 0


def load_demo(container: RegistryContainer, *, seed: int = 2020,
              progress: Callable[[int], None] | None = None) -> dict[str, int]:
    from services.registry.demo_data import generate_register

    bodies = generate_register(seed=seed)
    usccs: list[str] = []
    for start in range(0, len(bodies), BATCH):
        batch = [registration_command(body) for body in bodies[start:start + BATCH]]
        usccs += handlers.import_register(batch, container.uow(), container.policy)
        if progress is not None:
            progress(len(batch))
    first_uscc = usccs[0]
    for username, role, password in DEMO_USERS:
        handlers.add_user(commands.AddUser(username, password, role), container.uow())
    handlers.add_user(commands.AddUser("org", DEMO_ORG_PASSWORD, "org", first_uscc), container.uow())
    return {"organizations": len(bodies), "users": len(DEMO_USERS) + 1, **load_history(container, bodies, usccs, seed)}


def load_history(container: RegistryContainer, bodies: list[dict[str, Any]], usccs: list[str],
                 seed: int = 2020) -> dict[str, int]:
    """Annual reports 2020-2025 and the rating history (services.registry.demo_history), through the
    registry's bulk import handlers (every rule applies, every final state is announced); then the years
    as they went: the overdue sweep the day after each deadline (the daily job: it announces the reports
    not filed in time), and between them the registrar ending the dormant organizations (注销 after their
    liquidation, or 撤销登记) through the registry's own handlers on their days; the sweep on today last."""
    from services.registry.demo_history import DemoOrg, generate_history

    orgs = [DemoOrg(uscc, b["type"], b["category"], b["level"], b["district"], date.fromisoformat(b["established_on"]),
                    Decimal(str(b["registered_funds"])), bool(b.get("charity")), b.get("foundation_kind"))
            for uscc, b in zip(usccs, bodies)]
    today = container.clock.today()
    reports, awards, ended = generate_history(orgs, container.report_policy, today, seed)
    for start in range(0, len(reports), 4 * BATCH):
        imports.import_reports(reports[start:start + 4 * BATCH], container.uow(), container.report_policy)
    imports.import_ratings(awards, container.uow(), container.rating_policy, container.report_policy)
    counts = {"annual_reports": len(reports), "ratings": len(awards), "overdue_reports": 0, "revoked": 0,
              "deregistered": 0}
    policy, pending = container.report_policy, list(ended)
    sweeps = sorted({deadline + timedelta(days=1) for year in range(policy.first_year, today.year)
                     for deadline, _ in report_handlers.due_groups(policy, year, today)} | {today})
    # the demo's history was calibrated when a report filed after its deadline lowered a grade (R9.6
    # 未参加年度检查); it keeps that until it is rebuilt, whatever SOCREG_RATING_LATE_REPORT_COUNTS_AS_ABSENT says
    calibrated = dataclasses.replace(container.rating_policy, late_report_counts_as_absent=True)
    for day in sweeps:
        while pending and pending[0].on < day:
            _close(_on(container, pending[0].on), pending.pop(0), counts)
        on_day = container if day == today else _on(container, day)  # the daily job's run of that day
        counts["overdue_reports"] += report_handlers.sweep_overdue(on_day.uow, policy, calibrated)
    return counts


def _on(container: RegistryContainer, day: date) -> RegistryContainer:
    """The registry as it stood on `day`: its handlers date what they do by its clock."""
    return dataclasses.replace(container, clock=FixedClock(day))


def _close(container: RegistryContainer, closure: Any, counts: dict[str, int]) -> None:
    if closure.kind == "revoke":
        # a sanction like any other: the registrar proposes, another person, the approver, approves (issue 12)
        proposal = sanctions.propose_revocation(commands.Revoke(closure.uscc, closure.legal_basis, "demo-registrar",
                                                                closure.decision_number, closure.on),
                                                "registrar", container.uow())
        sanctions.approve(proposal.id, "demo-approver", "approver", None, container.uow())
        counts["revoked"] += 1
    else:
        handlers.deregister(commands.Deregister(closure.uscc, closure.liquidation_report,
                                                closure.liquidation_completed_on, "demo-registrar"), container.uow())
        counts["deregistered"] += 1
