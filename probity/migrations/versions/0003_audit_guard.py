"""Close the gaps the append-only triggers of 0002 left open.

PostgreSQL: TRUNCATE fires no row trigger, so a statement trigger refuses it.
SQLite: ``INSERT OR REPLACE`` deletes the row it conflicts with without firing DELETE triggers
(unless ``recursive_triggers`` is on, which a DBA's shell does not set), so a BEFORE INSERT
trigger refuses any insert that would collide with an existing event.

Revision ID: 0003_audit_guard
Revises: 0002
"""
from __future__ import annotations

from alembic import op

revision = "0003_audit_guard"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION probity_audit_append_only()")
    else:
        op.execute("CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events "
                   "WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id OR prev_hash = NEW.prev_hash "
                   "OR hash = NEW.hash) "
                   "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: this insert would replace an event'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_replace")
