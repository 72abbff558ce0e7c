"""An account whose profile stops saying it serves leaves scope at the next refresh, however far
its posts went: classified, flagged, decided or referred (the collector's exclude step)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from lawfulworld import T0, account, flag, post, refer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.evidence import account_hash
from crawler.ingest import exclude
from probity import audit, db, retention
from probity.models import (
    ExcludedAccount,
    FlagStatus,
    PlatformAccount,
    Post,
    Prediction,
    Referral,
    ReferralStatus,
)


@pytest.fixture
def session(database_factory: Callable[[], str]) -> Iterator[Session]:
    with db.session_factory(db.get_engine(database_factory()))() as s:
        yield s


def test_a_classified_and_flagged_account_is_deleted_to_a_keyed_hash(session: Session) -> None:
    leaver = account(session, "kent")
    flag(session, post(session, leaver, "Pending words"), FlagStatus.pending)
    flag(session, post(session, leaver, "Dismissed words"), FlagStatus.dismissed)
    session.commit()
    exclude(session, "bluesky", leaver.platform_id, "gardener now", "v1", T0)
    session.commit()
    assert session.scalar(select(func.count()).select_from(PlatformAccount)) == 0
    assert session.scalar(select(func.count()).select_from(Post)) == 0
    assert session.scalar(select(func.count()).select_from(Prediction)) == 0
    assert (
        session.scalar(
            select(ExcludedAccount.reason).where(
                ExcludedAccount.account_hash == account_hash("bluesky", leaver.platform_id)
            )
        )
        == "gardener now"
    )


def test_a_referred_account_keeps_its_verdict_and_waits_for_the_referral(
    session: Session,
) -> None:
    leaver = account(session, "kent")
    referred = post(session, leaver, "Referred words")
    referral = refer(session, flag(session, referred, FlagStatus.confirmed))
    other = post(session, leaver, "Other words").id
    session.commit()
    exclude(session, "bluesky", leaver.platform_id, "retired", "v1", T0)
    session.commit()
    session.expire_all()
    assert leaver.self_identified is False and leaver.left_scope_at == T0
    assert session.get(Post, other) is not None  # the referral is open: nothing purged yet
    closed = session.get(Referral, referral.id)
    assert closed is not None
    closed.status, closed.outcome_at = ReferralStatus.closed, T0 + timedelta(days=3)
    session.commit()
    report = retention.run_retention(session, None, T0 + timedelta(days=3))
    assert report.by_class()["out_of_scope_accounts"] == 1
    session.expire_all()
    assert session.get(Post, other) is None and leaver.bio == ""
    assert session.get(Post, referred.id) is not None  # the force's record, its own class
    assert audit.verify(session).ok
