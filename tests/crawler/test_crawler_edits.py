"""Edits and deletions as evidence: posts edited and deleted in the fake world between two crawls
are recorded as versions and as deleted after capture; the flag shows it; the first capture's hash
still verifies."""

from __future__ import annotations

import pytest
from crawl_helpers import account_key, crawl, first_crawl, in_scope_keys
from fastapi.testclient import TestClient
from sqlalchemy import select

from crawler.evidence import text_sha256
from crawler.fake.world import FakeAccount, FakePost, delete_post, edit_post
from probity import keys
from probity.db import session_scope
from probity.models import Flag, KeyRole, PlatformAccount, Post, PostVersion, RawItem

PLATFORMS = ["bluesky", "mastodon", "x"]


def _stored(engine, platform: str, post: FakePost) -> Post:
    with session_scope(engine) as session:
        found = [
            p
            for p in session.scalars(select(Post).where(Post.platform == platform))
            if p.platform_id.endswith(post.id) and not p.is_repost
        ]
        assert len(found) == 1
        session.expunge(found[0])
        return found[0]


def _victims(world, platform, engine) -> tuple[FakeAccount, FakePost, FakePost, FakePost]:
    keys_ = in_scope_keys(engine, platform)
    for account in world.accounts[platform]:
        own = [p for p in account.posts if not p.repost_of and not p.malformed]
        if account_key(platform, account) in keys_ and len(own) >= 3:
            return account, own[0], own[1], own[2]
    raise AssertionError("the world needs an in-scope account with three posts of its own")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_edits_and_deletions_between_two_crawls_are_evidence(
    platform, world, fake, clock, crawl_engine, crawl_url
):
    with fake(platform, world) as (_, url):
        first_crawl(platform, world, url, crawl_engine, clock)
        account, edited, deleted, untouched = _victims(world, platform, crawl_engine)
        original_text, original_id = edited.text, edited.id
        before = _stored(crawl_engine, platform, edited)
        gone = _stored(crawl_engine, platform, deleted)
        edit_post(platform, account, edited, "Edited after capture: nothing to see here.")
        delete_post(account, deleted)
        summary = crawl("posts", platform, url, crawl_engine, clock, rewalk=True)
        again = crawl("posts", platform, url, crawl_engine, clock, rewalk=True)
    assert summary.counts["edited"] == 1 and summary.counts["deleted"] == 1
    assert again.counts["edited"] == 0 and again.counts["deleted"] == 0  # nothing recorded twice
    assert any("edited" in note for note in summary.notes)
    with session_scope(crawl_engine) as session:
        post = session.get(Post, before.id)
        assert post is not None
        # the first capture is untouched and its hash still verifies
        assert (
            post.text == original_text
            and post.text_sha256 == text_sha256(original_text) == before.text_sha256
        )
        assert post.edited_at is not None and post.deleted_at is None
        [version] = session.scalars(select(PostVersion).where(PostVersion.post_id == post.id)).all()
        assert version.text == edited.text and version.text_sha256 == text_sha256(edited.text)
        assert version.signal.startswith(
            {"bluesky": "cid:", "mastodon": "edited_at:", "x": "edit_history:"}[platform]
        )
        if (
            platform == "x"
        ):  # the edit is a new id; it is a version of the post we hold, not a new post
            assert edited.id != original_id and version.signal.endswith(edited.id)
            assert session.scalar(select(Post.id).where(Post.platform_id == edited.id)) is None
        dead = session.get(Post, gone.id)
        assert dead is not None and dead.deleted_at is not None
        assert dead.text == gone.text and dead.text_sha256 == text_sha256(gone.text)
        assert (
            session.scalar(select(RawItem.id).where(RawItem.platform_id == gone.platform_id))
            is not None
        )
        kept = session.scalar(select(Post).where(Post.platform_id.endswith(untouched.id)))
        assert kept is not None and kept.deleted_at is None and kept.edited_at is None
        force = session.scalar(
            select(PlatformAccount.force_id).where(PlatformAccount.id == post.account_id)
        )
        flags = [
            Flag(post_id=post.id, force_id=force, labels=["offensive"], max_score=0.9),
            Flag(post_id=dead.id, force_id=force, labels=["offensive"], max_score=0.9),
        ]
        session.add_all(flags)
        session.flush()
        flag_ids = [f.id for f in flags]
        key = keys.create_key(session, KeyRole.analyst).key
    from api.main import create_app
    from probity.settings import get_settings

    with TestClient(create_app(get_settings())) as client:
        headers = {"Authorization": f"Bearer {key}"}
        edited_flag = client.get(f"/api/v1/flags/{flag_ids[0]}", headers=headers).json()["post"]
        deleted_flag = client.get(f"/api/v1/flags/{flag_ids[1]}", headers=headers).json()["post"]
        client.post("/ui/login", data={"key": key}, follow_redirects=False)
        page = client.get(f"/ui/flags/{flag_ids[0]}").text
        dead_page = client.get(f"/ui/flags/{flag_ids[1]}").text
    assert edited_flag["edited"] is True and edited_flag["text"] == original_text
    assert edited_flag["sha256"] == text_sha256(original_text)
    assert [v["text"] for v in edited_flag["versions"]] == [edited.text]
    assert deleted_flag["deleted_at"] is not None and deleted_flag["text"] == gone.text
    assert 'data-testid="edited"' in page and "Edited after capture" in page
    assert "deleted after capture" in dead_page and 'data-testid="edited"' not in dead_page


