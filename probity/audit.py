"""The append-only, hash-chained audit log: ``record()`` one event, ``verify()`` the chain.

Each event's ``hash`` is SHA-256 over the previous event's hash and this event's canonical
fields, so editing, inserting or deleting any row breaks the chain from that row on. The database
refuses UPDATE and DELETE on ``audit_events`` (triggers, migration 0002); the chain is what shows
an edit made by someone who could drop the triggers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from probity.models import AuditEvent, utcnow

GENESIS = "0" * 64
# Serialises chain appends on PostgreSQL until the transaction ends (an arbitrary fixed key).
_PG_LOCK_KEY = 0x50524F42  # "PROB"


def _canonical_time(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    fields = {
        "at": _canonical_time(event.at),
        "actor": event.actor,
        "role": event.role,
        "force_id": event.force_id,
        "action": event.action,
        "object_type": event.object_type or "",
        "object_id": event.object_id or "",
        "purpose": event.purpose or "",
        "detail": event.detail,
    }
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def record(
    session: Session,
    *,
    actor: str,
    role: str,
    action: str,
    force_id: str | None = None,
    object_type: str = "",
    object_id: str | int = "",
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in ``session``'s transaction (it becomes visible when that commits)."""
    _lock_chain(session)
    last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        at=utcnow(), actor=actor[:80], role=role[:40], force_id=force_id, action=action[:80],
        object_type=object_type[:80], object_id=str(object_id)[:200], purpose=purpose,
        detail=_json_safe(detail) if detail is not None else None, prev_hash=last or GENESIS,
    )
    event.hash = event_hash(event.prev_hash, event)
    session.add(event)
    session.flush()
    return event


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    # Round-trip so the hash covers exactly what the database will return (no tuples, enums…).
    safe: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return safe


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""


def verify(session: Session, batch: int = 1000) -> ChainReport:
    """Walk the whole chain in id order; report the first event whose links or hash do not hold."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ))
        if not rows:
            return ChainReport(ok=True, checked=checked)
        for event in rows:
            if event.prev_hash != prev:
                return ChainReport(False, checked, event.id, "prev_hash does not match the previous event")
            if event_hash(prev, event) != event.hash:
                return ChainReport(False, checked, event.id, "hash does not match the event's contents")
            prev = event.hash
            checked += 1
            last_id = event.id
