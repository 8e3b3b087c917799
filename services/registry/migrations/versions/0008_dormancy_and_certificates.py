"""rating certificates and plaques (R9.1, R9.6); the dormancy candidates (R2.4.3) are read from the reports

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rating_certificates',
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('rating_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('grade', sa.String(length=2), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('issued_by', sa.String(length=100), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('replaces', sa.String(length=30), nullable=True),
    sa.Column('recalled_on', sa.Date(), nullable=True),
    sa.Column('recall_reason', sa.Text(), nullable=True),
    sa.Column('return_due_on', sa.Date(), nullable=True),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('returned_by', sa.String(length=100), nullable=True),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voided_on', sa.Date(), nullable=True),
    sa.Column('void_notice', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=100), nullable=True),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'], ),
    sa.ForeignKeyConstraint(['uscc'], ['organizations.uscc'], ),
    sa.PrimaryKeyConstraint('number')
    )
    with op.batch_alter_table('rating_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_certificates_rating_id'), ['rating_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_certificates_uscc'), ['uscc'], unique=False)
        batch_op.create_index('ix_rating_certificates_state_due', ['state', 'return_due_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rating_certificates', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_certificates_state_due')
        batch_op.drop_index(batch_op.f('ix_rating_certificates_uscc'))
        batch_op.drop_index(batch_op.f('ix_rating_certificates_rating_id'))
    op.drop_table('rating_certificates')
