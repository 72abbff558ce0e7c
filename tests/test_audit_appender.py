"""The batched audit appender: reads appended from many threads, while other transactions
append their own events, leave one unbroken, unforked chain with every event in it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from probity import audit as audit_log
from probity.db import get_engine, session_factory
from probity.models import AuditEvent


def _event(n: int, kind: str) -> dict[str, object]:
    return {
        "actor": f"pb_{kind}{n % 7}",
        "role": "analyst",
        "action": f"test.{kind}",
        "object_type": "flag",
        "object_id": n,
        "detail": {"n": n},
    }


def test_appender_and_in_transaction_records_keep_one_chain(committed_database_url: str) -> None:
    engine = get_engine(committed_database_url)
    factory = session_factory(engine)
    appender = audit_log.ChainAppender(engine)
    with factory() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    errors: list[BaseException] = []
    ids: list[int] = []
    tally = threading.Lock()

    def reader(offset: int) -> None:
        try:
            for n in range(offset, offset + 15):
                event_id = appender.append(**_event(n, "read"))
                with tally:
                    ids.append(event_id)
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
    with factory() as session:
        report = audit_log.verify(session)
        total = session.scalar(select(func.count()).select_from(AuditEvent))
        forks = session.scalar(
            select(func.count()).select_from(
                select(AuditEvent.prev_hash)
                .group_by(AuditEvent.prev_hash)
                .having(func.count() > 1)
                .subquery()
            )
        )
        # append returned only once its event was committed, with that event's id
        appended = set(
            session.scalars(select(AuditEvent.id).where(AuditEvent.action == "test.read"))
        )
    assert report.ok, report
    assert forks == 0
    assert total == before + 8 * 15 + 3 * 5
    assert set(ids) <= appended and len(set(ids)) == 8 * 15


def test_a_failed_append_raises_in_every_waiting_request(committed_database_url: str) -> None:
    appender = audit_log.ChainAppender(get_engine(committed_database_url))
    with pytest.raises(KeyError):  # an event without an actor cannot be written
        appender.append(role="analyst", action="test.bad")
    # the appender keeps working after a failed batch
    assert appender.append(**_event(1, "after")) > 0
