"""Fields → the database: identification, minimisation, persistence, versions and deletions.

Runs at capture time and again, from raw_items alone, with ``probity crawl remap`` (after a
mapping fix or a new identifier), without re-crawling.

Minimisation happens here: a profile the identifier puts out of scope keeps only a keyed hash
of its id and the verdict; any profile, raw payload or post stored for it earlier is deleted.

Evidence: a post row keeps its first capture (text, hash, capture time). A later capture with a
different text adds a :class:`~probity.models.PostVersion`; a post missing from a complete
re-walk of the window it was in gets ``deleted_at`` and keeps everything it had.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from crawler.evidence import account_hash, payload_sha256, text_sha256
from crawler.mapping.fields import Holder, MalformedItem, PostFields, ProfileFields
from crawler.platforms import spec_for
from crawler.storage import store_raw
from probity.db import insert_new, upsert
from probity.forces import FORCE_IDS
from probity.models import ExcludedAccount, PlatformAccount, Post, PostVersion, RawItem, Role
from probity.purge import leave_scope
from probity.subject import reapply_rectifications

if TYPE_CHECKING:
    from crawler.identify import ProfileText, Verdict

log = logging.getLogger(__name__)
Identifier = Callable[["ProfileText"], "Verdict"]


def default_identifier() -> tuple[Identifier, str]:
    # Imported on first use, not for a cycle: loading the identifier's language model takes
    # seconds, and collecting posts or remapping accounts alone never needs it.
    from crawler.identify import IDENTIFIER_VERSION, identify

    return identify, IDENTIFIER_VERSION


def platform_name(account: PlatformAccount) -> str:
    return account.platform.value if hasattr(account.platform, "value") else str(account.platform)


@dataclass
class ProfileOutcome:
    platform_id: str
    in_scope: bool
    account: PlatformAccount | None
    reason: str = ""  # the identifier's reason ("serving", "official-account", …)


def is_excluded(session: Session, platform: str, platform_id: str) -> bool:
    return (
        session.scalar(
            select(ExcludedAccount.id).where(
                ExcludedAccount.platform == platform,
                ExcludedAccount.account_hash == account_hash(platform, platform_id),
            )
        )
        is not None
    )


def apply_profile(
    session: Session,
    platform: str,
    fields: ProfileFields,
    raw: dict[str, Any] | None,
    *,
    source: str,
    now: datetime,
    identifier: Identifier,
    version: str,
    via: str | None = None,
) -> ProfileOutcome:
    """Identify a profile; keep it (in scope) or reduce it to a keyed hash (out of scope).

    ``via`` (search | graph | list | import) is written only when the account is first stored:
    the provenance of the first discovery survives refreshes and remaps."""
    from crawler.identify import ProfileText  # with the identifier itself (see default_identifier)

    verdict = identifier(
        ProfileText(
            handle=fields.handle,
            display_name=fields.display_name,
            bio=fields.bio,
            platform=platform,
        )
    )
    if not verdict.self_identified:
        exclude(session, platform, fields.platform_id, verdict.reason, version, now)
        return ProfileOutcome(fields.platform_id, False, None, verdict.reason)
    known = session.scalar(
        select(PlatformAccount).where(
            PlatformAccount.platform == platform, PlatformAccount.platform_id == fields.platform_id
        )
    )
    if known is not None and known.rectified_at is not None and known.self_identified is False:
        # an analyst recorded that this person is not serving: nothing of the profile is stored
        return ProfileOutcome(fields.platform_id, False, known, "rectified")
    if raw is not None:
        store_raw(
            session,
            platform,
            "profile",
            [(fields.platform_id, fields.platform_id, raw, None)],
            source,
            now,
        )
    role = verdict.role if verdict.role in {r.value for r in Role} else None
    upsert(
        session,
        PlatformAccount,
        [
            {
                "platform": platform,
                "platform_id": fields.platform_id,
                "handle": fields.handle,
                "display_name": fields.display_name,
                "bio": fields.bio,
                "url": fields.url,
                "source": source,
                "raw": raw,
                "captured_at": now,
                "first_seen": now,
                "last_seen": now,
                "deleted_at": None,
                "protected": fields.protected,
                "self_identified": True,
                "role": role,
                "role_evidence": (getattr(verdict, "role_evidence", None) or "")[:200] or None
                if role
                else None,
                "force_id": verdict.force if verdict.force in FORCE_IDS else None,
                "confidence": verdict.confidence,
                "evidence": list(verdict.evidence),
                "identified_at": now,
                "identifier_version": version,
                "discovered_via": via,
            }
        ],
        keys=["platform", "platform_id"],
        update=[
            "handle",
            "display_name",
            "bio",
            "url",
            "source",
            "raw",
            "captured_at",
            "last_seen",
            "deleted_at",
            "protected",
            "self_identified",
            "role",
            "role_evidence",
            "force_id",
            "confidence",
            "evidence",
            "identified_at",
            "identifier_version",
        ],
    )
    account = session.scalar(
        select(PlatformAccount).where(
            PlatformAccount.platform == platform, PlatformAccount.platform_id == fields.platform_id
        )
    )
    if account is not None and account.rectified_at is not None:
        # an analyst corrected the force or role: the identifier's new reading does not undo it
        reapply_rectifications(session, account.id)
    return ProfileOutcome(fields.platform_id, True, account)


def exclude(
    session: Session,
    platform: str,
    platform_id: str,
    reason: str,
    version: str | None,
    now: datetime,
) -> None:
    upsert(
        session,
        ExcludedAccount,
        [
            {
                "platform": platform,
                "account_hash": account_hash(platform, platform_id),
                "reason": reason[:200],
                "decided_at": now,
                "identifier_version": version,
            }
        ],
        keys=["platform", "account_hash"],
    )
    account_id = session.scalar(
        select(PlatformAccount.id).where(
            PlatformAccount.platform == platform, PlatformAccount.platform_id == platform_id
        )
    )
    if account_id is not None:  # in scope before, out now: forget everything about it
        # (predictions, flags and decisions included; an account referred before keeps its
        # verdict and referred posts, under the retention schedule: probity.purge.leave_scope)
        outcome = leave_scope(session, account_id, reason, now)
        log.info("%s account now out of scope: %s", platform, outcome)
    session.execute(
        delete(RawItem).where(RawItem.platform == platform, RawItem.account_key == platform_id)
    )


@dataclass
class PostsResult:
    new: int = 0
    malformed: int = 0
    edited: int = 0
    seen: set[str] = field(default_factory=set)  # platform ids of stored posts seen on this page
    oldest: datetime | None = None  # the oldest created_at seen (the window a re-walk covered)


def apply_posts(
    session: Session,
    account: PlatformAccount,
    raws: list[dict[str, Any]],
    *,
    source: str,
    now: datetime,
    includes: dict[str, Any] | None = None,
) -> PostsResult:
    """Store raw posts as received and map them: new posts, new versions of known ones."""
    platform = platform_name(account)
    mapper = spec_for(platform).mapper
    holder = Holder(account.platform_id, account.handle)
    result = PostsResult()
    raw_rows: list[tuple[str, str | None, dict[str, Any], dict[str, Any] | None]] = []
    mapped: list[tuple[PostFields, dict[str, Any]]] = []
    for raw in raws:
        own = mapper.includes_for(raw, includes) if includes else None
        try:
            fields = mapper.post(raw, holder, own)
        except MalformedItem as exc:
            result.malformed += 1
            key = f"invalid:{payload_sha256(raw)[:32]}"
            log.warning("%s: malformed post skipped (%s); raw kept as %s", platform, exc, key)
            raw_rows.append((key, account.platform_id, raw, own))
            continue
        raw_rows.append((fields.platform_id, account.platform_id, raw, own))
        mapped.append((fields, raw))
        if fields.created_at and (result.oldest is None or fields.created_at < result.oldest):
            result.oldest = fields.created_at
    store_raw(session, platform, "post", raw_rows, source, now)
    if mapped:
        _store_posts(session, platform, account.id, mapped, now, result)
    return result


def _store_posts(
    session: Session,
    platform: str,
    account_id: int,
    mapped: list[tuple[PostFields, dict[str, Any]]],
    now: datetime,
    result: PostsResult,
) -> None:
    """Insert the page's posts; the INSERT itself reports which were new (RETURNING), so a first
    crawl asks nothing else. Only posts it did not insert (known ones, met again on a re-walk
    or on the overlap of an incremental crawl) are read back, to compare their text."""
    # X: an edit is a new id whose history starts at a post we hold: a version of that post.
    edits = [f for f, _ in mapped if f.edit_of]
    early = _posts_by_platform_id(
        session, platform, {f.platform_id for f in edits} | {f.edit_of or "" for f in edits}
    )
    candidates: dict[str, dict[str, Any]] = {}
    for fields, raw in mapped:
        if fields.platform_id in candidates or (fields.edit_of and _target(early, fields)):
            continue
        candidates[fields.platform_id] = _post_row(platform, account_id, fields, raw, now)
    inserted = {
        row.platform_id
        for row in insert_new(
            session,
            Post,
            list(candidates.values()),
            keys=["platform", "platform_id"],
            returning=["platform_id"],
        )
    }
    result.new += len(inserted)
    result.seen |= inserted
    known = early | _posts_by_platform_id(session, platform, set(candidates) - inserted)
    if not known:
        return
    hashes: dict[int, list[str]] = {}
    for post_id, digest in session.execute(
        select(PostVersion.post_id, PostVersion.text_sha256)
        .where(PostVersion.post_id.in_([p.id for p in known.values()]))
        .order_by(PostVersion.seen_at, PostVersion.id)
    ):
        hashes.setdefault(post_id, []).append(digest)
    unchanged: set[int] = set()
    for fields, _ in mapped:
        if fields.platform_id in inserted:
            continue
        target = _target(known, fields)
        if target is None:  # deleted between the insert and the read (an exclusion): skip it
            continue
        result.seen.add(target.platform_id)
        digest = text_sha256(fields.text)
        seen_hashes = [target.text_sha256, *hashes.get(target.id, [])]
        if digest == seen_hashes[-1] or digest in seen_hashes:
            unchanged.add(target.id)
            continue
        session.add(
            PostVersion(
                post_id=target.id,
                text=fields.text,
                text_sha256=digest,
                content_warning=fields.content_warning,
                seen_at=now,
                edited_at=fields.edited_at,
                signal=fields.signal[:600],
            )
        )
        hashes.setdefault(target.id, []).append(digest)
        session.execute(
            update(Post)
            .where(Post.id == target.id)
            .values(last_seen=now, deleted_at=None, edited_at=fields.edited_at or now)
        )
        unchanged.discard(target.id)
        result.edited += 1
        log.info(
            "%s post %s: text changed since capture; kept as a new version",
            platform,
            target.platform_id,
        )
    if unchanged:  # one statement for every known post met again with its text unchanged
        session.execute(
            update(Post)
            .where(Post.id.in_(sorted(unchanged)))
            .values(last_seen=now, deleted_at=None)
        )


def _target(known: dict[str, Post], fields: PostFields) -> Post | None:
    """The stored post a mapped post is: itself, or (an X edit) the post it edits."""
    return known.get(fields.platform_id) or (known.get(fields.edit_of) if fields.edit_of else None)


def _posts_by_platform_id(session: Session, platform: str, ids: set[str]) -> dict[str, Post]:
    if not ids:
        return {}
    return {
        p.platform_id: p
        for p in session.scalars(
            select(Post).where(Post.platform == platform, Post.platform_id.in_(sorted(ids)))
        )
    }


def _post_row(
    platform: str, account_id: int, f: PostFields, raw: dict[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "platform": platform,
        "platform_id": f.platform_id,
        "account_id": account_id,
        "text": f.text,
        "text_sha256": text_sha256(f.text),
        "content_warning": f.content_warning,
        "url": f.url,
        "created_at": f.created_at,
        "captured_at": now,
        "last_seen": now,
        "is_repost": f.is_repost,
        "context": f.context,
        "raw": raw,
        "edited_at": f.edited_at,
    }


def mark_deleted(
    session: Session, account_id: int, seen: Iterable[str], since: datetime | None, now: datetime
) -> int:
    """Posts of the account created after ``since`` (the window a complete re-walk
    covered) that the walk did not return: deleted after capture. Text and hash are kept."""
    query = select(Post.id).where(
        Post.account_id == account_id,
        Post.deleted_at.is_(None),
        Post.platform_id.not_in(list(seen)),
        Post.reference_only.is_(False),
    )
    if since is not None:  # strictly after: a post at the walk's last instant may be further on
        query = query.where(Post.created_at > since)
    ids = list(session.scalars(query))
    if ids:
        session.execute(update(Post).where(Post.id.in_(ids)).values(deleted_at=now))
    return len(ids)


@dataclass
class RemapResult:
    profiles: int = 0
    excluded: int = 0
    posts: int = 0
    malformed: int = 0


def remap(
    session: Session,
    platform: str,
    *,
    now: datetime,
    identifier: Identifier | None = None,
    version: str | None = None,
) -> RemapResult:
    """Rebuild accounts and posts of ``platform`` from raw_items alone (no request is made)."""
    if identifier is None:
        identifier, version = default_identifier()
    mapper = spec_for(platform).mapper
    result = RemapResult()
    latest: dict[str, RawItem] = {}
    for item in session.scalars(
        select(RawItem)
        .where(RawItem.platform == platform, RawItem.item_type == "profile")
        .order_by(RawItem.id)
    ):
        latest[item.platform_id] = item  # the newest capture of each profile wins
    for item in latest.values():
        outcome = apply_profile(
            session,
            platform,
            mapper.profile(item.payload),
            None,
            source=item.source,
            now=now,
            identifier=identifier,
            version=version or "",
        )
        result.profiles += outcome.in_scope
        result.excluded += not outcome.in_scope
    for account in session.scalars(
        select(PlatformAccount).where(PlatformAccount.platform == platform)
    ):
        holder = Holder(account.platform_id, account.handle)
        raws = session.scalars(
            select(RawItem)
            .where(
                RawItem.platform == platform,
                RawItem.item_type == "post",
                RawItem.account_key == account.platform_id,
            )
            .order_by(RawItem.id)
        ).all()
        for item in raws:
            try:
                fields = mapper.post(item.payload, holder, item.includes)
            except MalformedItem:
                result.malformed += 1
                continue
            if fields.edit_of:
                continue  # a later version: it lives in post_versions, not as a post of its own
            row = _post_row(platform, account.id, fields, item.payload, item.captured_at)
            upsert(
                session,
                Post,
                [row],
                keys=["platform", "platform_id"],
                update=[
                    "text",
                    "text_sha256",
                    "content_warning",
                    "url",
                    "created_at",
                    "is_repost",
                    "context",
                    "raw",
                ],
            )
            result.posts += 1
    return result
