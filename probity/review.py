"""The review workflow as plain functions: claim, release and decide a flag.

Callers (the API and the web UI alike) pass plain values: who acts (``Actor``), which flag,
when, and optionally the flag version they saw. They get back a ``ReviewEvent`` saying what
happened, to audit and to answer with. Nothing here knows about HTTP.

Each function serialises on the flag before reading it: ``SELECT … FOR UPDATE`` on PostgreSQL,
an immediate write transaction on SQLite. Two concurrent requests therefore act one after the
other on fresh state, and the loser gets ``Conflict`` with the flag's current state, never a
database error. A flag joins a referral in the same transaction that confirms it, so a
dismissed flag is never in a referral a force can read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from probity.db import lock_for_write
from probity.errors import Conflict, NotFoundError
from probity.models import DecisionAction, Flag, FlagStatus, ReviewDecision
from probity.referrals import add_to_referral

OPEN_STATUSES = (FlagStatus.pending, FlagStatus.claimed, FlagStatus.awaiting_second)


@dataclass(frozen=True)
class Actor:
    """Who acts: an API key prefix (or ``cli:<user>``), its role and force scope (None: national)."""

    id: str
    role: str
    force_id: str | None = None

    def sees_force(self, force_id: str | None) -> bool:
        return self.force_id is None or self.force_id == force_id


@dataclass(frozen=True)
class ReviewEvent:
    """What a review action did, ready for the audit log (``action``, ``detail``)."""

    action: str
    flag_id: int
    status: FlagStatus
    version: int
    detail: dict[str, Any] = field(default_factory=dict)
    decision_id: int | None = None
    referral_id: int | None = None


def current_state(flag: Flag) -> dict[str, object]:
    return {
        "flag_id": flag.id,
        "status": flag.status.value,
        "version": flag.version,
        "claimed_by": flag.claimed_by,
    }


def lock_flag(
    session: Session, flag_id: int, actor: Actor, expected_version: int | None = None
) -> Flag:
    """The flag, locked for this transaction and re-read; another force's flag is not found."""
    lock_for_write(session)
    flag = session.execute(
        select(Flag)
        .where(Flag.id == flag_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if flag is None or not actor.sees_force(flag.force_id):
        raise NotFoundError("flag not found")
    session.expire(flag, ["decisions"])  # may have been loaded before the lock
    if expected_version is not None and expected_version != flag.version:
        raise Conflict(
            f"flag {flag.id} has changed (version {flag.version}, you saw {expected_version})",
            current_state(flag),
        )
    return flag


def claim(
    session: Session, flag_id: int, actor: Actor, now: datetime, expected_version: int | None = None
) -> ReviewEvent:
    """Take a pending flag. Exactly one of several concurrent claims wins; claiming again is a no-op."""
    flag = lock_flag(session, flag_id, actor, expected_version)
    if not (flag.status is FlagStatus.claimed and flag.claimed_by == actor.id):
        if flag.status is FlagStatus.claimed:
            raise Conflict(f"flag {flag.id} is claimed by {flag.claimed_by}", current_state(flag))
        if flag.status is not FlagStatus.pending:
            raise Conflict(
                f"flag {flag.id} is {flag.status.value}: only pending flags can be claimed",
                current_state(flag),
            )
        flag.transition(FlagStatus.claimed)
        flag.claimed_by, flag.claimed_at = actor.id, now
        session.flush()
    return ReviewEvent("flags.claim", flag.id, flag.status, flag.version)


def release(
    session: Session, flag_id: int, actor: Actor, now: datetime, expected_version: int | None = None
) -> ReviewEvent:
    """Put a claimed flag back in the queue (its claimant, or an admin)."""
    flag = lock_flag(session, flag_id, actor, expected_version)
    if flag.status is not FlagStatus.claimed:
        raise Conflict(f"flag {flag.id} is {flag.status.value}, not claimed", current_state(flag))
    if flag.claimed_by != actor.id and actor.role != "admin":
        raise Conflict(f"flag {flag.id} is claimed by {flag.claimed_by}", current_state(flag))
    flag.transition(FlagStatus.pending)
    flag.claimed_by = flag.claimed_at = None
    session.flush()
    return ReviewEvent("flags.release", flag.id, flag.status, flag.version, {"at": now.isoformat()})


def _next_status(
    refer: bool, labels: list[str], first: ReviewDecision | None, two_person_rule: bool
) -> FlagStatus:
    if not refer and first is None:
        return FlagStatus.dismissed
    if not two_person_rule:
        return FlagStatus.confirmed if refer else FlagStatus.dismissed
    if first is None:
        return FlagStatus.awaiting_second
    if refer and sorted(first.labels) == labels and first.action is not DecisionAction.dismiss:
        return FlagStatus.confirmed
    return FlagStatus.pending  # the two disagree: a fresh pair of reviews is needed


def decide(
    session: Session,
    flag_id: int,
    actor: Actor,
    action: DecisionAction,
    *,
    now: datetime,
    labels: Sequence[str] | None = None,
    note: str = "",
    two_person_rule: bool = False,
    expected_version: int | None = None,
) -> ReviewEvent:
    """Record a person's decision and move the flag; a confirmed flag joins its force's referral.

    Only an open flag can be decided, so of several concurrent decisions on a pending flag the
    first wins and the rest get ``Conflict`` (the flag is no longer open)."""
    flag = lock_flag(session, flag_id, actor, expected_version)
    if flag.status is FlagStatus.claimed and flag.claimed_by != actor.id:
        raise Conflict(f"flag {flag.id} is claimed by {flag.claimed_by}", current_state(flag))
    first = None
    if flag.status is FlagStatus.awaiting_second:
        first = session.scalar(
            select(ReviewDecision)
            .where(ReviewDecision.flag_id == flag.id)
            .order_by(ReviewDecision.id.desc())
            .limit(1)
        )
        if first is not None and first.reviewer == actor.id:
            raise Conflict(f"flag {flag.id} needs a second, different analyst", current_state(flag))
    elif flag.status not in (FlagStatus.pending, FlagStatus.claimed):
        raise Conflict(f"flag {flag.id} is already {flag.status.value}", current_state(flag))

    refer = action is not DecisionAction.dismiss
    chosen = sorted(set(labels or flag.labels)) if refer else []
    decision = ReviewDecision(
        flag_id=flag.id, reviewer=actor.id, action=action, labels=chosen, note=note, decided_at=now
    )
    session.add(decision)
    new = _next_status(refer, chosen, first, two_person_rule)
    flag.transition(new)
    flag.claimed_by = flag.claimed_at = None
    session.flush()
    referral_id = (
        add_to_referral(session, flag, chosen, now) if new is FlagStatus.confirmed else None
    )
    return ReviewEvent(
        "flags.decide",
        flag.id,
        flag.status,
        flag.version,
        {
            "action": action.value,
            "labels": chosen,
            "status": flag.status.value,
            "referral_id": referral_id,
            "version": flag.version,
        },
        decision_id=decision.id,
        referral_id=referral_id,
    )
