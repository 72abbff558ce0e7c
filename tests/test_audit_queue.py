"""Reads' audit events staged without a lock and chained after: many threads staging while
others append changes in their own transactions and a chainer thread runs leave one unbroken,
unforked chain holding every staged event once; staged rows are append-only, and an edit to one
(before or after it is chained) is reported by ``verify_queue``."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from probity import audit as audit_log
from probity import audit_queue
from probity.audit_chainer import Chainer
from probity.db import get_engine, session_factory, session_scope, upgrade
from probity.models import AuditEvent, AuditStaged


def _event(n: int, kind: str) -> dict[str, object]:
    return {
        "actor": f"pb_{kind}{n % 7}",
        "role": "analyst",
        "action": f"test.{kind}",
        "object_type": "flag",
        "object_id": n,
        "detail": {"n": n},
    }


def test_staged_reads_and_in_transaction_records_keep_one_chain(
    committed_database_url: str,
) -> None:
    engine = get_engine(committed_database_url)
    factory = session_factory(engine)
    chainer = Chainer(engine, interval=0.01)
    errors: list[BaseException] = []
    staged: list[int] = []
    tally = threading.Lock()

    def reader(offset: int) -> None:
        try:
            for n in range(offset, offset + 15):
                with factory() as session:
                    row = audit_queue.stage(session, **_event(n, "read"))
                    session.commit()
                    with tally:
                        staged.append(row.id)
                chainer.wake()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def writer(offset: int) -> None:
        try:
            for n in range(offset, offset + 5):
                with factory() as session:
                    audit_log.record(session, **_event(n, "write"))  # type: ignore[arg-type]
                    session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(100 * i,)) for i in range(8)]
    threads += [threading.Thread(target=writer, args=(1000 + 100 * i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(staged)) == 8 * 15

    def chained() -> list[int]:
        with factory() as session:
            return list(
                session.scalars(
                    select(AuditEvent.staged_id).where(AuditEvent.staged_id.in_(staged))
                )
            )

    deadline = time.monotonic() + 30  # the chainer thread, not the test, chains them
    while len(chained()) < len(staged) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(chained()) == sorted(staged)  # every staged event, once
    chainer.stop()
    assert audit_queue.chain_all(engine) == 0  # nothing left behind
    with factory() as session:
        report = audit_log.verify(session)
        forks = session.scalar(
            select(func.count()).select_from(
                select(AuditEvent.prev_hash)
                .group_by(AuditEvent.prev_hash)
                .having(func.count() > 1)
                .subquery()
            )
        )
        queue = audit_queue.verify_queue(session)
        # a chained read keeps what was staged: its time and fields
        pairs = session.execute(
            select(AuditStaged, AuditEvent)
            .join(AuditEvent, AuditEvent.staged_id == AuditStaged.id)
            .where(AuditStaged.id.in_(staged[:5]))
        ).all()
    assert report.ok, report
    assert forks == 0
    assert queue.ok and queue.pending == 0, queue
    for row, event in pairs:
        assert (event.at, event.actor, event.detail) == (row.at, row.actor, row.detail)


def _staged_db(url: str) -> list[int]:
    upgrade(url)
    with session_scope(get_engine(url)) as session:
        rows = [audit_queue.stage(session, **_event(n, "read")) for n in range(4)]
        session.flush()
        return [row.id for row in rows]


def _drop_triggers(conn) -> None:  # a DBA with rights to drop the triggers
    if conn.dialect.name == "postgresql":
        conn.execute(text("DROP TRIGGER audit_staging_append_only ON audit_staging"))
    else:
        conn.execute(text("DROP TRIGGER audit_staging_no_update"))


def test_staging_is_append_only_and_an_edited_waiting_row_is_reported(fresh_database_url):
    ids = _staged_db(fresh_database_url)
    engine = get_engine(fresh_database_url)
    for statement in ("UPDATE audit_staging SET object_id = '99'", "DELETE FROM audit_staging"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.begin() as conn:
        _drop_triggers(conn)
        conn.execute(
            text("UPDATE audit_staging SET object_id = '99' WHERE id = :id"), {"id": ids[1]}
        )
    with session_scope(engine) as session:
        queue = audit_queue.verify_queue(session)
        assert queue.pending == 4 and queue.bad_ids == [ids[1]] and not queue.ok
    # the chainer does not launder it into the chain: it stays waiting, and reported
    assert audit_queue.chain_all(engine) == 3
    with session_scope(engine) as session:
        queue = audit_queue.verify_queue(session)
        assert queue.pending == 1 and queue.bad_ids == [ids[1]]
        assert audit_log.verify(session).ok
    engine.dispose()


def test_an_edit_to_a_chained_staging_row_is_reported(fresh_database_url):
    ids = _staged_db(fresh_database_url)
    engine = get_engine(fresh_database_url)
    assert audit_queue.chain_all(engine) == 4
    with engine.begin() as conn:
        _drop_triggers(conn)
        conn.execute(
            text("UPDATE audit_staging SET actor = 'pb_else' WHERE id = :id"), {"id": ids[2]}
        )
    with session_scope(engine) as session:
        queue = audit_queue.verify_queue(session)
        assert queue.pending == 0 and queue.bad_ids == [ids[2]]
    engine.dispose()
