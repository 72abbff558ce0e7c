"""Proportionate looking: per-analyst daily view counts and their budget alerts (issue #15).

Revision ID: 0009_access
Revises: 0008_retention
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import probity.models.base

revision = "0009_access"
down_revision = "0008_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("force_id", sa.String(length=40), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("budget", sa.Integer(), nullable=False),
        sa.Column("alerted_at", probity.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_views")),
        sa.UniqueConstraint("actor", "day", name=op.f("uq_daily_views_actor_day")),
    )


def downgrade() -> None:
    op.drop_table("daily_views")
