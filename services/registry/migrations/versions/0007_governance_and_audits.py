"""foundation governance (R2.1.4, JJH arts 20-24) and financial audits before 换届 or a new legal representative (R5.1)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('foundation_governance',
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('term_years', sa.Integer(), nullable=False),
    sa.Column('term_started_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uscc'], ['organizations.uscc'], ),
    sa.PrimaryKeyConstraint('uscc')
    )
    op.create_table('financial_audits',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('firm', sa.String(length=200), nullable=False),
    sa.Column('report_number', sa.String(length=200), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_on', sa.Date(), nullable=True),
    sa.Column('used_for', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['uscc'], ['organizations.uscc'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uscc', 'firm', 'report_number', name='uq_financial_audits_report')
    )
    with op.batch_alter_table('financial_audits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_financial_audits_uscc'), ['uscc'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('financial_audits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_financial_audits_uscc'))
    op.drop_table('financial_audits')
    op.drop_table('foundation_governance')
