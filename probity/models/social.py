"""What the collector stores: raw platform payloads, accounts, posts, crawl checkpoints.

Raw payloads are kept as captured (4CAT style) so the mapping to accounts and posts can be
fixed and re-run without re-crawling. Out-of-scope accounts keep no profile at all: only a
keyed hash of their id and the verdict, so they are never fetched again (data minimisation).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from probity.models.base import Base, str_enum, utcnow

if TYPE_CHECKING:  # review.py's rows point at these tables; only the type is needed here
    from probity.models.review import VersionPrediction


class Platform(str, enum.Enum):
    bluesky = "bluesky"
    mastodon = "mastodon"
    x = "x"
    facebook = "facebook"
    other = "other"


class Role(str, enum.Enum):
    officer = "officer"
    special = "special"
    pcso = "pcso"
    staff = "staff"
    volunteer = "volunteer"  # police support volunteers and cadet leaders (issue #17)


class RawItem(Base):
    """One payload exactly as a platform returned it, with our capture time."""

    __tablename__ = "raw_items"
    __table_args__ = (UniqueConstraint("platform", "item_type", "platform_id", "payload_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(str_enum(Platform))
    item_type: Mapped[str] = mapped_column(String(20))  # "profile" | "post"
    platform_id: Mapped[str] = mapped_column(String(512))
    payload: Mapped[dict[str, Any]]
    payload_sha256: Mapped[str] = mapped_column(String(64))
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(200), default="")  # base URL or imported file
    # The account a post belongs to (its platform id), so mapping and purging need no parsing.
    account_key: Mapped[str | None] = mapped_column(String(512), index=True)
    # Objects the response carried beside the item (X ``includes``: referenced posts and their
    # authors), each exactly as received; kept apart so ``payload`` is the item as received.
    includes: Mapped[dict[str, Any] | None]


class PlatformAccount(Base):
    """An in-scope (or not yet screened) public profile, with the identification verdict."""

    __tablename__ = "platform_accounts"
    __table_args__ = (UniqueConstraint("platform", "platform_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(str_enum(Platform))
    platform_id: Mapped[str] = mapped_column(String(512))  # Bluesky DID, Mastodon uri, X user id
    handle: Mapped[str] = mapped_column(String(320))
    display_name: Mapped[str] = mapped_column(String(400), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    source: Mapped[str] = mapped_column(String(200), default="")  # API base URL it was read from
    raw: Mapped[dict[str, Any] | None]
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]
    # X: a protected account's posts are not readable; it stays in scope and is retried.
    protected: Mapped[bool] = mapped_column(default=False)
    # X serves only the newest 3,200 posts of a timeline: the oldest post reached when the cap
    # cut a walk short (history before it was never collected).
    history_truncated_at: Mapped[datetime | None]
    # identification verdict
    self_identified: Mapped[bool | None]
    role: Mapped[Role | None] = mapped_column(str_enum(Role))
    # the exact words of the profile the role was read from ("DC", "Call handler"), for analysts
    role_evidence: Mapped[str | None] = mapped_column(String(200))
    force_id: Mapped[str | None] = mapped_column(ForeignKey("forces.id"), index=True)
    confidence: Mapped[float | None]
    evidence: Mapped[list[Any] | None]
    identified_at: Mapped[datetime | None]
    identifier_version: Mapped[str | None] = mapped_column(String(40))
    # how the account first became a candidate: search | graph | list | import (kept on refresh)
    discovered_via: Mapped[str | None] = mapped_column(String(16))
    # Data protection (probity/retention.py, probity/subject.py). An account leaves scope when an
    # analyst records that it is not (or no longer) a serving officer or staff member: from then
    # on the retention schedule purges everything beyond the verdict.
    left_scope_at: Mapped[datetime | None]
    left_scope_reason: Mapped[str | None] = mapped_column(String(200))
    # when the profile (display name, bio, url, payload, evidence) was purged; the verdict stays
    profile_removed_at: Mapped[datetime | None]
    # an analyst corrected the verdict: re-identification keeps the corrected values
    rectified_at: Mapped[datetime | None]

    posts: Mapped[list[Post]] = relationship(back_populates="account")


class ExcludedAccount(Base):
    """An out-of-scope profile: a keyed hash of its id and why, nothing else."""

    __tablename__ = "excluded_accounts"
    __table_args__ = (UniqueConstraint("platform", "account_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(str_enum(Platform))
    account_hash: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256(secret, platform id)
    reason: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    identifier_version: Mapped[str | None] = mapped_column(String(40))


class Post(Base):
    """A public post, evidence-grade: URL, platform id, text hash, capture time and context."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("platform", "platform_id"),
        Index("ix_posts_account_created", "account_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(str_enum(Platform))
    platform_id: Mapped[str] = mapped_column(String(512))  # Bluesky at-uri, Mastodon uri, tweet id
    account_id: Mapped[int] = mapped_column(ForeignKey("platform_accounts.id"), index=True)
    text: Mapped[str] = mapped_column(Text)  # as first captured; later texts are post_versions
    text_sha256: Mapped[str] = mapped_column(String(64), index=True)
    # Mastodon spoiler_text (content warning): the author's words, kept apart from the text.
    content_warning: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime | None]  # the platform's timestamp
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    is_repost: Mapped[bool] = mapped_column(default=False)
    # A placeholder standing for a counted instance of a published return (the reference data),
    # not collected text: never classified, never used for training.
    reference_only: Mapped[bool] = mapped_column(default=False)
    # [{"relation": "reply"|"quote", "platform_id", "author_id", "author_handle", "text",
    #   "is_account_holder": false}] — other people's words, shown as context only.
    context: Mapped[list[Any] | None]
    raw: Mapped[dict[str, Any] | None]
    edited_at: Mapped[datetime | None]
    previous_text_sha256: Mapped[str | None] = mapped_column(String(64))
    deleted_at: Mapped[datetime | None]
    # Set by the retention schedule when the words (text, content warning, context, payload,
    # later versions' texts) were removed; the hashes and times stay as the record.
    text_removed_at: Mapped[datetime | None]

    account: Mapped[PlatformAccount] = relationship(back_populates="posts")
    versions: Mapped[list[PostVersion]] = relationship(
        back_populates="post", order_by="PostVersion.seen_at"
    )


