"""Special category data across forces (issue #15): a post of another force's officer that is
labelled ``government`` only (a political opinion) is withheld from force-limited callers when
it appears as the context of a post they may read (the post replied to or quoted).

National analysts see it; the force the post's author belongs to sees it through its own flags
and referrals; the scoping of flags and referrals already keeps everyone else from the post
itself. This closes the one remaining path: one force's evidence quoting another's officer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, selectinload

from api.deps import Principal
from api.schemas.flags import FlagDetail, PostEvidence
from api.schemas.referrals import ReferralDetail
from probity.models import Flag, Platform, PlatformAccount, Post
from probity.special_category import WITHHELD, decided_labels, is_special_category

Key = tuple[Platform, str]


def context_entries(post: Post) -> list[dict[str, Any]]:
    """The post's context items, in the order ``presenters.post_evidence`` shows them."""
    return [c for c in (post.context or []) if isinstance(c, dict)]


def withheld_posts(session: Session, keys: Iterable[Key], viewer_force_id: str | None) -> set[Key]:
    """Of these stored posts (platform, platform id), the special-category ones by authors of a
    force other than the viewer's. National viewers (``None``) are shown everything."""
    wanted = {k for k in keys if k[1]}
    if viewer_force_id is None or not wanted:
        return set()
    rows = session.execute(
        select(Post.platform, Post.platform_id, PlatformAccount.force_id, Flag)
        .join(PlatformAccount, PlatformAccount.id == Post.account_id)
        .join(Flag, Flag.post_id == Post.id)
        .where(tuple_(Post.platform, Post.platform_id).in_(list(wanted)))
        .options(selectinload(Flag.decisions))
    )
    return {
        (platform, platform_id)
        for platform, platform_id, force_id, flag in rows
        if force_id != viewer_force_id
        and is_special_category(decided_labels(flag.labels, flag.decisions))
    }


def redact_evidence(
    session: Session, principal: Principal, pairs: list[tuple[Post, PostEvidence]]
) -> None:
    """Replace, in place, the text of withheld context items of each post's evidence."""
    keys = {
        (post.platform, str(c.get("platform_id") or ""))
        for post, _ in pairs
        for c in context_entries(post)
    }
    withheld = withheld_posts(session, keys, principal.force_id)
    if not withheld:
        return
    for post, evidence in pairs:
        for entry, shown in zip(context_entries(post), evidence.context, strict=True):
            if (post.platform, str(entry.get("platform_id") or "")) in withheld:
                shown.text = WITHHELD


def redact_flag(session: Session, principal: Principal, detail: FlagDetail) -> FlagDetail:
    post = session.get_one(Post, detail.post.id)
    redact_evidence(session, principal, [(post, detail.post)])
    return detail


def redact_referral(
    session: Session, principal: Principal, detail: ReferralDetail
) -> ReferralDetail:
    # one statement for every item's post (the detail's own Post objects may be gone already:
    # the session's identity map holds them weakly)
    ids = {item.post.id for item in detail.items}
    posts = {p.id: p for p in session.scalars(select(Post).where(Post.id.in_(ids)))}
    pairs = [(posts[item.post.id], item.post) for item in detail.items]
    redact_evidence(session, principal, pairs)
    return detail
