"""a covering index for the statistics' read of annual reports (filed, late and overdue per year and day)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 01:00:00
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_search_annual_reports_statistics', 'search_annual_reports',
                    ['year', 'first_submitted_on', 'deadline', 'overdue_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_search_annual_reports_statistics', table_name='search_annual_reports')
