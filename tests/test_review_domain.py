"""The review domain as plain functions (no HTTP): who, what, when and the version seen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from probity import referrals, review
from probity.errors import Conflict, NotFoundError
from probity.models import (
    DecisionAction,
    Flag,
    FlagStatus,
    Platform,
    PlatformAccount,
    Post,
    ReferralItem,
    ReferralOutcome,
    ReferralStatus,
)

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
A = review.Actor("pb_aaaa0001", "analyst")
B = review.Actor("pb_bbbb0002", "analyst")


def _flag(session, force: str = "kent") -> int:
    account = PlatformAccount(
        platform=Platform.bluesky,
        platform_id=f"did:{force}:{id(session)}:{NOW}",
        handle="pc.example",
        force_id=force,
    )
    session.add(account)
    session.flush()
    post = Post(
        platform=Platform.bluesky,
        platform_id=f"at://{account.id}/1",
        account_id=account.id,
        text="t",
        text_sha256="0" * 64,
    )
    session.add(post)
    session.flush()
    flag = Flag(post_id=post.id, force_id=force, labels=["offensive"])
    session.add(flag)
    session.flush()
    return flag.id


def test_claim_release_decide_return_events_and_raise_versions(db_session):
    flag_id = _flag(db_session)
    claimed = review.claim(db_session, flag_id, A, NOW)
    assert (claimed.action, claimed.status, claimed.version) == (
        "flags.claim",
        FlagStatus.claimed,
        2,
    )
    with pytest.raises(Conflict) as lost:
        review.claim(db_session, flag_id, B, NOW)
    assert lost.value.current == {
        "flag_id": flag_id,
        "status": "claimed",
        "version": 2,
        "claimed_by": A.id,
    }
    assert review.release(db_session, flag_id, A, NOW).version == 3
    with pytest.raises(Conflict, match="has changed"):
        review.decide(db_session, flag_id, B, DecisionAction.confirm, now=NOW, expected_version=2)
    done = review.decide(
        db_session, flag_id, B, DecisionAction.confirm, now=NOW, expected_version=3
    )
    assert done.status is FlagStatus.confirmed and done.referral_id is not None
    assert done.detail["labels"] == ["offensive"]
    with pytest.raises(Conflict, match="already confirmed"):
        review.decide(db_session, flag_id, A, DecisionAction.dismiss, now=NOW)


def test_a_dismissal_refers_nothing(db_session):
    flag_id = _flag(db_session)
    event = review.decide(db_session, flag_id, A, DecisionAction.dismiss, now=NOW, note="banter")
    assert event.status is FlagStatus.dismissed and event.referral_id is None
    assert db_session.scalar(select(ReferralItem).where(ReferralItem.flag_id == flag_id)) is None


def test_force_scope_hides_other_forces_flags(db_session):
    flag_id = _flag(db_session, "kent")
    with pytest.raises(NotFoundError):
        review.claim(db_session, flag_id, review.Actor("pb_cccc0003", "analyst", "sussex"), NOW)


def test_two_person_rule(db_session):
    flag_id = _flag(db_session)
    first = review.decide(
        db_session, flag_id, A, DecisionAction.confirm, now=NOW, two_person_rule=True
    )
    assert first.status is FlagStatus.awaiting_second
    with pytest.raises(Conflict, match="second, different analyst"):
        review.decide(db_session, flag_id, A, DecisionAction.confirm, now=NOW, two_person_rule=True)
    second = review.decide(
        db_session, flag_id, B, DecisionAction.confirm, now=NOW, two_person_rule=True
    )
    assert second.status is FlagStatus.confirmed


def test_referral_moves_are_a_table(db_session):
    assert (
        referrals.REFERRAL_MOVES[("acknowledge", ReferralStatus.open)]
        is ReferralStatus.acknowledged
    )
    assert ("acknowledge", ReferralStatus.closed) not in referrals.REFERRAL_MOVES
    flag_id = _flag(db_session)
    referral_id = review.decide(db_session, flag_id, A, DecisionAction.confirm, now=NOW).referral_id
    assert referral_id is not None
    with pytest.raises(NotFoundError):
        referrals.acknowledge(db_session, referral_id, "sussex", NOW)
    assert referrals.acknowledge(db_session, referral_id, "kent", NOW).version == 2
    with pytest.raises(Conflict, match="cannot acknowledge"):
        referrals.acknowledge(db_session, referral_id, "kent", NOW)
    closed = referrals.record_outcome(
        db_session, referral_id, "kent", ReferralOutcome.management_advice, "", NOW
    )
    assert closed.status is ReferralStatus.closed and closed.version == 3
    with pytest.raises(Conflict, match="send its current version") as again:
        referrals.record_outcome(db_session, referral_id, "kent", ReferralOutcome.other, "", NOW)
    assert again.value.current["outcome"] == "management_advice"
    fixed = referrals.record_outcome(
        db_session, referral_id, "kent", ReferralOutcome.other, "typo", NOW, expected_version=3
    )
    assert fixed.detail["correction"] is True and fixed.version == 4
