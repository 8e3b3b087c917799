"""sanction proposals and approvals (four eyes), revocation requests, dated acts

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def create_sanction_proposals() -> None:
    op.create_table('sanction_proposals',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('org_name', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('late_reason', sa.Text(), nullable=True),
    sa.Column('proposed_by', sa.String(length=100), nullable=False),
    sa.Column('proposed_role', sa.String(length=20), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('result_id', sa.String(length=40), nullable=True),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sanction_proposals', schema=None) as batch_op:
        batch_op.create_index('ix_sanction_proposals_state', ['state', 'proposed_at'], unique=False)
        batch_op.create_index('ix_sanction_proposals_uscc', ['uscc'], unique=False)


def upgrade() -> None:
    create_sanction_proposals()
    with op.batch_alter_table('penalties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('penalties', schema=None) as batch_op:
        batch_op.drop_column('recorded_at')
        batch_op.drop_column('approved_by')
    op.drop_table('sanction_proposals')
