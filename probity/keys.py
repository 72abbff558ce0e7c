"""API keys: generated once, shown once, stored only as a SHA-256 hash.

A key looks like ``pb_<8 hex prefix>_<43 url-safe chars>``. The prefix identifies the key in
lists and audit events without revealing it; 256 bits of randomness make a plain SHA-256
sufficient (no salt or slow hash is needed for high-entropy secrets).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from probity.errors import NotFoundError, ProbityError
from probity.forces import FORCE_IDS
from probity.models import ApiKey, KeyRole, utcnow

KEY_SCHEME = "pb"


@dataclass(frozen=True)
class NewKey:
    key: str  # shown once, never stored
    record: ApiKey


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_SCHEME or len(parts[1]) != 8 or not parts[2]:
        raise ValueError("malformed key")
    return f"{parts[0]}_{parts[1]}"


def create_key(
    session: Session,
    role: KeyRole | str,
    force_id: str | None = None,
    name: str = "",
    expires_at: datetime | None = None,
) -> NewKey:
    role = KeyRole(role)
    if force_id is not None and force_id not in FORCE_IDS:
        raise ProbityError(
            f"unknown force id {force_id!r}; run 'probity forces' to list the 44 ids"
        )
    if role is KeyRole.force and force_id is None:
        raise ProbityError("a 'force' key needs --force: it sees exactly one force's data")
    if role in (KeyRole.admin, KeyRole.researcher) and force_id is not None:
        raise ProbityError(
            f"a '{role.value}' key is national; --force applies to 'force' and 'analyst' keys"
        )
    key = f"{KEY_SCHEME}_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"
    record = ApiKey(
        prefix=key_prefix(key),
        key_hash=hash_key(key),
        name=name,
        role=role,
        force_id=force_id,
        expires_at=expires_at,
    )
    session.add(record)
    session.flush()
    return NewKey(key=key, record=record)


def is_live(record: ApiKey, now: datetime | None = None) -> bool:
    """Neither revoked nor expired."""
    now = now or utcnow()
    return record.revoked_at is None and (record.expires_at is None or record.expires_at > now)


def authenticate(session: Session, key: str, now: datetime | None = None) -> ApiKey | None:
    """The live key matching ``key``, or None (unknown, revoked or expired)."""
    try:
        prefix = key_prefix(key)
    except ValueError:
        return None
    record = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if record is None or not hmac.compare_digest(record.key_hash, hash_key(key)):
        return None
    return record if is_live(record, now) else None


def revoke_key(session: Session, prefix: str) -> ApiKey:
    record = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if record is None:
        raise NotFoundError(f"no key with prefix {prefix!r}; 'probity keys list' shows them")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
    return record


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))
