"""API key administration."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.schemas.common import Strict
from probity.models import KeyRole


class KeyIn(Strict):
    role: KeyRole
    force_id: str | None = Field(None, max_length=40)
    name: str = Field("", max_length=200)
    expires_in_days: int | None = Field(None, ge=1, le=3650)


class KeyOut(BaseModel):
    prefix: str
    role: KeyRole
    force_id: str | None
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class NewKeyOut(KeyOut):
    key: str = Field(description="shown once; only its SHA-256 is stored")
