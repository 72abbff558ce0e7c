"""API keys and the append-only, hash-chained audit log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from probity.models.base import Base, str_enum, utcnow


class KeyRole(str, enum.Enum):
    admin = "admin"
    analyst = "analyst"  # the review team; national, or limited to one force
    force = "force"  # exactly one force
    researcher = "researcher"  # pseudonymised exports only


class ApiKey(Base):
    """Only a hash of the key is stored; the prefix identifies it in lists and audit events."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(24), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[KeyRole] = mapped_column(str_enum(KeyRole))
    force_id: Mapped[str | None] = mapped_column(ForeignKey("forces.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    # Signing out of the web UI ends every UI session of this key issued before this moment.
    ui_signed_out_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Append-only: database triggers refuse UPDATE, DELETE, TRUNCATE and replacing inserts
    (migrations 0002 and 0003).

    ``hash`` = HMAC-SHA-256 (keyed with PROBITY_AUDIT_KEY) over the previous event's hash and this
    event's canonical fields, so changing or removing any row breaks the chain from that row on.
    ``prev_hash`` is unique: two events can never follow the same one, so the chain cannot fork.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))  # key prefix, or "cli:<user>"
    role: Mapped[str] = mapped_column(String(40))
    force_id: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(80), default="")
    object_id: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The staged read this event chains (``audit_staging.id``); None for events appended directly.
    # Unique: a staged event is chained once. Covered by ``hash`` when set.
    staged_id: Mapped[int | None] = mapped_column(unique=True, index=True)


class AuditStaged(Base):
    """A read's audit event, committed without taking the chain's lock, waiting for the chainer
    (``probity.audit_queue``) to append it to ``audit_events`` (which records its ``staged_id``).

    Append-only like ``audit_events`` (the same triggers, migration 0010). ``mac`` is the
    HMAC-SHA-256 of the event's canonical fields (keyed like the chain), so an edit to a row not
    yet chained is detected by ``probity audit verify``; a chained row is covered by the chain.
    """

    __tablename__ = "audit_staging"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(40))
    force_id: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(80), default="")
    object_id: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any] | None]
    mac: Mapped[str] = mapped_column(String(64))
