"""Referral state changes as plain functions: joining a referral, acknowledgement, outcomes.

The moves a referral may make are a table (``REFERRAL_MOVES``), like the flag's status machine:
nothing changes a referral's status except a move listed there. Each function locks the
referral first (``SELECT … FOR UPDATE``; an immediate write transaction on SQLite), so of several
concurrent outcomes exactly one is accepted; the others get ``Conflict`` with the current state,
unless they name the current version, which makes them a deliberate correction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from probity.db import lock_for_write
from probity.errors import Conflict, InvalidTransition, NotFoundError
from probity.models import (
    Flag,
    FlagStatus,
    PlatformAccount,
    Post,
    Referral,
    ReferralItem,
    ReferralOutcome,
    ReferralStatus,
)

# (move, from status) -> to status
REFERRAL_MOVES: dict[tuple[str, ReferralStatus], ReferralStatus] = {
    ("acknowledge", ReferralStatus.open): ReferralStatus.acknowledged,
    ("outcome", ReferralStatus.open): ReferralStatus.closed,
    ("outcome", ReferralStatus.acknowledged): ReferralStatus.closed,
    (
        "correct_outcome",
        ReferralStatus.closed,
    ): ReferralStatus.closed,  # only with the current version
}


@dataclass(frozen=True)
class ReferralEvent:
    action: str
    referral_id: int
    status: ReferralStatus
    version: int
    detail: dict[str, Any] = field(default_factory=dict)


def current_state(referral: Referral) -> dict[str, object]:
    return {
        "referral_id": referral.id,
        "status": referral.status.value,
        "version": referral.version,
        "outcome": referral.outcome.value if referral.outcome else None,
    }


def move(referral: Referral, name: str) -> None:
    target = REFERRAL_MOVES.get((name, referral.status))
    if target is None:
        raise Conflict(
            f"referral {referral.id} is {referral.status.value}: cannot {name.replace('_', ' ')}",
            current_state(referral),
        )
    referral.status = target
    referral.version = (referral.version or 1) + 1


def lock_referral(
    session: Session, referral_id: int, force_id: str | None, expected_version: int | None = None
) -> Referral:
    """The referral, locked and re-read; outside ``force_id`` (None: national) it is not found."""
    lock_for_write(session)
    referral = session.execute(
        select(Referral)
        .where(Referral.id == referral_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if referral is None or (force_id is not None and referral.force_id != force_id):
        raise NotFoundError("referral not found")
    if expected_version is not None and expected_version != referral.version:
        raise Conflict(
            f"referral {referral.id} has changed (version {referral.version}, you saw "
            f"{expected_version})",
            current_state(referral),
        )
    return referral


def acknowledge(
    session: Session,
    referral_id: int,
    force_id: str | None,
    now: datetime,
    expected_version: int | None = None,
) -> ReferralEvent:
    referral = lock_referral(session, referral_id, force_id, expected_version)
    move(referral, "acknowledge")
    referral.acknowledged_at = now
    session.flush()
    return ReferralEvent("referrals.acknowledge", referral.id, referral.status, referral.version)


def record_outcome(
    session: Session,
    referral_id: int,
    force_id: str | None,
    outcome: ReferralOutcome,
    note: str,
    now: datetime,
    expected_version: int | None = None,
) -> ReferralEvent:
    """Record what the force did. A closed referral's outcome changes only with its current version."""
    referral = lock_referral(session, referral_id, force_id, expected_version)
    correction = referral.status is ReferralStatus.closed
    if correction and expected_version is None:
        raise Conflict(
            f"referral {referral.id} already has an outcome "
            f"({referral.outcome.value if referral.outcome else '-'}); send its current "
            "version to correct it",
            current_state(referral),
        )
    move(referral, "correct_outcome" if correction else "outcome")
    referral.acknowledged_at = referral.acknowledged_at or now
    referral.outcome, referral.outcome_note, referral.outcome_at = outcome, note, now
    session.flush()
    return ReferralEvent(
        "referrals.outcome",
        referral.id,
        referral.status,
        referral.version,
        {"outcome": outcome.value, "correction": correction, "version": referral.version},
    )


def add_to_referral(
    session: Session, flag: Flag, labels: list[str], now: datetime | None = None
) -> int:
    """Join the open referral for the post's (account, force), opening one if needed.

    Called in the transaction that confirms the flag. The account row is locked so two flags of
    one account confirmed at once share one referral instead of opening two."""
    if flag.force_id is None:
        raise InvalidTransition(f"flag {flag.id} has no force: it cannot be referred")
    if flag.status is not FlagStatus.confirmed:
        raise InvalidTransition(
            f"flag {flag.id} is {flag.status.value}: only confirmed flags are referred"
        )
    post = session.get(Post, flag.post_id)
    if post is None:
        raise NotFoundError(f"post {flag.post_id} of flag {flag.id} not found")
    session.execute(
        select(PlatformAccount.id).where(PlatformAccount.id == post.account_id).with_for_update()
    )
    referral = session.scalar(
        select(Referral)
        .where(
            Referral.account_id == post.account_id,
            Referral.force_id == flag.force_id,
            Referral.status == ReferralStatus.open,
        )
        .order_by(Referral.id)
        .limit(1)
    )
    if referral is None:
        referral = Referral(force_id=flag.force_id, account_id=post.account_id)
        if now is not None:
            referral.created_at = now
        session.add(referral)
        session.flush()
    # the referral ranks by its riskiest flag (the account row lock above serialises this)
    referral.risk = max(referral.risk or 0.0, flag.risk or 0.0)
    item = ReferralItem(referral_id=referral.id, flag_id=flag.id, labels=labels)
    if now is not None:
        item.added_at = now
    session.add(item)
    session.flush()
    return referral.id


def outcome_counts(session: Session, force_id: str | None = None) -> dict[str, int]:
    """Referrals per outcome ('open' for none yet): for statistics and model evaluation."""
    stmt = select(Referral.outcome, func.count()).group_by(Referral.outcome)
    if force_id is not None:
        stmt = stmt.where(Referral.force_id == force_id)
    return {(o.value if o else "open"): n for o, n in session.execute(stmt)}
