"""Reads' audit events off the chain's lock: stage now, chain shortly after.

A read (and any event that need not commit atomically with a change) is *staged*: one insert
into ``audit_staging`` in a short transaction, with no lock, so concurrent reads never wait on
each other. Each staged row carries ``mac``, the HMAC of its fields under the audit key, so an
edit before it is chained is detected. One *chainer* per deployment (the process that wins a
PostgreSQL try-lock; on SQLite every process's chainer, serialised by the write lock) moves
staged rows into the HMAC chain in ``audit_events`` in id order, each chained event recording
its ``staged_id`` (unique: chained once), and counts the batch's openings of personal records
for the daily view budget (``probity.oversight.bump_views``). Changes (decisions, keys…) still
append their event in their own transaction (``probity.audit.record``).

``verify_queue`` reports what is staged but not yet chained (count, oldest) and checks each such
row's MAC; ``probity.audit.verify`` covers the chain.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.orm import Session

from probity import oversight
from probity.audit import GENESIS, _json_safe, _lock_chain, _new_event, chain_key, event_hash
from probity.models import AuditEvent, AuditStaged, utcnow
from probity.settings import get_settings

log = logging.getLogger(__name__)
# The "previous hash" a staged row's MAC is computed over: it is not in the chain yet.
STAGED = "staged"
# Held (session-level) by the one process that chains for the deployment (PostgreSQL).
_PG_CHAINER_KEY = 0x50524F43  # "PROC"
# A staging id not seen this long after a higher one was is taken as rolled back; a later
# appearance is still found by the chainer's periodic re-check.
GAP_GRACE_SECONDS = 30.0
CHAINER_THREAD = "audit-chainer"


def _staged_row(fields: dict[str, Any], at: datetime) -> AuditStaged:
    detail = fields.get("detail")
    row = AuditStaged(
        at=at,
        actor=fields["actor"][:80],
        role=fields["role"][:40],
        force_id=fields.get("force_id"),
        action=fields["action"][:80],
        object_type=fields.get("object_type", "")[:80],
        object_id=str(fields.get("object_id", ""))[:200],
        purpose=fields.get("purpose", ""),
        detail=_json_safe(detail) if detail is not None else None,
    )
    row.mac = event_hash(STAGED, row)
    return row


def stage(session: Session, **fields: Any) -> AuditStaged:
    """Stage one event (``probity.audit.record``'s keyword arguments) in ``session``'s
    transaction: one insert, no lock. Durable when that transaction commits."""
    row = _staged_row(fields, utcnow())
    session.add(row)
    return row


def _fields(row: AuditStaged) -> dict[str, Any]:
    return {
        "at": row.at,
        "actor": row.actor,
        "role": row.role,
        "force_id": row.force_id,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "purpose": row.purpose,
        "detail": row.detail,
        "staged_id": row.id,
    }


def _mac_ok(row: AuditStaged, key: bytes) -> bool:
    return hmac.compare_digest(event_hash(STAGED, row, key), row.mac)


def chain_pending(
    session: Session, *, after: int = 0, limit: int = 500, budget: int | None = None
) -> list[int]:
    """Chain up to ``limit`` staged events with id above ``after`` that are not chained yet, in
    id order, in ``session``'s transaction (under the chain's lock: the caller commits soon).
    Counts their openings for the view budget; an opening over it appends the alert after them.
    A row whose MAC fails is left unchained (``verify_queue`` reports it). The ids chained."""
    _lock_chain(session)
    # selected after the lock: a concurrent chainer's events are visible, none chained twice
    rows = list(
        session.scalars(
            select(AuditStaged)
            .outerjoin(AuditEvent, AuditEvent.staged_id == AuditStaged.id)
            .where(AuditStaged.id > after, AuditEvent.id.is_(None))
            .order_by(AuditStaged.id)
            .limit(limit)
        )
    )
    if not rows:
        return []
    key = chain_key()
    good = []
    for row in rows:
        if _mac_ok(row, key):
            good.append(row)
        else:
            log.error("staged audit event %d fails its MAC: left unchained", row.id)
    last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    events = []
    for row in good:
        event = _new_event(last or GENESIS, _fields(row))
        last = event.hash
        events.append(event)
    for alert in _count_views(session, good, budget):
        event = _new_event(last or GENESIS, alert)
        last = event.hash
        events.append(event)
    session.add_all(events)
    session.flush()
    return [row.id for row in good]


def _count_views(
    session: Session, rows: list[AuditStaged], budget: int | None
) -> list[dict[str, Any]]:
    """The batch's openings per (actor, day), added in one upsert each; the alerts to append."""
    groups: dict[tuple[str, Any], list[AuditStaged]] = defaultdict(list)
    for row in rows:
        if row.action in oversight.VIEW_ACTIONS and row.role in oversight.COUNTED_ROLES:
            groups[(row.actor, row.at.date())].append(row)
    if not groups:
        return []
    budget = budget if budget is not None else get_settings().daily_view_budget
    alerts = []
    now = utcnow()
    for (actor, day), opened in groups.items():
        _, alert = oversight.bump_views(
            session,
            actor=actor,
            role=opened[0].role,
            force_id=opened[0].force_id,
            day=day,
            n=len(opened),
            budget=budget,
            now=now,
        )
        if alert is not None:
            alerts.append(alert)
    return alerts


