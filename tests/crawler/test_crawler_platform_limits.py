"""Platform limits an operator must see: X protected accounts, X's 3,200-post timeline cap, and
Mastodon account search without a user token."""

from __future__ import annotations

import dataclasses

from crawl_helpers import account_key, crawl, first_crawl, in_scope_keys, stored_post_ids
from sqlalchemy import select

from crawler.fake.server import Faults
from crawler.platforms import SPECS
from probity.db import session_scope
from probity.models import Platform, PlatformAccount


def _account_row(engine, platform_id: str) -> PlatformAccount:
    with session_scope(engine) as session:
        row = session.scalar(
            select(PlatformAccount).where(PlatformAccount.platform_id == platform_id)
        )
        assert row is not None
        session.expunge(row)
        return row


def test_x_protected_account_is_kept_marked_and_retried(world, fake, clock, crawl_engine):
    with fake("x", world) as (state, url):
        first_crawl("x", world, url, crawl_engine, clock)
        keys = in_scope_keys(crawl_engine, "x")
        account = next(a for a in world.accounts["x"] if a.id in keys and a.posts)
        account.protected = True
        summary = crawl("posts", "x", url, crawl_engine, clock)
        row = _account_row(crawl_engine, account.id)
        assert summary.counts["protected"] == 1 and summary.counts["gone"] == 0
        assert (
            row.protected
            and row.deleted_at is None
            and any("protected" in n for n in summary.notes)
        )
        state.requests.clear()
        again = crawl("posts", "x", url, crawl_engine, clock)  # retried on the normal schedule
        assert again.counts["protected"] == 1
        assert any(path.endswith(f"/{account.id}/tweets") for path, _ in state.requests)
        account.protected = False
        crawl("posts", "x", url, crawl_engine, clock)
    row = _account_row(crawl_engine, account.id)
    assert not row.protected and row.deleted_at is None


def test_x_timeline_cap_is_recorded_and_reported(world, fake, clock, crawl_engine, monkeypatch):
    cap = 6
    monkeypatch.setitem(SPECS, Platform.x, dataclasses.replace(SPECS[Platform.x], timeline_cap=cap))
    for account in world.accounts["x"][::2]:  # some accounts below the cap, some above
        del account.posts[cap - 2 :]
    with fake("x", world, Faults(timeline_cap=cap)) as (_, url):
        summaries = first_crawl("x", world, url, crawl_engine, clock, page_size=5)
    keys = in_scope_keys(crawl_engine, "x")
    long = [a for a in world.accounts["x"] if a.id in keys and len(a.posts) > cap]
    short = [a for a in world.accounts["x"] if a.id in keys and len(a.posts) < cap]
    assert long and short
    assert summaries[-1].counts["history_truncated"] == len(long)
    assert any("timeline cap" in note for note in summaries[-1].notes)
    for account in long:
        row = _account_row(crawl_engine, account.id)
        oldest_served = account.newest_first()[cap - 1].created_at
        assert row.history_truncated_at is not None
        assert row.history_truncated_at.replace(tzinfo=None) == oldest_served.replace(tzinfo=None)
    assert all(_account_row(crawl_engine, a.id).history_truncated_at is None for a in short)
    assert len(stored_post_ids(crawl_engine, "x")) <= cap * len(keys)


def test_mastodon_discovery_without_a_token_reads_first_pages_and_says_so(
    world, fake, clock, crawl_engine
):
    with fake("mastodon", world) as (state, url):
        summary = crawl(
            "discover", "mastodon", url, crawl_engine, clock, queries=["user"], page_size=2
        )
    assert [q.get("offset") for _, q in state.requests] == [None] and state.statuses == [200]
    assert summary.counts["first_page_only"] == 1 and summary.counts["candidates"] == 2
    assert any("PROBITY_MASTODON_TOKEN" in note for note in summary.notes)


def test_mastodon_discovery_with_a_token_pages_through(
    world, fake, clock, crawl_engine, monkeypatch
):
    from probity.settings import reset_settings_cache

    with fake("mastodon", world) as (state, url):
        monkeypatch.setenv("PROBITY_MASTODON_TOKEN", f'{{"{url}": "user-token"}}')
        reset_settings_cache()
        summary = crawl(
            "discover", "mastodon", url, crawl_engine, clock, queries=["user"], page_size=2
        )
    assert summary.counts["candidates"] == len(world.accounts["mastodon"]) and not summary.notes
    assert all(s == 200 for s in state.statuses) and len(state.requests) > 1
    assert {account_key("mastodon", a) for a in world.accounts["mastodon"]} >= in_scope_keys(
        crawl_engine, "mastodon"
    )
