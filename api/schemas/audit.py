"""Audit log queries and the chain verification report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import Strict, Timestamp


class AuditQuery(Strict):
    actor: str | None = Field(None, max_length=80)
    action: str | None = Field(None, max_length=80)
    force_id: str | None = Field(None, max_length=40)
    object_type: str | None = Field(None, max_length=80)
    object_id: str | None = Field(None, max_length=200)
    since: Timestamp | None = None
    until: Timestamp | None = None
    page_size: int = Field(50, ge=1, description="capped at PROBITY_MAX_PAGE_SIZE (default 200)")
    page_token: str | None = Field(None, max_length=2048)


class AuditEventOut(BaseModel):
    id: int
    at: datetime
    actor: str
    role: str
    force_id: str | None
    action: str
    object_type: str
    object_id: str
    purpose: str
    detail: dict[str, Any] | None
    prev_hash: str
    hash: str


class ChainOut(BaseModel):
    ok: bool
    checked: int
    first_bad_id: int | None
    reason: str
    # staged reads not yet chained (the chainer appends them shortly after), and any of them
    # whose MAC no longer matches (edited while waiting)
    pending: int = 0
    oldest_pending: datetime | None = None
    bad_staged_ids: list[int] = []
