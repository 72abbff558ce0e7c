from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from probity.db import upsert
from probity.models import Platform, PlatformAccount, Post


def _account(**overrides):
    row = {
        "platform": Platform.bluesky,
        "platform_id": "did:plc:abc123",
        "handle": "pc-jones.bsky.social",
        "display_name": "PC Jones",
        "bio": "Response officer, Kent Police",
    }
    row.update(overrides)
    return row


def test_upsert_twice_leaves_one_row(db_session):
    upsert(db_session, PlatformAccount, [_account()], keys=["platform", "platform_id"])
    upsert(db_session, PlatformAccount, [_account()], keys=["platform", "platform_id"])
    assert db_session.scalar(select(func.count()).select_from(PlatformAccount)) == 1


def test_upsert_updates_named_columns_only(db_session):
    upsert(db_session, PlatformAccount, [_account()], keys=["platform", "platform_id"])
    upsert(
        db_session,
        PlatformAccount,
        [_account(handle="new.bsky.social", bio="changed")],
        keys=["platform", "platform_id"],
        update=["handle"],
    )
    account = db_session.scalar(select(PlatformAccount))
    db_session.refresh(account)
    assert account.handle == "new.bsky.social"
    assert account.bio == "Response officer, Kent Police"


def test_upsert_do_nothing_keeps_the_first_version(db_session):
    upsert(db_session, PlatformAccount, [_account()], keys=["platform", "platform_id"], update=[])
    upsert(
        db_session,
        PlatformAccount,
        [_account(handle="other")],
        keys=["platform", "platform_id"],
        update=[],
    )
    account = db_session.scalar(select(PlatformAccount))
    db_session.refresh(account)
    assert account.handle == "pc-jones.bsky.social"


def test_same_platform_id_on_two_platforms_is_two_accounts(db_session):
    upsert(
        db_session,
        PlatformAccount,
        [_account(), _account(platform=Platform.x)],
        keys=["platform", "platform_id"],
    )
    assert db_session.scalar(select(func.count()).select_from(PlatformAccount)) == 2


def test_post_upsert_is_idempotent_and_keeps_timezones(db_session):
    upsert(db_session, PlatformAccount, [_account()], keys=["platform", "platform_id"])
    account_id = db_session.scalar(select(PlatformAccount.id))
    created = datetime(2012, 3, 1, 12, 30, tzinfo=UTC)
    row = {
        "platform": Platform.bluesky,
        "platform_id": "at://did:plc:abc123/app.bsky.feed.post/1",
        "account_id": account_id,
        "text": "Long night shift, bed now",
        "text_sha256": "a" * 64,
        "created_at": created,
    }
    for _ in range(3):
        upsert(db_session, Post, [row], keys=["platform", "platform_id"])
    posts = db_session.scalars(select(Post)).all()
    assert len(posts) == 1
    db_session.refresh(posts[0])
    assert posts[0].created_at == created and posts[0].created_at.tzinfo is not None


def test_naive_datetimes_are_refused(db_session):
    upsert(db_session, PlatformAccount, [_account()], keys=["platform", "platform_id"])
    account = db_session.scalar(select(PlatformAccount))
    account.last_seen = datetime(2012, 1, 1)
    with pytest.raises(Exception, match="naive datetime"):
        db_session.flush()


def test_the_default_engine_follows_the_configured_database(tmp_path, monkeypatch):
    from probity.db import get_engine
    from probity.settings import reset_settings_cache

    monkeypatch.setenv("PROBITY_DATABASE_URL", f"sqlite:///{tmp_path}/a.db")
    reset_settings_cache()
    first = get_engine()
    monkeypatch.setenv("PROBITY_DATABASE_URL", f"sqlite:///{tmp_path}/b.db")
    reset_settings_cache()
    assert str(get_engine().url).endswith("b.db") and str(first.url).endswith("a.db")
    assert get_engine() is get_engine()
