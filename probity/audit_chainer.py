"""The audit chainer: one thread per API process that appends staged reads to the chain.

On PostgreSQL only the process holding a session-level try-lock chains (one per deployment);
the others retry every second, so one takes over if the holder dies. On SQLite every process's
chainer chains, serialised by the database's write lock. ``probity.audit_queue`` has the
staging and chaining functions this runs.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from probity.audit_queue import chain_pending
from probity.models import AuditEvent, AuditStaged

log = logging.getLogger(__name__)
# Held (session-level) by the one process that chains for the deployment (PostgreSQL).
_PG_CHAINER_KEY = 0x50524F43  # "PROC"
# A staging id not seen this long after a higher one was is taken as rolled back; a later
# appearance is still found by the chainer's periodic re-check.
GAP_GRACE_SECONDS = 30.0
CHAINER_THREAD = "audit-chainer"


class Chainer:
    """The process's chainer thread. Started by the first ``wake``; on PostgreSQL it chains only
    while it holds the deployment's try-lock (another process's chainer retries every second, so
    one takes over if the holder dies). Every ``interval`` seconds it chains whatever is staged
    (by any process), in batches of up to 500."""

    def __init__(self, engine: Engine, budget: int | None = None, interval: float = 0.5):
        self._engine = engine
        self._budget = budget
        self._interval = interval
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._start = threading.Lock()
        self._thread: threading.Thread | None = None
        self._low = 0  # every staged id at or below it is chained, or a gap given up on
        self._gaps: dict[int, float] = {}  # missing id -> when first seen missing
        self._given_up: dict[int, float] = {}  # gap id -> when given up on

    def wake(self) -> None:
        """A read was staged: make sure the thread runs. It is not woken for each read: one pass
        per ``interval`` chains every read staged meanwhile in one transaction, instead of a
        pass (six statements) per read competing with the requests for the cores."""
        self._ensure_thread()

    def stop(self, timeout: float = 10.0) -> None:
        """Chain what is staged, then end the thread (the application is shutting down)."""
        with self._start:
            thread, self._thread = self._thread, None
            if thread is None:
                return
            self._stopping.set()
            self._wake.set()
        thread.join(timeout)
        self._stopping.clear()

    def _ensure_thread(self) -> None:
        with self._start:
            if self._stopping.is_set():
                return
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=CHAINER_THREAD, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        postgres = self._engine.dialect.name == "postgresql"
        failures = 0
        while not self._stopping.is_set():
            try:
                if postgres:
                    self._serve_holding_lock()
                else:
                    self._serve()
                failures = 0
            except Exception:  # keep chaining after a failed pass
                failures += 1
                log.exception("audit chainer pass failed (%d in a row)", failures)
            # retry the lock every second; after failures, back off up to a minute
            self._stopping.wait(min(60.0, 2.0**failures) if failures else 1.0)

    def _serve_holding_lock(self) -> None:
        with self._engine.connect() as holder:
            won = holder.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_CHAINER_KEY})
            holder.commit()
            if not won:
                return  # another process chains
            try:
                self._serve()  # returns when stopping, raises on an error
            finally:
                # a session lock outlives the pool's reset: release it before the connection goes
                # back, or close the connection (which releases it) if that fails
                try:
                    holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_CHAINER_KEY})
                    holder.commit()
                except SQLAlchemyError:
                    holder.invalidate()

    def _serve(self) -> None:
        self._low = self._first_low()
        self._gaps.clear()
        last_recheck = time.monotonic()
        while True:
            self._wake.clear()
            while self._pass():
                pass
            if self._stopping.is_set():
                return
            if self._given_up and time.monotonic() - last_recheck > GAP_GRACE_SECONDS:
                self._recheck_given_up()
                last_recheck = time.monotonic()
            self._wake.wait(self._interval)

    def _first_low(self) -> int:
        with Session(bind=self._engine) as session:
            first = session.scalar(
                select(func.min(AuditStaged.id))
                .outerjoin(AuditEvent, AuditEvent.staged_id == AuditStaged.id)
                .where(AuditEvent.id.is_(None))
            )
            if first is not None:
                return int(first) - 1
            return int(session.scalar(select(func.max(AuditStaged.id))) or 0)

    def _pass(self) -> bool:
        """Chain one batch above the watermark, then advance it. True if anything was chained."""
        with Session(bind=self._engine, expire_on_commit=False) as session:
            chained = chain_pending(session, after=self._low, budget=self._budget)
            session.commit()
            self._advance(session)
        return bool(chained)

    def _advance(self, session: Session) -> None:
        # move the watermark over chained ids; stop at an unchained one or a fresh gap (a
        # transaction that took its id earlier may still commit)
        rows = session.execute(
            select(AuditStaged.id, AuditEvent.id)
            .outerjoin(AuditEvent, AuditEvent.staged_id == AuditStaged.id)
            .where(AuditStaged.id > self._low)
            .order_by(AuditStaged.id)
            .limit(5000)
        ).all()
        now = time.monotonic()
        expected = self._low + 1
        for staged_id, event_id in rows:
            while expected < staged_id:
                seen = self._gaps.setdefault(expected, now)
                if now - seen < GAP_GRACE_SECONDS:
                    return
                self._gaps.pop(expected)
                self._given_up[expected] = now
                self._low = expected
                expected += 1
            if event_id is None:
                return
            self._low = staged_id
            expected = staged_id + 1

    def _recheck_given_up(self) -> None:
        with Session(bind=self._engine) as session:
            late = list(
                session.scalars(
                    select(AuditStaged.id).where(AuditStaged.id.in_(sorted(self._given_up)))
                )
            )
            for staged_id in late:
                log.warning("staged audit event %d committed late: chaining it", staged_id)
            if late:
                with Session(bind=self._engine, expire_on_commit=False) as chaining:
                    chain_pending(chaining, after=min(late) - 1, budget=self._budget)
                    chaining.commit()
            forget = {i for i, at in self._given_up.items() if time.monotonic() - at > 3600}
            for staged_id in {*late, *forget}:
                self._given_up.pop(staged_id, None)
