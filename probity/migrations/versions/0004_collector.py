"""Predictions of a post's later versions (an edited post is classified again).

Revision ID: 0004_collector
Revises: 0003_audit_guard
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import probity.models.base

revision = "0004_collector"
down_revision = "0003_audit_guard"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "version_predictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_version_id", sa.Integer(), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("scores", JSON, nullable=False),
        sa.Column("labels", JSON, nullable=False),
        sa.Column("explanation", JSON, nullable=True),
        sa.Column("created_at", probity.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_version_predictions_model_version_id_model_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["post_version_id"],
            ["post_versions.id"],
            name=op.f("fk_version_predictions_post_version_id_post_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version_predictions")),
        sa.UniqueConstraint(
            "post_version_id",
            "model_version_id",
            name=op.f("uq_version_predictions_post_version_id_model_version_id"),
        ),
    )
    with op.batch_alter_table("version_predictions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_version_predictions_post_version_id"), ["post_version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("version_predictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_version_predictions_post_version_id"))
    op.drop_table("version_predictions")
