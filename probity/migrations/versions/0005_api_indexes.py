"""What the API needs at national scale: flags by (status, id); a GIN index on flags.labels
(PostgreSQL only) so the label filter ``labels @> '["offensive"]'`` uses an index; and
``referrals.risk`` (the highest risk among a referral's flags, filled here for existing rows)
with indexes, so a referral list page reads one index range instead of ranking every referral.

Revision ID: 0005_api_indexes
Revises: 0004_collector
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_api_indexes"
down_revision = "0004_collector"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_flags_status_id", "flags", ["status", "id"])
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("risk", sa.Double(), server_default="0", nullable=False))
    op.execute(
        "UPDATE referrals SET risk = COALESCE((SELECT max(f.risk) FROM referral_items i "
        "JOIN flags f ON f.id = i.flag_id WHERE i.referral_id = referrals.id), 0)"
    )
    op.create_index("ix_referrals_force_id_risk", "referrals", ["force_id", "risk"])
    op.create_index("ix_referrals_risk", "referrals", ["risk"])
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
    op.drop_index("ix_referrals_risk", table_name="referrals")
    op.drop_index("ix_referrals_force_id_risk", table_name="referrals")
    with op.batch_alter_table("referrals") as batch:
        batch.drop_column("risk")
    op.drop_index("ix_flags_status_id", table_name="flags")
