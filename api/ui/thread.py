"""The conversation a post belongs to: the post it replies to or quotes, with that author's handle.

Platforms do not always send the parent's words (Mastodon gives only its id; a deleted tweet
comes back empty). Then the parent is looked up among the posts Probity stored, and when it is
not there either the page says so, so an analyst never mistakes half a conversation for all of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from api.services.special_category import withheld_posts
from probity.models import Flag, Platform, PlatformAccount, Post
from probity.special_category import WITHHELD

THREAD_RELATIONS = ("reply", "quote")
TOOLTIP_CHARS = 200


@dataclass(frozen=True)
class ThreadItem:
    relation: str  # "reply" | "quote"
    author_handle: str
    text: str
    stored: bool  # False: the parent's words are neither in the capture nor among stored posts
    platform_id: str
    is_account_holder: bool

    @property
    def heading(self) -> str:
        verb = "Replying to" if self.relation == "reply" else "Quoting"
        return (
            f"{verb} @{self.author_handle}" if self.author_handle else f"{verb} an unknown author"
        )

    @property
    def tooltip(self) -> str:
        if not self.stored:
            return f"{self.heading}: the parent post is not stored"
        text = (
            self.text if len(self.text) <= TOOLTIP_CHARS else self.text[: TOOLTIP_CHARS - 1] + "…"
        )
        return f"{self.heading}: {text}"


def _entries(post: Post) -> list[dict[str, Any]]:
    return [
        c
        for c in (post.context or [])
        if isinstance(c, dict) and c.get("relation") in THREAD_RELATIONS
    ]


def thread_contexts(
    session: Session, posts: Iterable[Post], viewer_force_id: str | None = None
) -> dict[int, list[ThreadItem]]:
    """Thread context per post id; one query finds every parent missing from the captures.

    For a force-limited viewer, a parent that is another force's officer's special-category
    post (political opinion only) shows a notice instead of its words (issue #15)."""
    posts = list(posts)
    withheld = withheld_posts(
        session,
        {(p.platform, str(c.get("platform_id") or "")) for p in posts for c in _entries(p)},
        viewer_force_id,
    )
    wanted = {
        (p.platform, str(c.get("platform_id") or ""))
        for p in posts
        for c in _entries(p)
        if not str(c.get("text") or "").strip() and c.get("platform_id")
    }
    stored: dict[tuple[Platform, str], tuple[str, str]] = {}
    if wanted:
        rows = session.execute(
            select(Post.platform, Post.platform_id, Post.text, PlatformAccount.handle)
            .join(PlatformAccount, PlatformAccount.id == Post.account_id)
            .where(tuple_(Post.platform, Post.platform_id).in_(list(wanted)))
        )
        stored = {(r.platform, r.platform_id): (r.text, r.handle) for r in rows}
    out: dict[int, list[ThreadItem]] = {}
    for post in posts:
        items = []
        for c in _entries(post):
            pid = str(c.get("platform_id") or "")
            text, handle = str(c.get("text") or "").strip(), str(c.get("author_handle") or "")
            if not text and (post.platform, pid) in stored:
                text, stored_handle = stored[(post.platform, pid)]
                handle = handle or stored_handle
            if (post.platform, pid) in withheld:
                text = WITHHELD
            items.append(
                ThreadItem(
                    str(c["relation"]),
                    handle,
                    text,
                    bool(text),
                    pid,
                    bool(c.get("is_account_holder")),
                )
            )
        out[post.id] = items
    return out


def flag_threads(
    session: Session, flag_ids: list[int], viewer_force_id: str | None = None
) -> dict[int, list[ThreadItem]]:
    """Thread context per flag id (for the queue's rows)."""
    if not flag_ids:
        return {}
    pairs = [
        (flag_id, post)
        for flag_id, post in session.execute(
            select(Flag.id, Post).join(Post, Post.id == Flag.post_id).where(Flag.id.in_(flag_ids))
        )
    ]
    by_post = thread_contexts(session, [post for _, post in pairs], viewer_force_id)
    return {flag_id: by_post[post.id] for flag_id, post in pairs}
