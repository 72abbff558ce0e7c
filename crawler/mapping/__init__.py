"""Raw payloads → accounts and posts. Runs at capture time and again, from raw_items alone,
with ``probity crawl remap`` (after a mapping fix or a new identifier), without re-crawling.

Minimisation happens here: a profile the identifier puts out of scope keeps only a keyed hash
of its id and the verdict; any profile, raw payload or post stored for it earlier is deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crawler.evidence import account_hash, payload_sha256, text_sha256
from crawler.mapping import bluesky, files, mastodon, x
from crawler.mapping.fields import MalformedItem, PostFields, ProfileFields
from crawler.storage import store_raw
from probity.db import upsert
from probity.forces import FORCE_IDS
from probity.models import ExcludedAccount, PlatformAccount, Post, RawItem, Role

log = logging.getLogger(__name__)
MAPPERS: dict[str, Any] = {"bluesky": bluesky, "mastodon": mastodon, "x": x,
                           "facebook": files, "other": files}
Identifier = Callable[[Any], Any]


def default_identifier() -> tuple[Identifier, str]:
    from crawler.identify import IDENTIFIER_VERSION, identify

    return identify, IDENTIFIER_VERSION


def profile_fields(platform: str, raw: dict[str, Any]) -> ProfileFields:
    return MAPPERS[platform].profile(raw)


def post_fields(platform: str, raw: dict[str, Any], account: PlatformAccount) -> PostFields:
    if platform == "x":
        return x.post(raw, account.platform_id, account.handle)
    return MAPPERS[platform].post(raw, account.platform_id)


@dataclass
class ProfileOutcome:
    platform_id: str
    in_scope: bool
    account: PlatformAccount | None


def is_excluded(session: Session, platform: str, platform_id: str) -> bool:
    return session.scalar(select(ExcludedAccount.id).where(
        ExcludedAccount.platform == platform,
        ExcludedAccount.account_hash == account_hash(platform, platform_id))) is not None


def apply_profile(session: Session, platform: str, fields: ProfileFields, raw: dict[str, Any] | None,
                  *, source: str, now: datetime, identifier: Identifier, version: str,
                  via: str | None = None) -> ProfileOutcome:
    """Identify a profile; keep it (in scope) or reduce it to a keyed hash (out of scope).

    ``via`` (search | graph | list | import) is written only when the account is first stored:
    the provenance of the first discovery survives refreshes and remaps."""
    from crawler.identify import ProfileText

    verdict = identifier(ProfileText(handle=fields.handle, display_name=fields.display_name,
                                     bio=fields.bio, platform=platform))
    if not verdict.self_identified:
        exclude(session, platform, fields.platform_id, verdict.reason, version, now)
        return ProfileOutcome(fields.platform_id, False, None)
    if raw is not None:
        store_raw(session, platform, "profile", [(fields.platform_id, fields.platform_id, raw)], source, now)
    role = verdict.role if verdict.role in {r.value for r in Role} else None
    upsert(session, PlatformAccount, [{
        "platform": platform, "platform_id": fields.platform_id, "handle": fields.handle,
        "display_name": fields.display_name, "bio": fields.bio, "url": fields.url, "source": source,
        "raw": raw, "captured_at": now, "first_seen": now, "last_seen": now, "deleted_at": None,
        "self_identified": True, "role": role,
        "role_evidence": (getattr(verdict, "role_evidence", None) or "")[:200] or None if role else None,
        "force_id": verdict.force if verdict.force in FORCE_IDS else None,
        "confidence": verdict.confidence, "evidence": list(verdict.evidence),
        "identified_at": now, "identifier_version": version, "discovered_via": via,
    }], keys=["platform", "platform_id"],
        update=["handle", "display_name", "bio", "url", "source", "raw", "captured_at", "last_seen",
                "deleted_at", "self_identified", "role", "role_evidence", "force_id", "confidence", "evidence",
                "identified_at", "identifier_version"])
    account = session.scalar(select(PlatformAccount).where(
        PlatformAccount.platform == platform, PlatformAccount.platform_id == fields.platform_id))
    return ProfileOutcome(fields.platform_id, True, account)


def exclude(session: Session, platform: str, platform_id: str, reason: str, version: str | None,
            now: datetime) -> None:
    upsert(session, ExcludedAccount, [{
        "platform": platform, "account_hash": account_hash(platform, platform_id),
        "reason": reason[:200], "decided_at": now, "identifier_version": version}],
        keys=["platform", "account_hash"])
    account_id = session.scalar(select(PlatformAccount.id).where(
        PlatformAccount.platform == platform, PlatformAccount.platform_id == platform_id))
    if account_id is not None:  # in scope before, out now: forget everything about it
        session.execute(delete(Post).where(Post.account_id == account_id))
        session.execute(delete(PlatformAccount).where(PlatformAccount.id == account_id))
        log.info("%s account now out of scope: its profile and posts were deleted", platform)
    session.execute(delete(RawItem).where(RawItem.platform == platform, RawItem.account_key == platform_id))


def apply_posts(session: Session, account: PlatformAccount, raws: list[dict[str, Any]], *,
                source: str, now: datetime) -> tuple[int, int]:
    """Store raw posts and map them; returns (new posts, malformed items skipped)."""
    platform = account.platform.value if hasattr(account.platform, "value") else str(account.platform)
    rows, raw_rows, malformed = [], [], 0
    for raw in raws:
        try:
            fields = post_fields(platform, raw, account)
        except MalformedItem as exc:
            malformed += 1
            key = f"invalid:{payload_sha256(raw)[:32]}"
            log.warning("%s: malformed post skipped (%s); raw kept as %s", platform, exc, key)
            raw_rows.append((key, account.platform_id, raw))
            continue
        raw_rows.append((fields.platform_id, account.platform_id, raw))
        rows.append(_post_row(platform, account.id, fields, raw, now))
    store_raw(session, platform, "post", raw_rows, source, now)
    new = 0
    if rows:
        keys = [r["platform_id"] for r in rows]
        known = set(session.scalars(select(Post.platform_id).where(
            Post.platform == platform, Post.platform_id.in_(keys))))
        new = len(set(keys) - known)
        # The first capture is the evidence: a re-capture only refreshes last_seen
        # (a changed payload is still kept in raw_items).
        upsert(session, Post, rows, keys=["platform", "platform_id"], update=["last_seen"])
    return new, malformed


def _post_row(platform: str, account_id: int, f: PostFields, raw: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {"platform": platform, "platform_id": f.platform_id, "account_id": account_id, "text": f.text,
            "text_sha256": text_sha256(f.text), "url": f.url, "created_at": f.created_at,
            "captured_at": now, "last_seen": now, "is_repost": f.is_repost, "context": f.context,
            "raw": raw}


@dataclass
class RemapResult:
    profiles: int = 0
    excluded: int = 0
    posts: int = 0
    malformed: int = 0


def remap(session: Session, platform: str, *, now: datetime, identifier: Identifier | None = None,
          version: str | None = None) -> RemapResult:
    """Rebuild accounts and posts of ``platform`` from raw_items alone (no request is made)."""
    if identifier is None:
        identifier, version = default_identifier()
    result = RemapResult()
    latest: dict[str, RawItem] = {}
    for item in session.scalars(select(RawItem).where(
            RawItem.platform == platform, RawItem.item_type == "profile").order_by(RawItem.id)):
        latest[item.platform_id] = item  # the newest capture of each profile wins
    for item in latest.values():
        outcome = apply_profile(session, platform, profile_fields(platform, item.payload), None,
                                source=item.source, now=now, identifier=identifier, version=version or "")
        result.profiles += outcome.in_scope
        result.excluded += not outcome.in_scope
    for account in session.scalars(select(PlatformAccount).where(PlatformAccount.platform == platform)):
        raws = session.scalars(select(RawItem).where(
            RawItem.platform == platform, RawItem.item_type == "post",
            RawItem.account_key == account.platform_id).order_by(RawItem.id)).all()
        for item in raws:
            try:
                fields = post_fields(platform, item.payload, account)
            except MalformedItem:
                result.malformed += 1
                continue
            upsert(session, Post, [_post_row(platform, account.id, fields, item.payload, item.captured_at)],
                   keys=["platform", "platform_id"],
                   update=["text", "text_sha256", "url", "created_at", "is_repost", "context", "raw"])
            result.posts += 1
    return result
