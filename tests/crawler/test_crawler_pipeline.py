"""Discover → accounts → posts against each fake platform: what is stored, and what is asked."""

from __future__ import annotations

import logging
import math

import pytest
from crawl_helpers import (
    FEED_PATH,
    account_key,
    crawl,
    expected_posts,
    first_crawl,
    in_scope_keys,
    stored_post_ids,
)
from sqlalchemy import delete, func, select

from crawler.evidence import account_hash, text_sha256
from crawler.fake.server import Faults, Injected
from crawler.fake.world import add_post
from crawler.transport import TransportError
from probity.models import CrawlCheckpoint, ExcludedAccount, PlatformAccount, Post, RawItem

PLATFORMS = ["bluesky", "mastodon", "x"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_first_crawl_stores_every_post_of_in_scope_accounts_and_nothing_of_others(
    platform, world, fake, clock, crawl_engine
):
    with fake(platform, world) as (_, url):
        first_crawl(platform, world, url, crawl_engine, clock)
    keys = in_scope_keys(crawl_engine, platform)
    outside = [a for a in world.accounts[platform] if account_key(platform, a) not in keys]
    assert keys and outside, "the world must hold both in-scope and out-of-scope accounts"
    stored = stored_post_ids(crawl_engine, platform)
    assert len(stored) == len(set(stored))
    assert set(stored) == expected_posts(world, platform, keys)
    with crawl_engine.connect() as conn:
        hashes = set(
            conn.scalars(
                select(ExcludedAccount.account_hash).where(ExcludedAccount.platform == platform)
            )
        )
        raw_keys = set(
            conn.scalars(select(RawItem.account_key).where(RawItem.platform == platform))
        )
    for account in outside:  # minimisation: a keyed hash and a verdict, nothing else
        assert account_hash(platform, account_key(platform, account)) in hashes
        assert account_key(platform, account) not in raw_keys


@pytest.mark.parametrize("platform", PLATFORMS)
def test_posts_are_evidence_grade(platform, world, fake, clock, crawl_engine):
    with fake(platform, world) as (_, url):
        first_crawl(platform, world, url, crawl_engine, clock)
    with crawl_engine.connect() as conn:
        posts = conn.execute(select(Post)).all()
        holders = dict(conn.execute(select(PlatformAccount.id, PlatformAccount.platform_id)).all())
    assert posts
    relations = set()
    for post in posts:
        assert post.url.startswith("https://") and post.platform_id and post.captured_at is not None
        assert post.text_sha256 == text_sha256(post.text) and post.created_at is not None
        for entry in post.context or []:
            relations.add(entry["relation"])
            # the world's replies, quotes and reposts are always of other people's posts
            assert (
                entry["is_account_holder"] is False
                and entry["author_id"] != holders[post.account_id]
            )
        if post.is_repost:
            assert post.text == "" and post.context[0]["relation"] == "repost"
    assert {"reply", "quote", "repost"} <= relations


@pytest.mark.parametrize("platform", PLATFORMS)
def test_recrawl_asks_only_for_what_is_new(platform, world, fake, clock, crawl_engine):
    with fake(platform, world) as (state, url):
        first_crawl(platform, world, url, crawl_engine, clock)
        keys = in_scope_keys(crawl_engine, platform)
        before = len(stored_post_ids(crawl_engine, platform))
        state.requests.clear()
        summary = crawl("posts", platform, url, crawl_engine, clock)
        assert summary.stats.requests == len(state.requests) == len(keys)  # one request per account
        assert (
            summary.stats.new_rows == 0 and len(stored_post_ids(crawl_engine, platform)) == before
        )

        account = next(
            a for a in world.accounts[platform] if account_key(platform, a) in keys and a.posts
        )
        newest = account.newest_first()[0]
        post = add_post(platform, account, "A brand new post.")
        state.requests.clear()
        # Without a re-walk window the increment asks for new posts only (since_id).
        summary = crawl("posts", platform, url, crawl_engine, clock, rewalk_days=0)
    assert summary.stats.new_rows == 1 and summary.stats.requests == len(keys)
    assert any(k.endswith(post.id) for k in stored_post_ids(crawl_engine, platform))
    if (
        platform != "bluesky"
    ):  # X and Mastodon are asked with since_id; Bluesky stops at the known post
        feed = [q for path, q in state.requests if FEED_PATH[platform] in path]
        assert all(q.get("since_id") for q in feed)
        assert newest.id in {q["since_id"] for q in feed}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_requests_per_account_equal_the_minimum(platform, world, fake, clock, crawl_engine):
    from benchmarks.crawl_requests import measure

    rows = measure(platform, world, fake, crawl_engine, clock, page_size=5)
    assert rows and all(
        r["first"] == r["first_min"] and r["again"] == r["again_min"] == 1 for r in rows
    )
    assert any(r["posts"] > 5 for r in rows)  # multi-page walks are covered


@pytest.mark.parametrize("platform", PLATFORMS)
def test_malformed_items_are_skipped_logged_and_kept_raw(
    platform, world, fake, clock, crawl_engine, caplog
):
    for account in world.accounts[platform]:
        if account.posts:
            account.posts[0].malformed = True
    with caplog.at_level(logging.WARNING), fake(platform, world) as (_, url):
        summaries = first_crawl(platform, world, url, crawl_engine, clock)
    keys = in_scope_keys(crawl_engine, platform)
    assert set(stored_post_ids(crawl_engine, platform)) == expected_posts(world, platform, keys)
    with crawl_engine.connect() as conn:
        invalid = conn.scalar(
            select(func.count()).select_from(RawItem).where(RawItem.platform_id.like("invalid:%"))
        )
    malformed = sum(
        1 for a in world.accounts[platform] if account_key(platform, a) in keys and a.posts
    )
    assert invalid == malformed == summaries[-1].counts["malformed"] > 0
    assert "malformed post skipped" in caplog.text


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("where", ["empty_page_mid", "empty_tail"])
def test_empty_page_with_a_cursor(platform, where, world, fake, clock, crawl_engine, caplog):
    with fake(platform, world, Faults(**{where: True})) as (state, url):  # type: ignore[arg-type]
        first_crawl(platform, world, url, crawl_engine, clock)
    keys = in_scope_keys(crawl_engine, platform)
    assert set(stored_post_ids(crawl_engine, platform)) == expected_posts(world, platform, keys)
    for account in world.accounts[platform]:
        if account_key(platform, account) not in keys:
            continue
        pages = math.ceil(len(account.posts) / 5)
        asked = sum(
            1
            for path, q in state.requests
            if FEED_PATH[platform] in path and account.id in path + str(q)
        )
        if (
            where == "empty_tail"
        ):  # followed 3 times (PROBITY_CRAWL_MAX_EMPTY_PAGES), never in a tight loop
            assert asked == (pages + 3 if pages else 3)
        else:
            assert asked == pages + (1 if pages > 1 else 0)
    with crawl_engine.connect() as conn:
        assert all(
            conn.scalars(select(CrawlCheckpoint.complete).where(CrawlCheckpoint.scope == "posts"))
        )


@pytest.mark.parametrize("platform", PLATFORMS)
def test_repeated_cursor_stops_the_walk_with_a_warning(
    platform, world, fake, clock, crawl_engine, caplog
):
    with (
        caplog.at_level(logging.WARNING),
        fake(platform, world, Faults(repeat_cursor=True)) as (state, url),
    ):
        first_crawl(platform, world, url, crawl_engine, clock)
    assert "cursor already seen" in caplog.text
    keys = in_scope_keys(crawl_engine, platform)
    long_ones = [
        a
        for a in world.accounts[platform]
        if account_key(platform, a) in keys and len(a.posts) > 10
    ]
    assert long_ones
    with crawl_engine.connect() as conn:
        for account in long_ones:
            cp = conn.execute(
                select(CrawlCheckpoint).where(CrawlCheckpoint.key == account_key(platform, account))
            ).one()
            assert cp.complete is False and cp.cursor  # resumable, not mistaken for finished
            asked = sum(
                1
                for path, q in state.requests
                if FEED_PATH[platform] in path and account.id in (path + str(q))
            )
            assert asked == 2  # page 1, page 2 hands back its own cursor: stop


@pytest.mark.parametrize("platform", PLATFORMS)
def test_server_errors_beyond_the_budget_keep_the_checkpoint_and_resume(
    platform, world, fake, clock, crawl_engine
):
    with fake(platform, world) as (state, url):
        crawl("discover", platform, url, crawl_engine, clock, world)
        with crawl_engine.connect() as conn:
            order = list(
                conn.scalars(select(PlatformAccount.platform_id).order_by(PlatformAccount.id))
            )
        victim = next(
            a
            for a in world.accounts[platform]
            if account_key(platform, a) in order and len(a.posts) > 10
        )
        earlier = set(order[: order.index(account_key(platform, victim))])
        state.faults.inject = [
            Injected(victim.id, "502", times=5, after=1)
        ]  # page 2 of its feed fails
        with pytest.raises(TransportError, match="HTTP 502, still failing after 4 retries"):
            crawl("posts", platform, url, crawl_engine, clock)
        kept = set(stored_post_ids(crawl_engine, platform))
        first_page = {
            k for k in expected_posts(world, platform, {account_key(platform, victim)})
        } & kept
        assert len(first_page) == 5  # its first page, committed together with its checkpoint
        assert kept - first_page == expected_posts(world, platform, earlier)
        with crawl_engine.connect() as conn:
            cp = conn.execute(
                select(CrawlCheckpoint).where(CrawlCheckpoint.key == account_key(platform, victim))
            ).one()
        assert cp.complete is False and cp.cursor and cp.pages == 1
        crawl("posts", platform, url, crawl_engine, clock)
    stored = stored_post_ids(crawl_engine, platform)
    assert len(stored) == len(set(stored))
    assert set(stored) == expected_posts(world, platform, in_scope_keys(crawl_engine, platform))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_account_deleted_after_discovery_is_marked_and_not_walked(
    platform, world, fake, clock, crawl_engine
):
    with fake(platform, world) as (state, url):
        crawl("discover", platform, url, crawl_engine, clock, world)
        keys = in_scope_keys(crawl_engine, platform)
        gone = next(a for a in world.accounts[platform] if account_key(platform, a) in keys)
        gone.deleted = True
        summary = crawl("accounts", platform, url, crawl_engine, clock)
        assert summary.counts["gone"] == 1
        state.requests.clear()
        crawl("posts", platform, url, crawl_engine, clock)
    assert not any(gone.id in path + str(q) for path, q in state.requests)
    with crawl_engine.connect() as conn:
        deleted = conn.scalar(
            select(PlatformAccount.deleted_at).where(
                PlatformAccount.platform_id == account_key(platform, gone)
            )
        )
    assert deleted is not None


@pytest.mark.parametrize("platform", PLATFORMS)
def test_account_that_leaves_scope_is_reduced_to_a_keyed_hash(
    platform, world, fake, clock, crawl_engine
):
    with fake(platform, world) as (_, url):
        first_crawl(platform, world, url, crawl_engine, clock)
        keys = in_scope_keys(crawl_engine, platform)
        leaver = next(
            a for a in world.accounts[platform] if account_key(platform, a) in keys and a.posts
        )
        leaver.bio = "Gardener and cat person."
        summary = crawl("accounts", platform, url, crawl_engine, clock)
    key = account_key(platform, leaver)
    assert summary.counts["excluded"] == 1 and key not in in_scope_keys(crawl_engine, platform)
    with crawl_engine.connect() as conn:
        assert (
            conn.scalar(select(func.count()).select_from(RawItem).where(RawItem.account_key == key))
            == 0
        )
        assert (
            conn.scalar(
                select(func.count())
                .select_from(ExcludedAccount)
                .where(ExcludedAccount.account_hash == account_hash(platform, key))
            )
            == 1
        )
    assert not set(stored_post_ids(crawl_engine, platform)) & {
        k for k in expected_posts(world, platform, {key})
    }


@pytest.mark.parametrize("platform", PLATFORMS)
def test_remap_rebuilds_accounts_and_posts_from_raw_without_requests(
    platform, world, fake, clock, crawl_engine
):
    from crawler.crawl import now
    from crawler.ingest import remap
    from probity.db import session_scope

    with fake(platform, world) as (state, url):
        first_crawl(platform, world, url, crawl_engine, clock)
        before = sorted(stored_post_ids(crawl_engine, platform))
        asked = len(state.requests)
        with session_scope(crawl_engine) as session:
            session.execute(delete(Post))
        with session_scope(crawl_engine) as session:
            result = remap(session, platform, now=now())
        assert len(state.requests) == asked
    assert sorted(stored_post_ids(crawl_engine, platform)) == before and result.posts == len(before)


@pytest.mark.parametrize("platform", ["bluesky", "mastodon"])
def test_discovery_by_generated_queries_dedupes_candidates(
    platform, world, fake, clock, crawl_engine
):
    from crawler.discovery import discovery_queries

    queries = discovery_queries(platform)
    with fake(platform, world) as (state, url):
        summary = crawl("discover", platform, url, crawl_engine, clock)
        again = crawl("discover", platform, url, crawl_engine, clock)
    search = "searchActors" if platform == "bluesky" else "/search"
    assert state.count(path_contains=search) >= 2 * len(queries)
    counts = summary.counts
    assert counts["candidates"] == counts["in_scope"] + counts["excluded"] > 0
    assert (
        again.counts["in_scope"] == again.counts["excluded"] == 0
    )  # already decided: not identified again
    assert again.counts["known"] == counts["candidates"]
