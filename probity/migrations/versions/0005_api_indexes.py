"""Indexes the API's queue needs at national scale: flags by (status, id), and a GIN index on
flags.labels (PostgreSQL only) so the label filter ``labels @> '["offensive"]'`` uses an index.

Revision ID: 0005_api_indexes
Revises: 0003_audit_guard
"""
from __future__ import annotations

from alembic import op

revision = "0005_api_indexes"
down_revision = "0003_audit_guard"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_flags_status_id", "flags", ["status", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_flags_labels",
            "flags",
            ["labels"],
            postgresql_using="gin",
            postgresql_ops={"labels": "jsonb_path_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_flags_labels", table_name="flags")
    op.drop_index("ix_flags_status_id", table_name="flags")
