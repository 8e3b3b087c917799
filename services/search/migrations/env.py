"""Alembic environment of the search database (the read model and the audit log; the embedded index is its own file)."""
from alembic import context

from services.search.adapters.orm import metadata
from shared.audit import metadata as audit_metadata
from shared.events.outbox import metadata as mechanism_metadata
from shared.migrate import run_env

run_env(context, [metadata, mechanism_metadata, audit_metadata])
