"""Issue #15: counts of `government` (political opinion, special category) instances are
small-cell suppressed in every statistics output, internal ones too; other counts stay exact
internally."""

from __future__ import annotations

import sys
from pathlib import Path

from probity.models import FlagStatus
from probity.referrals import add_to_referral
from registers.stats import SUPPRESSED, StatsScope, compute_stats

sys.path.insert(0, str(Path(__file__).parents[1] / "api"))
from apifixtures import create_flag  # the API tests' flag fixture

FORCE = "gwent"


def _refer(session, labels: tuple[str, ...], n: int) -> None:
    for _ in range(n):
        flag = create_flag(session, FORCE, labels=labels)
        flag.transition(FlagStatus.confirmed)
        add_to_referral(session, flag, list(labels))


def test_government_counts_are_suppressed_even_internally(db_session):
    _refer(db_session, ("government",), 2)
    _refer(db_session, ("offensive",), 3)
    db_session.flush()
    internal = compute_stats(db_session, StatsScope(FORCE))["social_media"]["by_category"]
    assert internal["government"] == SUPPRESSED and internal["offensive"] == 3
    published = compute_stats(db_session, StatsScope(FORCE), published=True)["social_media"]
    assert published["by_category"]["government"] == SUPPRESSED
    assert published["by_category"]["offensive"] == SUPPRESSED


def test_government_counts_of_five_or_more_are_shown(db_session):
    _refer(db_session, ("government",), 5)
    db_session.flush()
    stats = compute_stats(db_session, StatsScope(FORCE))["social_media"]["by_category"]
    assert stats["government"] == 5