def chain_all(bind: Engine | Connection, budget: int | None = None) -> int:
    """Chain everything staged now (each batch its own transaction); the number chained."""
    total = 0
    while True:
        with Session(bind=bind, expire_on_commit=False) as session:
            chained = chain_pending(session, budget=budget)
            session.commit()
        total += len(chained)
        if not chained:
            return total


@dataclass(frozen=True)
class QueueReport:
    """Staged events not yet chained: how many, the oldest's time, and rows failing their MAC."""

    pending: int
    oldest: datetime | None
    bad_ids: list[int]

    @property
    def ok(self) -> bool:
        return not self.bad_ids

    def as_dict(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "oldest": self.oldest.isoformat() if self.oldest else None,
            "bad_staged_ids": self.bad_ids[:20],
        }


def verify_queue(session: Session, batch: int = 1000, key: bytes | None = None) -> QueueReport:
    """Check every staged event not yet chained against its MAC (an edit shows) and every chained
    one against its event; count those waiting."""
    key = key if key is not None else chain_key()
    unchained = (
        select(AuditStaged)
        .outerjoin(AuditEvent, AuditEvent.staged_id == AuditStaged.id)
        .where(AuditEvent.id.is_(None))
    )
    pending, last_id = 0, 0
    oldest: datetime | None = None
    bad: list[int] = []
    while True:
        rows = list(
            session.scalars(
                unchained.where(AuditStaged.id > last_id).order_by(AuditStaged.id).limit(batch)
            )
        )
        if not rows:
            # a chained row's staging copy must still match its event
            return QueueReport(pending, oldest, bad + verify_chained_staging(session, batch))
        for row in rows:
            pending += 1
            oldest = row.at if oldest is None or row.at < oldest else oldest
            if not _mac_ok(row, key):
                bad.append(row.id)
            last_id = row.id


def verify_chained_staging(session: Session, batch: int = 1000) -> list[int]:
    """Staged rows whose chained event no longer matches them (the staging row was edited after
    chaining, with the triggers dropped): their ids. The chain itself is checked by ``verify``."""
    bad: list[int] = []
    last_id = 0
    while True:
        pairs = list(
            session.execute(
                select(AuditStaged, AuditEvent)
                .join(AuditEvent, AuditEvent.staged_id == AuditStaged.id)
                .where(AuditStaged.id > last_id)
                .order_by(AuditStaged.id)
                .limit(batch)
            ).all()
        )
        if not pairs:
            return bad
        for row, event in pairs:
            if event_hash(STAGED, row) != event_hash(STAGED, _as_unchained(event)):
                bad.append(row.id)
            last_id = row.id


def _as_unchained(event: AuditEvent) -> AuditEvent:
    copy = AuditEvent(**{k: getattr(event, k) for k in _COPIED})
    return copy


_COPIED = (
    "at",
    "actor",
    "role",
    "force_id",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "detail",
)


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
        while not self._stopping.is_set():
            try:
                if postgres:
                    with self._engine.connect() as holder:
                        won = holder.scalar(
                            text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_CHAINER_KEY}
                        )
                        holder.commit()
                        if won:
                            self._serve()  # returns only on an error (the lock goes with holder)
                else:
                    self._serve()
            except Exception:  # keep chaining after a failed pass
                log.exception("audit chainer pass failed")
            self._stopping.wait(1.0)

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
