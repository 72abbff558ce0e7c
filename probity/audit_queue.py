"""Reads' audit events off the chain's lock: stage now, chain shortly after.

A read (and any event that need not commit atomically with a change) is *staged*: one insert
into ``audit_staging`` in a short transaction, with no lock, so concurrent reads never wait on
each other. Each staged row carries ``mac``, the HMAC of its fields under the audit key, so an
edit before it is chained is detected. One *chainer* per deployment (the process that wins a
PostgreSQL try-lock; on SQLite every process's chainer, serialised by the write lock;
``probity.audit_chainer``) moves
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
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from probity import oversight
from probity.audit import GENESIS, _json_safe, _lock_chain, _new_event, chain_key, event_hash
from probity.models import AuditEvent, AuditStaged, utcnow
from probity.settings import get_settings

log = logging.getLogger(__name__)
# The "previous hash" a staged row's MAC is computed over: it is not in the chain yet.
STAGED = "staged"


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
