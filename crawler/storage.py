"""Writes: raw payloads with our capture time, and crawl checkpoints.

The pipeline calls these inside one transaction per page, together with the mapping, so a
page's rows and the checkpoint that points past them commit (or vanish) together.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.evidence import payload_sha256
from probity.db import upsert
from probity.models import CrawlCheckpoint, RawItem

RawRow = tuple[
    str, str | None, dict[str, Any], dict[str, Any] | None
]  # key, account, payload, includes


def store_raw(
    session: Session, platform: str, item_type: str, rows: list[RawRow], source: str, now: datetime
) -> None:
    """Keep each payload as received (and the included objects it references, apart);
    an identical re-capture is not stored twice."""
    upsert(
        session,
        RawItem,
        [
            {
                "platform": platform,
                "item_type": item_type,
                "platform_id": key,
                "account_key": account_key,
                "payload": payload,
                "includes": includes,
                "payload_sha256": payload_sha256(payload),
                "captured_at": now,
                "source": source,
            }
            for key, account_key, payload, includes in rows
        ],
        keys=["platform", "item_type", "platform_id", "payload_sha256"],
        update=[],
    )


def load_checkpoint(
    session: Session, platform: str, scope: str, key: str
) -> CrawlCheckpoint | None:
    return session.scalar(
        select(CrawlCheckpoint).where(
            CrawlCheckpoint.platform == platform,
            CrawlCheckpoint.scope == scope,
            CrawlCheckpoint.key == key,
        )
    )


def save_checkpoint(
    session: Session,
    platform: str,
    scope: str,
    key: str,
    *,
    cursor: str | None,
    newest_id: str | None,
    pending_newest_id: str | None,
    complete: bool,
    pages: int,
    items: int,
    now: datetime,
) -> None:
    upsert(
        session,
        CrawlCheckpoint,
        [
            {
                "platform": platform,
                "scope": scope,
                "key": key,
                "cursor": cursor,
                "newest_id": newest_id,
                "pending_newest_id": pending_newest_id,
                "complete": complete,
                "pages": pages,
                "items": items,
                "updated_at": now,
            }
        ],
        keys=["platform", "scope", "key"],
    )
