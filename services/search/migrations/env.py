"""Alembic environment of the search database (the read model; the embedded index is its own file)."""
from alembic import context

from services.search.adapters.orm import metadata
from shared.events.outbox import metadata as mechanism_metadata
from shared.migrate import run_env

run_env(context, [metadata, mechanism_metadata])
