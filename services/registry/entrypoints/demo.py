"""`socreg demo`: load the synthetic, clearly labelled Xiamen register through the registry's own
handlers (every rule applies, every registration emits its event)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from services.registry.adapters import views
from services.registry.bootstrap import RegistryContainer
from services.registry.domain import commands
from services.registry.service_layer import handlers

DEMO_USERS = (
    ("registrar", "registrar", "registrar-demo-pw"),
    ("inspector", "inspector", "inspector-demo-pw"),
    ("admin", "admin", "admin-demo-pw"),
)
DEMO_ORG_PASSWORD = "org-demo-pw"
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
    return {"organizations": len(bodies), "users": len(DEMO_USERS) + 1}
