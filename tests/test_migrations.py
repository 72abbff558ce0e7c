import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from cli import app
from probity import db
from probity.models import AuditEvent, Base, ForceRow


def _head() -> str:
    """The newest revision of the history (one head: the migrations form a single chain)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(db.alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def test_upgrade_an_empty_database_gives_a_schema_equal_to_the_models(fresh_database_url):
    db.upgrade(fresh_database_url)
    engine = db.get_engine(fresh_database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    assert db.current_revision(engine) == _head()
    assert set(Base.metadata.tables) <= db.table_names(engine)


def test_upgrade_twice_is_a_no_op_and_keeps_44_forces(fresh_database_url):
    db.upgrade(fresh_database_url)
    db.upgrade(fresh_database_url)
    with db.session_scope(db.get_engine(fresh_database_url)) as session:
        assert session.scalar(select(func.count()).select_from(ForceRow)) == 44


def test_downgrade_to_base_and_back(fresh_database_url):
    from alembic import command

    db.upgrade(fresh_database_url)
    engine = db.get_engine(fresh_database_url)
    with engine.begin() as conn:
        cfg = db.alembic_config(fresh_database_url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert "posts" not in db.table_names(engine)
    db.upgrade(fresh_database_url)
    assert "posts" in db.table_names(engine)


def test_cli_db_upgrade_on_the_configured_engine(fresh_database_url, monkeypatch):
    from probity.settings import reset_settings_cache

    monkeypatch.setenv("PROBITY_DATABASE_URL", fresh_database_url)
    reset_settings_cache()
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["db", "current"])
    assert result.stdout.strip() == _head()


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET action = 'edited'", "DELETE FROM audit_events"]
)
def test_audit_events_are_append_only_in_the_database(db_session, statement):
    # fresh link values: the shared database may already hold real events (CLI tests commit some)
    db_session.execute(
        insert(AuditEvent).values(
            actor="t",
            role="admin",
            action="a",
            prev_hash=uuid.uuid4().hex * 2,
            hash=uuid.uuid4().hex * 2,
        )
    )
    db_session.flush()
    with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
        db_session.execute(text(statement))
