"""The row operations of the retention schedule: which rows each data class selects, and what
removing them means. ``probity.retention`` decides *when*; this module says *what*.

Every selection is a SQL condition, evaluated again inside the UPDATE or DELETE that acts on it,
so a row that changed between the count and the write (a flag opened, a referral reopened) is
left alone. Nothing here touches ``audit_events``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    cast,
    delete,
    exists,
    func,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from probity.models import (
    Flag,
    FlagStatus,
    PlatformAccount,
    Post,
    PostVersion,
    Prediction,
    RawItem,
    Referral,
    ReferralItem,
    ReferralStatus,
    ReviewDecision,
    VerdictRectification,
    VersionPrediction,
)

CHUNK = 500  # ids per statement: far under both engines' parameter limits
UNDECIDED = (FlagStatus.pending, FlagStatus.claimed, FlagStatus.awaiting_second)


def chunks(ids: Sequence[int], size: int = CHUNK) -> list[Sequence[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def holds_json(column: Any) -> ColumnElement[bool]:
    """A JSON column holding a value: neither SQL NULL nor JSON ``null`` (what the ORM writes
    for None)."""
    return and_(column.is_not(None), cast(column, Text) != "null")


# --- what is protected -------------------------------------------------------------------------


def open_referral_posts() -> Select[Any]:
    """Posts in a referral the force has not closed: never touched by the schedule."""
    return (
        select(Flag.post_id)
        .join(ReferralItem, ReferralItem.flag_id == Flag.id)
        .join(Referral, Referral.id == ReferralItem.referral_id)
        .where(Referral.status != ReferralStatus.closed)
    )


def accounts_with_open_referral() -> Select[Any]:
    return select(Referral.account_id).where(Referral.status != ReferralStatus.closed)


def referred_posts() -> Select[Any]:
    """Posts in any referral, open or closed (the force's record: their own class)."""
    return select(Flag.post_id).join(ReferralItem, ReferralItem.flag_id == Flag.id)


# --- conditions per class ----------------------------------------------------------------------


def unflagged_posts(cutoff: datetime) -> ColumnElement[bool]:
    return and_(
        Post.text_removed_at.is_(None),
        Post.reference_only.is_(False),
        Post.captured_at < cutoff,
        ~exists().where(Flag.post_id == Post.id),
    )


def dismissal_time() -> Any:
    """When a flag was dismissed: its last decision (the flag's own update time if none)."""
    last = (
        select(func.max(ReviewDecision.decided_at))
        .where(ReviewDecision.flag_id == Flag.id)
        .scalar_subquery()
    )
    return func.coalesce(last, Flag.updated_at)


def dismissed_posts(cutoff: datetime) -> ColumnElement[bool]:
    dismissed = select(Flag.post_id).where(
        Flag.status == FlagStatus.dismissed, dismissal_time() < cutoff
    )
    return and_(
        Post.text_removed_at.is_(None),
        Post.reference_only.is_(False),
        Post.id.in_(dismissed),
        Post.id.not_in(referred_posts()),
    )


def referred_posts_due(cutoffs: dict[str, datetime], default: datetime) -> ColumnElement[bool]:
    """Posts of closed referrals whose force's period has run (``cutoffs`` by force id)."""
    closed_at = func.coalesce(Referral.outcome_at, Referral.created_at)
    per_force = [and_(Referral.force_id == f, closed_at < c) for f, c in cutoffs.items()]
    others = and_(Referral.force_id.not_in(list(cutoffs)), closed_at < default)
    due = (
        select(Flag.post_id)
        .join(ReferralItem, ReferralItem.flag_id == Flag.id)
        .join(Referral, Referral.id == ReferralItem.referral_id)
        .where(Referral.status == ReferralStatus.closed, or_(others, *per_force))
    )
    return and_(
        Post.text_removed_at.is_(None),
        Post.reference_only.is_(False),
        Post.id.in_(due),
        Post.id.not_in(open_referral_posts()),
    )


def out_of_scope_accounts(cutoff: datetime) -> ColumnElement[bool]:
    return and_(
        PlatformAccount.left_scope_at.is_not(None),
        PlatformAccount.left_scope_at < cutoff,
        PlatformAccount.profile_removed_at.is_(None),
        PlatformAccount.id.not_in(accounts_with_open_referral()),
    )


def raw_items_due(cutoff: datetime) -> ColumnElement[bool]:
    open_post = exists().where(
        Post.platform == RawItem.platform,
        Post.platform_id == RawItem.platform_id,
        Post.id.in_(open_referral_posts()),
    )
    open_account = exists().where(
        PlatformAccount.platform == RawItem.platform,
        PlatformAccount.platform_id == RawItem.platform_id,
        PlatformAccount.id.in_(accounts_with_open_referral()),
    )
    return and_(RawItem.captured_at < cutoff, ~open_post, ~open_account)


def post_payloads_due(cutoff: datetime) -> ColumnElement[bool]:
    return and_(
        holds_json(Post.raw),
        Post.captured_at < cutoff,
        Post.id.not_in(open_referral_posts()),
    )


def account_payloads_due(cutoff: datetime) -> ColumnElement[bool]:
    return and_(
        holds_json(PlatformAccount.raw),
        PlatformAccount.captured_at < cutoff,
        PlatformAccount.id.not_in(accounts_with_open_referral()),
    )


def explanations_due(cutoff: datetime) -> ColumnElement[bool]:
    undecided = select(Flag.post_id).where(Flag.status.in_(UNDECIDED))
    return and_(
        holds_json(Prediction.explanation),
        Prediction.created_at < cutoff,
        Prediction.post_id.not_in(open_referral_posts()),
        Prediction.post_id.not_in(undecided),
    )


# --- what removing means -----------------------------------------------------------------------


def remove_post_words(
    session: Session, ids: Sequence[int], condition: ColumnElement[bool], now: datetime
) -> list[int]:
    """Remove the words of the posts ``ids`` that still meet ``condition``; returns those ids.

    Kept: ids, URL, hashes and times (the evidence that the post existed, and what stops the
    crawler collecting it again). Removed: text, content warning, quoted context, payload, the
    texts of later versions, the model's explanation and the analysts' notes on its flag."""
    done: list[int] = []
    for chunk in chunks(ids):
        hit = list(session.scalars(select(Post.id).where(Post.id.in_(chunk), condition)))
        if not hit:
            continue
        session.execute(
            update(Post)
            .where(Post.id.in_(hit))
            .values(text="", content_warning="", context=null(), raw=null(), text_removed_at=now)
        )
        session.execute(
            update(PostVersion)
            .where(PostVersion.post_id.in_(hit))
            .values(text="", content_warning="")
        )
        session.execute(
            update(Prediction).where(Prediction.post_id.in_(hit)).values(explanation=null())
        )
        versions = select(PostVersion.id).where(PostVersion.post_id.in_(hit))
        session.execute(
            update(VersionPrediction)
            .where(VersionPrediction.post_version_id.in_(versions))
            .values(explanation=null())
        )
        flags = select(Flag.id).where(Flag.post_id.in_(hit))
        session.execute(
            update(ReviewDecision)
            .where(ReviewDecision.flag_id.in_(flags), ReviewDecision.note != "")
            .values(note="")
        )
        done.extend(hit)
    return done


def clear_outcome_notes(session: Session, post_ids: Sequence[int]) -> int:
    """The force's outcome note of closed referrals whose posts were removed."""
    cleared = 0
    for chunk in chunks(post_ids):
        referrals = (
            select(ReferralItem.referral_id)
            .join(Flag, Flag.id == ReferralItem.flag_id)
            .where(Flag.post_id.in_(chunk))
        )
        result = session.execute(
            update(Referral)
            .where(
                Referral.id.in_(referrals),
                Referral.status == ReferralStatus.closed,
                Referral.outcome_note != "",
            )
            .values(outcome_note="")
        )
        cleared += int(getattr(result, "rowcount", 0) or 0)
    return cleared


def purge_account(session: Session, account_id: int, now: datetime) -> dict[str, int]:
    """Everything about an out-of-scope account beyond the verdict.

    Kept: the account row's identity (platform, id, handle) and verdict (serving, force, role,
    confidence, when and why it left scope), so it is recognised and not collected again, and
    posts in referrals (the force's record, under their own class). Removed: the profile's
    words and payloads, every other post with its versions, predictions, flags and decisions,
    and every raw payload of the account."""
    account = session.get(PlatformAccount, account_id)
    if account is None:
        return {"accounts": 0, "posts": 0, "raw_items": 0}
    keep = referred_posts()
    posts = select(Post.id).where(Post.account_id == account_id, Post.id.not_in(keep))
    flags = select(Flag.id).where(Flag.post_id.in_(posts))
    session.execute(delete(ReviewDecision).where(ReviewDecision.flag_id.in_(flags)))
    session.execute(delete(Flag).where(Flag.post_id.in_(posts)))
    session.execute(delete(Prediction).where(Prediction.post_id.in_(posts)))
    versions = select(PostVersion.id).where(PostVersion.post_id.in_(posts))
    session.execute(
        delete(VersionPrediction).where(VersionPrediction.post_version_id.in_(versions))
    )
    session.execute(delete(PostVersion).where(PostVersion.post_id.in_(posts)))
    # The DELETE on posts needs its ids first: a subquery on the table being deleted from is
    # refused by some engines.
    post_ids = list(session.scalars(posts))
    for chunk in chunks(post_ids):
        session.execute(delete(Post).where(Post.id.in_(chunk)))
    raw = session.execute(
        delete(RawItem).where(
            RawItem.platform == account.platform,
            or_(
                RawItem.account_key == account.platform_id,
                RawItem.platform_id == account.platform_id,
            ),
        )
    )
    session.execute(
        update(PlatformAccount)
        .where(PlatformAccount.id == account_id)
        .values(
            display_name="",
            bio="",
            url="",
            raw=null(),
            evidence=null(),
            role_evidence=None,
            profile_removed_at=now,
        )
    )
    return {
        "accounts": 1,
        "posts": len(post_ids),
        "raw_items": int(getattr(raw, "rowcount", 0) or 0),
    }


def leave_scope(session: Session, account_id: int, reason: str, now: datetime) -> str:
    """An account found no longer in scope (its profile stopped saying it serves).

    Nothing referred: the account and everything about it are deleted ("deleted"; the caller
    keeps the keyed hash). Referred before: the row keeps the verdict, marked out of scope, and
    the rest is purged now ("purged") or, while a referral is open, by the schedule's
    ``out_of_scope_accounts`` class once the force closes it ("waiting")."""
    referred = session.scalar(select(Referral.id).where(Referral.account_id == account_id).limit(1))
    if referred is None:
        purge_account(session, account_id, now)
        session.execute(
            delete(VerdictRectification).where(VerdictRectification.account_id == account_id)
        )
        session.execute(delete(PlatformAccount).where(PlatformAccount.id == account_id))
        return "deleted"
    session.execute(
        update(PlatformAccount)
        .where(PlatformAccount.id == account_id)
        .values(
            self_identified=False,
            left_scope_at=func.coalesce(PlatformAccount.left_scope_at, now),
            left_scope_reason=reason[:200],
        )
    )
    open_referral = session.scalar(
        select(Referral.id)
        .where(Referral.account_id == account_id, Referral.status != ReferralStatus.closed)
        .limit(1)
    )
    if open_referral is not None:
        return "waiting"
    purge_account(session, account_id, now)
    return "purged"
