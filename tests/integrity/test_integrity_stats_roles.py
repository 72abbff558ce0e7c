"""Issue #17: self-identified accounts and their instances are counted by role."""

from __future__ import annotations

from datetime import UTC, datetime

from probity.models import Platform, PlatformAccount, Role
from registers.stats import StatsScope, compute_stats, social_media_stats


def _account(n: int, role: Role | None, self_identified: bool = True) -> PlatformAccount:
    return PlatformAccount(
        platform=Platform.x,
        platform_id=f"roles-{n}",
        handle=f"roles{n}",
        display_name="",
        bio="",
        url="",
        self_identified=self_identified,
        role=role,
        force_id="gwent",
        first_seen=datetime(2026, 1, 2, tzinfo=UTC),
    )


def test_profiles_are_counted_by_role(db_session):
    db_session.add_all(
        [
            _account(1, Role.staff),
            _account(2, Role.staff),
            _account(3, Role.volunteer),
            _account(4, Role.officer),
            _account(5, None),
            _account(6, Role.officer, False),
        ]
    )
    db_session.flush()
    stats = social_media_stats(db_session, StatsScope("gwent"))
    assert stats["profiles_by_role"] == {
        "officer": 1,
        "special": 0,
        "pcso": 0,
        "staff": 2,
        "volunteer": 1,
        "unknown": 1,
    }
    assert sum(stats["profiles_by_role"].values()) == stats["profiles"] == 5


def test_instances_by_role_add_up_to_the_instances(sample_session):
    social = compute_stats(sample_session, StatsScope())["social_media"]
    assert social["instances"] > 0
    assert sum(social["instances_by_role"].values()) == social["instances"]
    assert sum(social["profiles_by_role"].values()) == social["profiles"]