def test_an_x_edit_arrives_on_an_ordinary_crawl_as_a_version(world, fake, clock, crawl_engine):
    with fake("x", world) as (state, url):
        first_crawl("x", world, url, crawl_engine, clock)
        account, edited, _, _ = _victims(world, "x", crawl_engine)
        held = _stored(crawl_engine, "x", edited)
        edit_post("x", account, edited, "Second thoughts, same post.")
        state.requests.clear()
        summary = crawl("posts", "x", url, crawl_engine, clock)
    assert summary.counts["edited"] == 1 and summary.counts["new_posts"] == 0
    assert summary.stats.requests == len(in_scope_keys(crawl_engine, "x"))  # still one request each
    with session_scope(crawl_engine) as session:
        versions = session.scalars(
            select(PostVersion.text).where(PostVersion.post_id == held.id)
        ).all()
    assert versions == ["Second thoughts, same post."]


OFFENSIVE = "Some fucking clown set the bins alight again, catch you soon you absolute scumbag"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A baseline trained from training/configs/tiny.toml (a few seconds)."""
    from training.config import REPO_ROOT
    from training.train import train_from_config

    return train_from_config(
        REPO_ROOT / "training/configs/tiny.toml",
        models_dir=tmp_path_factory.mktemp("tiny-models"),
        publish_card=False,
    ).path


def _asked(state, account: FakeAccount) -> int:
    return sum(
        1
        for path, query in state.requests
        if account.id in path or any(account.id == v for v in query.values())
    )


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_ordinary_crawl_sees_recent_edits_and_deletions_and_the_edit_is_classified(
    platform, world, fake, clock, crawl_engine, tiny_model
):
    from datetime import UTC, datetime, timedelta

    from classifier.registry import load_folder
    from classifier.store import classify_posts
    from classifier.versions import classify_versions
    from probity.models import VersionPrediction

    loaded = load_folder(tiny_model)
    with fake(platform, world) as (state, url):
        first_crawl(platform, world, url, crawl_engine, clock)
        with session_scope(crawl_engine) as session:
            classify_posts(session, loaded, audit_share=0.0)
        keys_ = in_scope_keys(crawl_engine, platform)
        account = max(
            (a for a in world.accounts[platform] if account_key(platform, a) in keys_),
            key=lambda a: len(a.posts),
        )
        own = [p for p in account.newest_first() if not p.repost_of and not p.malformed]
        assert len(own) >= 4 and len(account.posts) > 10  # the old post is pages further down
        edited, recent, old = own[0], own[1], own[-1]
        held, recent_row, old_row = (_stored(crawl_engine, platform, p) for p in own[:2] + own[-1:])
        # The window reaches one hour behind the recent post: it and the edit are inside,
        # the old post (deleted too) is outside it.
        cutoff = recent.created_at - timedelta(hours=1)
        days = (datetime.now(UTC) - cutoff).total_seconds() / 86400
        edit_post(platform, account, edited, OFFENSIVE)
        delete_post(account, recent)
        delete_post(account, old)
        # the pages an increment needs: down to the first item at or behind the window
        feed = account.newest_first()
        needed = next(i for i, p in enumerate(feed) if p.created_at <= cutoff and not p.malformed)
        needed = needed // 5 + 1
        state.requests.clear()
        summary = crawl("posts", platform, url, crawl_engine, clock, rewalk_days=days)
        asked = _asked(state, account)
        rewalked = crawl("posts", platform, url, crawl_engine, clock, rewalk=True)
    assert summary.counts["edited"] == 1 and summary.counts["deleted"] == 1
    assert asked == needed  # the window costs no request beyond the pages that hold it
    assert rewalked.counts["deleted"] == 1 and rewalked.counts["edited"] == 0  # the old one
    with session_scope(crawl_engine) as session:
        stats = classify_versions(session, loaded)
        again = classify_versions(session, loaded)
    assert stats.classified == 1 and again.classified == 0  # the edit, once
    with session_scope(crawl_engine) as session:
        post = session.get(Post, held.id)
        assert post is not None and post.text == held.text
        assert post.text_sha256 == text_sha256(held.text) == held.text_sha256
        [version] = post.versions
        assert version.text == OFFENSIVE
        [prediction] = session.scalars(
            select(VersionPrediction).where(VersionPrediction.post_version_id == version.id)
        ).all()
        assert prediction.labels  # the tiny model labels this text (as in the store tests)
        for row in (recent_row, old_row):
            dead = session.get(Post, row.id)
            assert dead is not None and dead.deleted_at is not None
            assert dead.text_sha256 == text_sha256(dead.text) == row.text_sha256
        flag = session.scalar(select(Flag).where(Flag.post_id == post.id))
        assert flag is not None  # opened by the edit, or kept if the first capture had one
        flag_id = flag.id
        key = keys.create_key(session, KeyRole.analyst).key
    from api.main import create_app
    from probity.settings import get_settings

    with TestClient(create_app(get_settings())) as client:
        shown = client.get(
            f"/api/v1/flags/{flag_id}", headers={"Authorization": f"Bearer {key}"}
        ).json()["post"]
        client.post("/ui/login", data={"key": key}, follow_redirects=False)
        page = client.get(f"/ui/flags/{flag_id}").text
    assert shown["edited"] is True and shown["sha256"] == text_sha256(shown["text"])
    assert [(v["text"], v["labels"]) for v in shown["versions"]] == [(OFFENSIVE, prediction.labels)]
    assert 'data-testid="version-labels"' in page and OFFENSIVE in page
