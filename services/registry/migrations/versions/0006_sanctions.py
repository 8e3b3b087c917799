"""sanction proposals and approvals (four eyes)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
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
    op.create_table('revocation_requests',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('found_on', sa.Date(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('task_id', sa.String(length=24), nullable=True),
    sa.Column('source_event_id', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('proposal_id', sa.String(length=24), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('revocation_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revocation_requests_uscc'), ['uscc'], unique=False)


def downgrade() -> None:
    op.drop_table('revocation_requests')
    op.drop_table('sanction_proposals')