class PostVersion(Base):
    """A later text of a post, seen on a re-crawl. The post row keeps the first capture."""

    __tablename__ = "post_versions"
    __table_args__ = (UniqueConstraint("post_id", "text_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    content_warning: Mapped[str] = mapped_column(Text, default="")
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The platform's own edit signal: Mastodon edited_at, Bluesky record CID, X edit history.
    edited_at: Mapped[datetime | None]
    signal: Mapped[str] = mapped_column(String(600), default="")

    post: Mapped[Post] = relationship(back_populates="versions")
    # what each model version said of this text (the first capture's are Prediction rows)
    predictions: Mapped[list[VersionPrediction]] = relationship(
        order_by="VersionPrediction.id", viewonly=True
    )


class CrawlCheckpoint(Base):
    """Where a walk stopped: written in the same transaction as the page it describes."""

    __tablename__ = "crawl_checkpoints"
    __table_args__ = (UniqueConstraint("platform", "scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(str_enum(Platform))
    scope: Mapped[str] = mapped_column(String(40))  # "discover" | "account" | "posts"
    key: Mapped[str] = mapped_column(String(512))  # query or account platform id
    cursor: Mapped[str | None] = mapped_column(Text)  # resume point of an unfinished walk
    newest_id: Mapped[str | None] = mapped_column(String(512))  # since_id for the next increment
    # newest item of the walk in progress: becomes newest_id only when the walk completes,
    # so a walk killed half-way is resumed rather than mistaken for finished.
    pending_newest_id: Mapped[str | None] = mapped_column(String(512))
    complete: Mapped[bool] = mapped_column(default=False)
    pages: Mapped[int] = mapped_column(default=0)
    items: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VerdictRectification(Base):
    """An analyst's record that part of an identification verdict was wrong (UK GDPR art. 16).

    One row per corrected field; never updated. Re-identifying the account keeps the latest
    corrected value of each field (``probity.subject.reapply_rectifications``)."""

    __tablename__ = "verdict_rectifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("platform_accounts.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))  # "serving" | "force_id" | "role"
    old_value: Mapped[str | None] = mapped_column(String(80))
    new_value: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    analyst: Mapped[str] = mapped_column(String(80))  # key prefix or cli:<user>
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
