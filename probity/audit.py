"""The append-only, keyed hash chain of audit events: ``record()`` one event, ``verify()`` the
chain, ``head()`` for an anchor kept outside the database.

Each event's ``hash`` is HMAC-SHA-256, keyed with ``PROBITY_AUDIT_KEY`` (a setting, never stored
in the database), over the previous event's hash and this event's canonical fields. Editing,
inserting or deleting a row breaks the chain from that row on, and someone with the database but
not the key cannot recompute a valid tail. The database refuses UPDATE, DELETE, TRUNCATE and
replacing inserts (migrations 0002, 0003) and one ``prev_hash`` cannot be used twice (so the chain
cannot fork). A deleted *tail* leaves a valid shorter chain: only an anchor written elsewhere
(``probity audit anchor``) shows it. The threat model is in docs/api.md.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from probity.db import lock_for_write
from probity.models import AuditEvent, AuditStaged, utcnow
from probity.settings import get_settings

GENESIS = "0" * 64
# Serialises chain appends on PostgreSQL until the transaction ends (an arbitrary fixed key).
_PG_LOCK_KEY = 0x50524F42  # "PROB"


def _canonical_time(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_key() -> bytes:
    return get_settings().audit_key.get_secret_value().encode()


def event_hash(prev_hash: str, event: AuditEvent | AuditStaged, key: bytes | None = None) -> str:
    fields: dict[str, Any] = {
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
    staged_id = getattr(event, "staged_id", None)
    if staged_id is not None:  # only chained reads carry it: older events hash as before
        fields["staged_id"] = staged_id
    body = json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    message = f"{prev_hash}\n{body}".encode()
    return hmac.new(key if key is not None else chain_key(), message, hashlib.sha256).hexdigest()


def _lock_chain(session: Session) -> None:
    # Held until the transaction ends, so callers append last, just before they commit.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    else:
        lock_for_write(session)


def _new_event(prev_hash: str, fields: dict[str, Any]) -> AuditEvent:
    """An event after ``prev_hash``; ``fields`` may carry ``at`` and ``staged_id`` (a chained
    staged read keeps the time it was read)."""
    detail = fields.get("detail")
    event = AuditEvent(
        at=fields.get("at") or utcnow(),
        actor=fields["actor"][:80],
        role=fields["role"][:40],
        force_id=fields.get("force_id"),
        action=fields["action"][:80],
        object_type=fields.get("object_type", "")[:80],
        object_id=str(fields.get("object_id", ""))[:200],
        purpose=fields.get("purpose", ""),
        detail=_json_safe(detail) if detail is not None else None,
        prev_hash=prev_hash,
        staged_id=fields.get("staged_id"),
    )
    event.hash = event_hash(event.prev_hash, event)
    return event


def append_many(session: Session, many: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append events (each a dict of ``record``'s keyword arguments) in ``session``'s
    transaction, in order, under one hold of the chain's lock (held until the transaction ends)."""
    _lock_chain(session)
    last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    events = []
    for fields in many:
        event = _new_event(last or GENESIS, fields)
        last = event.hash
        events.append(event)
    session.add_all(events)
    session.flush()
    return events


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
    """Append one event in ``session``'s transaction (it becomes visible when that commits).

    This takes the chain's lock until the transaction ends: call it after the work is done.
    An event that records no change of its own (a read) can be staged instead
    (``probity.audit_queue.stage``), which takes no lock; the chainer appends it shortly after."""
    fields = {
        "actor": actor,
        "role": role,
        "action": action,
        "force_id": force_id,
        "object_type": object_type,
        "object_id": object_id,
        "purpose": purpose,
        "detail": detail,
    }
    return append_many(session, [fields])[0]


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


def list_detail(ids: list[int]) -> dict[str, Any]:
    """What a list event stores: every id shown, their count and a hash of the full list."""
    joined = ",".join(map(str, ids))
    return {
        "count": len(ids),
        "ids": list(ids),
        "ids_sha256": hashlib.sha256(joined.encode()).hexdigest(),
    }


def cli_actor() -> str:
    """The operating-system user behind a command-line action (the CLI has no API key)."""
    try:
        return "cli:" + getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name (containers): still record the event
        return "cli:unknown"


def record_cli(
    session: Session,
    action: str,
    *,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
    force_id: str | None = None,
    purpose: str = "",
) -> AuditEvent:
    """One event for a command-line action that reads or changes personal data or keys."""
    return record(
        session,
        actor=cli_actor(),
        role="operator",
        action=action,
        force_id=force_id,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        purpose=purpose or "command-line administration",
    )


@dataclass(frozen=True)
class Anchor:
    """The head of the chain at a moment, to be kept outside the database."""

    id: int
    hash: str
    at: str
    count: int

    def line(self) -> str:
        return json.dumps(
            {"id": self.id, "hash": self.hash, "at": self.at, "count": self.count}, sort_keys=True
        )


def head(session: Session) -> Anchor:
    last = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    count = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    now = _canonical_time(datetime.now(UTC))
    if last is None:
        return Anchor(0, GENESIS, now, 0)
    return Anchor(last.id, last.hash, now, count)


def check_anchors(session: Session, anchors: list[Anchor]) -> list[str]:
    """Each anchored head must still be in the chain, unchanged; else the log lost its tail."""
    problems = []
    for anchor in anchors:
        if anchor.id == 0:
            continue
        stored = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == anchor.id))
        if stored is None:
            problems.append(
                f"anchored event {anchor.id} (anchored {anchor.at}) is missing: the log was cut"
            )
        elif stored != anchor.hash:
            problems.append(
                f"anchored event {anchor.id} (anchored {anchor.at}) has a different hash"
            )
    return problems


def read_anchors(text_lines: list[str]) -> list[Anchor]:
    anchors = []
    for number, line in enumerate(text_lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            anchors.append(
                Anchor(int(data["id"]), str(data["hash"]), str(data["at"]), int(data["count"]))
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"anchor file line {number}: not an anchor ({exc})") from None
    return anchors


def verify(session: Session, batch: int = 1000, key: bytes | None = None) -> ChainReport:
    """Walk the whole chain in id order; report the first event whose links or hash do not hold."""
    key = key if key is not None else chain_key()
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch)
            )
        )
        if not rows:
            return ChainReport(ok=True, checked=checked)
        for event in rows:
            if event.prev_hash != prev:
                return ChainReport(
                    False, checked, event.id, "prev_hash does not match the previous event"
                )
            if event_hash(prev, event, key) != event.hash:
                return ChainReport(
                    False,
                    checked,
                    event.id,
                    "hash does not match the event's contents "
                    "(edited, or written without the audit key)",
                )
            prev = event.hash
            checked += 1
            last_id = event.id
