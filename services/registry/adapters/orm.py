"""The registry's tables, mapped imperatively onto the plain domain classes (the domain stays
free of SQLAlchemy). The outbox and consumer tables come from shared.events.outbox."""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, Date, ForeignKey, Integer, MetaData, Numeric,
                        String, Table, Text)
from sqlalchemy.orm import registry

from shared.types import UtcDateTime

from services.registry.domain.model import ChangeRecord, KnownPenalty, Organization, User

metadata = MetaData()
mapper_registry = registry(metadata=metadata)
_id = BigInteger().with_variant(Integer(), "sqlite")

organizations = Table(
    "organizations", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("type", String(20), nullable=False, index=True),
    Column("category", String(30), nullable=False),
    Column("level", String(10), nullable=False),
    Column("district", String(6), nullable=False),
    Column("domicile", String(500), nullable=False),
    Column("lr_name", String(100), nullable=False),
    Column("lr_id_number", String(32), nullable=False, index=True),
    Column("lr_phone", String(32), nullable=False),
    Column("registered_funds", Numeric(18, 2), nullable=False),
    Column("business_scope", Text, nullable=False),
    Column("established_on", Date, nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("supervising_unit", String(200)),
    Column("members_individual", Integer),
    Column("members_unit", Integer),
    Column("foundation_kind", String(20)),
    Column("status", String(20), nullable=False, index=True),
    Column("charity", Boolean, nullable=False, default=False),
    Column("charity_since", Date),
    Column("fundraising_qualified_on", Date),
    Column("ended_on", Date),
    Column("end_reason", Text),
    Column("credit_lists", String(100), nullable=False, default=""),
    Column("version", Integer, nullable=False),
)

organization_changes = Table(
    "organization_changes", metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("uscc", String(18), ForeignKey("organizations.uscc"), nullable=False, index=True),
    Column("action", String(40), nullable=False),
    Column("field", String(60)),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("changed_by", String(100), nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
    Column("legal_basis", Text),
)

known_penalties = Table(
    "known_penalties", metadata,
    Column("penalty_id", String(64), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("amount", Numeric(18, 2)),
)

uscc_sequences = Table(
    "uscc_sequences", metadata,
    Column("prefix", String(8), primary_key=True),
    Column("next_value", BigInteger, nullable=False),
)

users = Table(
    "users", metadata,
    Column("username", String(100), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("uscc", String(18)),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime()),
)

_mapped = False


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(Organization, organizations, version_id_col=organizations.c.version)
    mapper_registry.map_imperatively(ChangeRecord, organization_changes)
    mapper_registry.map_imperatively(KnownPenalty, known_penalties)
    mapper_registry.map_imperatively(User, users)
    _mapped = True
