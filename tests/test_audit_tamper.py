"""Tampering with the audit log: each attempt is refused by the database or reported by verify.

A DBA-level attacker is simulated with raw SQL on the same database: TRUNCATE, a replacing
insert, a forked append, a rewritten tail with recomputed hashes, and a deleted tail.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from typer.testing import CliRunner

from cli import app as probity_cli
from probity import audit as audit_log
from probity.db import get_engine, session_scope, upgrade
from probity.models import AuditEvent
from probity.settings import reset_settings_cache


@pytest.fixture
def chain(fresh_database_url: str) -> Engine:
    upgrade(fresh_database_url)
    engine = get_engine(fresh_database_url)
    with session_scope(engine) as session:
        for i in range(6):
            audit_log.record(
                session,
                actor="pb_test0001",
                role="analyst",
                action="flags.read",
                object_type="flag",
                object_id=i,
                detail={"n": i},
            )
    return engine


def _drop_guards(engine: Engine) -> None:
    """What a DBA with DDL rights can do first: remove every trigger."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for name in ("audit_events_append_only", "audit_events_no_truncate"):
                conn.execute(text(f"DROP TRIGGER {name} ON audit_events"))
        else:
            for name in (
                "audit_events_no_update",
                "audit_events_no_delete",
                "audit_events_no_replace",
            ):
                conn.execute(text(f"DROP TRIGGER {name}"))


def _verify(engine: Engine) -> audit_log.ChainReport:
    with session_scope(engine) as session:
        return audit_log.verify(session)


def test_emptying_the_log_is_refused(chain):
    statement = (
        "TRUNCATE audit_events"
        if chain.dialect.name == "postgresql"
        else "DELETE FROM audit_events"
    )
    with pytest.raises(Exception, match="append-only"), chain.begin() as conn:
        conn.execute(text(statement))
    assert _verify(chain).checked == 6


def test_a_replacing_insert_is_refused(chain):
    with chain.connect() as conn:
        row = conn.execute(
            text("SELECT id, at, prev_hash, hash FROM audit_events ORDER BY id LIMIT 1 OFFSET 2")
        ).one()
    values = {"id": row.id, "at": row.at, "prev": row.prev_hash, "hash": "f" * 64}
    if chain.dialect.name == "postgresql":
        statement = (
            "INSERT INTO audit_events (id, at, actor, role, action, object_type, object_id, purpose, "
            "prev_hash, hash) VALUES (:id, :at, 'x', 'x', 'x', '', '', '', :prev, :hash) "
            "ON CONFLICT (id) DO UPDATE SET actor = 'rewritten'"
        )
    else:
        statement = (
            "INSERT OR REPLACE INTO audit_events (id, at, actor, role, action, object_type, object_id, "
            "purpose, prev_hash, hash) VALUES (:id, :at, 'x', 'x', 'x', '', '', '', :prev, :hash)"
        )
    with pytest.raises(Exception, match="append-only"), chain.begin() as conn:
        conn.execute(text(statement), values)
    assert _verify(chain).ok


def test_a_second_event_after_the_same_one_is_refused(chain):
    """The chain cannot fork: a prev_hash is used once, whatever the concurrency."""
    with chain.connect() as conn:
        prev = conn.execute(
            text("SELECT prev_hash, at FROM audit_events ORDER BY id DESC LIMIT 1")
        ).one()
    with pytest.raises(Exception, match="(?i)unique|append-only"), chain.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_events (at, actor, role, action, object_type, object_id, purpose, "
                "prev_hash, hash) VALUES (:at, 'x', 'x', 'x', '', '', '', :prev, :hash)"
            ),
            {"at": prev.at, "prev": prev.prev_hash, "hash": "e" * 64},
        )


def _rewrite_tail(engine: Engine, from_index: int, digest) -> int:
    """Edit one event and recompute every hash from it on with ``digest(prev, event)``."""
    _drop_guards(engine)
    with session_scope(engine) as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        events[from_index].detail = {"n": 999}
        prev = events[from_index - 1].hash
        for event in events[from_index:]:
            event.prev_hash = prev
            event.hash = prev = digest(prev, event)
        return events[from_index].id


def test_a_tail_recomputed_without_the_key_is_reported(chain):
    def unkeyed(prev: str, event: AuditEvent) -> str:  # the old scheme: plain SHA-256
        body = audit_log.event_hash(prev, event, key=b"")  # any key but the real one
        return hashlib.sha256(body.encode()).hexdigest()

    edited = _rewrite_tail(chain, 3, unkeyed)
    report = _verify(chain)
    assert not report.ok and report.first_bad_id == edited and report.checked == 3


def test_a_tail_recomputed_with_the_key_verifies(chain):
    """The control for the test above: the key, not anything else, is what the attacker lacks."""
    _rewrite_tail(chain, 3, lambda prev, event: audit_log.event_hash(prev, event))
    assert _verify(chain).ok


def test_a_deleted_tail_shows_against_an_anchor(
    chain, fresh_database_url, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("PROBITY_DATABASE_URL", fresh_database_url)
    reset_settings_cache()
    anchors = tmp_path / "anchors.jsonl"
    runner = CliRunner()
    anchored = runner.invoke(probity_cli, ["audit", "anchor", "--out", str(anchors)])
    assert anchored.exit_code == 0, anchored.output
    head = json.loads(anchors.read_text().splitlines()[0])
    ok = runner.invoke(probity_cli, ["audit", "verify", "--anchors", str(anchors)])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ok"] is True, ok.output
    _drop_guards(chain)
    with chain.begin() as conn:  # remove the anchored head and everything after it
        conn.execute(text("DELETE FROM audit_events WHERE id >= :id"), {"id": head["id"]})
    assert _verify(chain).ok  # the shorter chain is internally consistent…
    cut = runner.invoke(probity_cli, ["audit", "verify", "--anchors", str(anchors)])
    assert cut.exit_code == 1  # …but the anchor shows the cut
    assert f"anchored event {head['id']}" in json.loads(cut.stdout)["anchor_problems"][0]


def test_cli_actions_on_keys_leave_events(fresh_database_url, monkeypatch):
    upgrade(fresh_database_url)
    monkeypatch.setenv("PROBITY_DATABASE_URL", fresh_database_url)
    reset_settings_cache()
    runner = CliRunner()
    created = runner.invoke(probity_cli, ["keys", "create", "--role", "analyst"])
    prefix = "_".join(created.stdout.strip().split("_")[:2])
    assert runner.invoke(probity_cli, ["keys", "list"]).exit_code == 0
    assert runner.invoke(probity_cli, ["keys", "revoke", prefix]).exit_code == 0
    with session_scope(get_engine(fresh_database_url)) as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        assert audit_log.verify(session).ok
    assert [(e.action, e.object_id) for e in events] == [
        ("keys.create", prefix),
        ("keys.list", ""),
        ("keys.revoke", prefix),
    ]
    assert all(e.actor.startswith("cli:") and e.role == "operator" for e in events)
    detail = events[1].detail or {}
    assert detail["count"] == 1 and len(detail["ids"]) == 1
