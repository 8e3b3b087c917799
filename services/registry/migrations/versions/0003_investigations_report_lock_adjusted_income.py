"""investigations (立案调查, R9.3); the annual report's N189 adjusted income and its R4.4 lock count

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 00:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('investigations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('authority', sa.String(length=200), nullable=False),
    sa.Column('case_number', sa.String(length=200), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('closed_by', sa.String(length=100), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['uscc'], ['organizations.uscc'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uscc', 'authority', 'case_number', name='uq_investigations_case')
    )
    with op.batch_alter_table('investigations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_investigations_uscc'), ['uscc'], unique=False)

    with op.batch_alter_table('annual_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('income_adjusted', sa.Numeric(precision=18, scale=2), nullable=True))
        batch_op.add_column(sa.Column('returns_unlocked', sa.Integer(), server_default='0', nullable=False))
    # reports filed before 0003 declared no N189 adjustments: their adjusted income is their income
    op.execute("UPDATE annual_reports SET income_adjusted = income_total")


def downgrade() -> None:
    with op.batch_alter_table('annual_reports', schema=None) as batch_op:
        batch_op.drop_column('returns_unlocked')
        batch_op.drop_column('income_adjusted')
    with op.batch_alter_table('investigations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_investigations_uscc'))
    op.drop_table('investigations')
