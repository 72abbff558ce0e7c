"""The review workflow: the queue, claiming, and human decisions (with the two-person rule).

Every move goes through ``Flag.transition`` (the explicit status machine). Decisions are
appended as ``ReviewDecision`` rows and never changed. Confirmed flags join the open referral
for their (account, force).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, String, cast, select
from sqlalchemy.orm import Session

from api.deps import Auditor, Principal, scope_to_force
from api.pagination import paginate
from api.schemas.flags import DecisionIn, FlagQuery, FlagSummary, QueueStatus
from api.services import evidence
from probity.errors import InvalidTransition
from probity.models import (
    DecisionAction,
    Flag,
    FlagStatus,
    Post,
    Referral,
    ReferralItem,
    ReferralStatus,
    ReviewDecision,
    utcnow,
)

OPEN_STATUSES = (FlagStatus.pending, FlagStatus.claimed, FlagStatus.awaiting_second)


def queue_query(principal: Principal, q: FlagQuery) -> Select[Any]:
    stmt = select(Flag).join(Post, Post.id == Flag.post_id)
    stmt = scope_to_force(stmt, Flag.force_id, principal)
    if q.status is QueueStatus.open:
        stmt = stmt.where(Flag.status.in_(OPEN_STATUSES))
    else:
        stmt = stmt.where(Flag.status == FlagStatus(q.status.value))
    if q.force_id is not None:
        stmt = stmt.where(Flag.force_id == q.force_id)
    if q.label is not None:
        # labels come from a closed vocabulary, so matching the quoted name in the JSON text is exact
        stmt = stmt.where(cast(Flag.labels, String).contains(f'"{q.label}"'))
    if q.min_score is not None:
        stmt = stmt.where(Flag.max_score >= q.min_score)
    if q.max_score is not None:
        stmt = stmt.where(Flag.max_score <= q.max_score)
    if q.platform is not None:
        stmt = stmt.where(Post.platform == q.platform)
    if q.since is not None:
        stmt = stmt.where(Post.created_at >= q.since)
    if q.until is not None:
        stmt = stmt.where(Post.created_at < q.until)
    return stmt


def queue_page(session: Session, settings: Any, principal: Principal, q: FlagQuery,
               audit: Auditor, **detail: Any) -> tuple[list[FlagSummary], str | None]:
    """A page of the queue, audited as one read of the flags shown."""
    flags, token = paginate(session, settings, principal.force_id, "flags", q, queue_query(principal, q), Flag.id,
                            rank=Flag.risk)  # highest calibrated risk first
    audit.record_list("flags.list", "flag", [f.id for f in flags], **detail)
    return [evidence.flag_summary(f, session.get(Post, f.post_id)) for f in flags], token


def claim(flag: Flag, principal: Principal) -> None:
    if flag.status is FlagStatus.claimed and flag.claimed_by == principal.prefix:
        return
    if flag.status is FlagStatus.claimed:
        raise InvalidTransition(f"flag {flag.id} is claimed by {flag.claimed_by}")
    if flag.status is not FlagStatus.pending:
        raise InvalidTransition(f"flag {flag.id} is {flag.status.value}: only pending flags can be claimed")
    flag.transition(FlagStatus.claimed)
    flag.claimed_by, flag.claimed_at = principal.prefix, utcnow()


def release(flag: Flag, principal: Principal) -> None:
    if flag.status is not FlagStatus.claimed:
        raise InvalidTransition(f"flag {flag.id} is {flag.status.value}, not claimed")
    if flag.claimed_by != principal.prefix and principal.role.value != "admin":
        raise InvalidTransition(f"flag {flag.id} is claimed by {flag.claimed_by}")
    flag.transition(FlagStatus.pending)
    flag.claimed_by = flag.claimed_at = None


def decide(session: Session, flag: Flag, principal: Principal, body: DecisionIn,
           two_person_rule: bool) -> tuple[ReviewDecision, int | None]:
    """Record a decision and move the flag; returns the decision and the referral it joined."""
    if flag.status is FlagStatus.claimed and flag.claimed_by != principal.prefix:
        raise InvalidTransition(f"flag {flag.id} is claimed by {flag.claimed_by}")
    first = None
    if flag.status is FlagStatus.awaiting_second:
        first = flag.decisions[-1]
        if first.reviewer == principal.prefix:
            raise InvalidTransition(f"flag {flag.id} needs a second, different analyst")
    elif flag.status not in (FlagStatus.pending, FlagStatus.claimed):
        raise InvalidTransition(f"flag {flag.id} is already {flag.status.value}")

    refer = body.action is not DecisionAction.dismiss
    labels = sorted(set(body.labels or flag.labels)) if refer else []
    decision = ReviewDecision(flag_id=flag.id, reviewer=principal.prefix, action=body.action,
                              labels=labels, note=body.note)
    session.add(decision)
    flag.decisions.append(decision)

    if not refer and first is None:
        new = FlagStatus.dismissed
    elif not two_person_rule:
        new = FlagStatus.confirmed if refer else FlagStatus.dismissed
    elif first is None:
        new = FlagStatus.awaiting_second
    elif refer and sorted(first.labels) == labels and first.action is not DecisionAction.dismiss:
        new = FlagStatus.confirmed
    else:
        new = FlagStatus.pending  # the two disagree: a fresh pair of reviews is needed
    flag.transition(new)
    flag.claimed_by = flag.claimed_at = None
    session.flush()
    referral_id = add_to_referral(session, flag, labels) if new is FlagStatus.confirmed else None
    return decision, referral_id


def add_to_referral(session: Session, flag: Flag, labels: list[str]) -> int:
    """Join the open referral for the post's (account, force), opening one if needed."""
    if flag.force_id is None:
        raise InvalidTransition(f"flag {flag.id} has no force: it cannot be referred")
    post = session.get(Post, flag.post_id)
    assert post is not None
    referral = session.scalar(select(Referral).where(
        Referral.account_id == post.account_id, Referral.force_id == flag.force_id,
        Referral.status == ReferralStatus.open).order_by(Referral.id).limit(1))
    if referral is None:
        referral = Referral(force_id=flag.force_id, account_id=post.account_id)
        session.add(referral)
        session.flush()
    session.add(ReferralItem(referral_id=referral.id, flag_id=flag.id, labels=labels))
    session.flush()
    return referral.id
