"""The request budget the background workers share (jobs/): one token bucket per API token.

Procrastinate's own tables (the job queue) are not part of this history: ``probity worker`` and
``probity run`` apply Procrastinate's schema on PostgreSQL when it is missing (jobs/queue.py).

Revision ID: 0007_jobs
Revises: 0005_api_indexes
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_jobs"
down_revision = "0005_api_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_budgets",
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_budgets")),
    )


def downgrade() -> None:
    op.drop_table("rate_budgets")
