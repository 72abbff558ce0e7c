from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select, text
from typer.testing import CliRunner

from cli import app
from probity import keys
from probity.errors import ProbityError
from probity.models import ApiKey, KeyRole


def test_key_is_never_stored_in_plain_text(db_session, engine):
    new = keys.create_key(db_session, KeyRole.force, force_id="kent", name="Kent PSD")
    db_session.flush()
    for table in inspect(engine).get_table_names():
        for row in db_session.execute(text(f"SELECT * FROM {table}")):
            assert not any(isinstance(v, str) and new.key in v for v in row), table
    stored = db_session.scalar(select(ApiKey).where(ApiKey.prefix == new.record.prefix))
    assert stored.key_hash == keys.hash_key(new.key) != new.key
    assert new.key.startswith(stored.prefix + "_")


def test_authenticate_accepts_only_the_live_exact_key(db_session):
    new = keys.create_key(db_session, KeyRole.analyst)
    found = keys.authenticate(db_session, new.key)
    assert found is not None and found.id == new.record.id
    assert (
        keys.authenticate(db_session, new.key[:-1] + ("x" if new.key[-1] != "x" else "y")) is None
    )
    assert keys.authenticate(db_session, "not-a-key") is None
    keys.revoke_key(db_session, new.record.prefix)
    assert keys.authenticate(db_session, new.key) is None


def test_expired_key_is_refused(db_session):
    new = keys.create_key(
        db_session, KeyRole.analyst, expires_at=datetime.now(UTC) + timedelta(days=1)
    )
    assert keys.authenticate(db_session, new.key) is not None
    assert keys.authenticate(db_session, new.key, now=datetime.now(UTC) + timedelta(days=2)) is None


@pytest.mark.parametrize(
    ("role", "force", "message"),
    [
        ("force", None, "needs --force"),
        ("force", "scotland", "unknown force"),
        ("admin", "kent", "national"),
    ],
)
def test_key_scope_rules(db_session, role, force, message):
    with pytest.raises(ProbityError, match=message):
        keys.create_key(db_session, role, force_id=force)


def test_cli_prints_the_key_alone_then_lists_and_revokes_it(use_database):
    runner = CliRunner()
    created = runner.invoke(app, ["keys", "create", "--role", "force", "--force", "wiltshire"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert created.stdout == key + "\n" and key.startswith("pb_")
    prefix = keys.key_prefix(key)
    listed = runner.invoke(app, ["keys", "list"])
    assert prefix in listed.stdout and key not in listed.stdout and "wiltshire" in listed.stdout
    revoked = runner.invoke(app, ["keys", "revoke", prefix])
    assert revoked.exit_code == 0
    from probity.db import get_engine, session_scope

    with session_scope(get_engine(use_database)) as session:
        assert keys.authenticate(session, key) is None
        session.execute(text("DELETE FROM api_keys WHERE prefix = :p"), {"p": prefix})


def test_cli_rejects_a_force_key_without_a_force(use_database):
    result = CliRunner().invoke(app, ["keys", "create", "--role", "force"])
    assert result.exit_code != 0
