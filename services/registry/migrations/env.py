"""Alembic environment of the registry database."""
from alembic import context

from services.registry.adapters.orm import metadata
from shared.events.outbox import metadata as mechanism_metadata
from shared.migrate import run_env

run_env(context, [metadata, mechanism_metadata])
