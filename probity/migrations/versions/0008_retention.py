"""Retention and subject rights: when a post's words were removed, when an account left scope,
when its profile was purged, and the analysts' rectifications of identification verdicts.

Revision ID: 0008_retention
Revises: 0007_jobs
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import probity.models.base

revision = "0008_retention"
down_revision = "0007_jobs"
branch_labels = None
depends_on = None

UTC = probity.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("text_removed_at", UTC, nullable=True))
    with op.batch_alter_table("platform_accounts") as batch:
        batch.add_column(sa.Column("left_scope_at", UTC, nullable=True))
        batch.add_column(sa.Column("left_scope_reason", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("profile_removed_at", UTC, nullable=True))
        batch.add_column(sa.Column("rectified_at", UTC, nullable=True))
    op.create_table(
        "verdict_rectifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("old_value", sa.String(length=80), nullable=True),
        sa.Column("new_value", sa.String(length=80), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("analyst", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["platform_accounts.id"],
            name=op.f("fk_verdict_rectifications_account_id_platform_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verdict_rectifications")),
    )
    op.create_index(
        op.f("ix_verdict_rectifications_account_id"),
        "verdict_rectifications",
        ["account_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_verdict_rectifications_account_id"), table_name="verdict_rectifications")
    op.drop_table("verdict_rectifications")
    with op.batch_alter_table("platform_accounts") as batch:
        batch.drop_column("rectified_at")
        batch.drop_column("profile_removed_at")
        batch.drop_column("left_scope_reason")
        batch.drop_column("left_scope_at")
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("text_removed_at")
