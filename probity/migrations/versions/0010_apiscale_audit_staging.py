"""Reads' audit events off the chain's lock: ``audit_staging`` (append-only, like audit_events:
the same triggers) holds events committed without the lock; ``audit_events.staged_id`` records
which staged event a chained one is (unique: chained once).

Revision ID: 0010_apiscale_audit_staging
Revises: 0009_access
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import probity.models.base

revision = "0010_apiscale_audit_staging"
down_revision = "0009_access"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "audit_staging",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", probity.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("force_id", sa.String(length=40), nullable=True),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("object_type", sa.String(length=80), nullable=False),
        sa.Column("object_id", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("detail", _JSON, nullable=True),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_staging")),
    )
    # a unique index, not a constraint: SQLite can add it without rebuilding the table (a
    # rebuild would drop audit_events' append-only triggers)
    op.add_column("audit_events", sa.Column("staged_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_audit_events_staged_id"), "audit_events", ["staged_id"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        # the function of migration 0002 names audit_events in its message; staging gets its own
        op.execute(
            "CREATE OR REPLACE FUNCTION probity_audit_staging_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_staging is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_staging_append_only BEFORE UPDATE OR DELETE ON audit_staging "
            "FOR EACH ROW EXECUTE FUNCTION probity_audit_staging_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_staging_no_truncate BEFORE TRUNCATE ON audit_staging "
            "FOR EACH STATEMENT EXECUTE FUNCTION probity_audit_staging_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_staging_no_{verb.lower()} BEFORE {verb} ON audit_staging "
                "BEGIN SELECT RAISE(ABORT, 'audit_staging is append-only'); END"
            )
        op.execute(
            "CREATE TRIGGER audit_staging_no_replace BEFORE INSERT ON audit_staging "
            "WHEN EXISTS (SELECT 1 FROM audit_staging WHERE id = NEW.id) "
            "BEGIN SELECT RAISE(ABORT, 'audit_staging is append-only: this insert would "
            "replace an event'); END"
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_events_staged_id"), table_name="audit_events")
    # a plain ALTER (SQLite 3.35+), not a batch rebuild that would drop the triggers
    op.execute("ALTER TABLE audit_events DROP COLUMN staged_id")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE audit_staging")
        op.execute("DROP FUNCTION IF EXISTS probity_audit_staging_append_only()")
    else:
        op.execute("DROP TABLE audit_staging")
