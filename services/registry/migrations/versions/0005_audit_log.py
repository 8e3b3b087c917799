"""audit log (hash-chained, append-only)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

The table of shared.audit, and the triggers that refuse UPDATE and DELETE on it (SQLite: RAISE(ABORT);
PostgreSQL: a plpgsql function, TRUNCATE refused too).
"""
from alembic import op
import sqlalchemy as sa

from shared import audit
from shared.types import UtcDateTime


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_log',
        sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
        sa.Column('at', UtcDateTime(), nullable=False),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=True),
        sa.Column('action', sa.String(length=200), nullable=False),
        sa.Column('target_type', sa.String(length=50), nullable=True),
        sa.Column('target_id', sa.String(length=100), nullable=True),
        sa.Column('uscc', sa.String(length=40), nullable=True),
        sa.Column('request_id', sa.String(length=100), nullable=True),
        sa.Column('client_address', sa.String(length=100), nullable=True),
        sa.Column('before_digest', sa.String(length=64), nullable=True),
        sa.Column('after_digest', sa.String(length=64), nullable=True),
        sa.Column('detail', sa.JSON(none_as_null=True), nullable=True),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('seq'),
    )
    for column in ('at', 'actor', 'target_id', 'uscc'):
        op.create_index(f'ix_audit_log_{column}', 'audit_log', [column], unique=False)
    audit.install_append_only(op.get_bind())


def downgrade() -> None:
    audit.remove_append_only(op.get_bind())
    for column in ('at', 'actor', 'target_id', 'uscc'):
        op.drop_index(f'ix_audit_log_{column}', table_name='audit_log')
    op.drop_table('audit_log')
