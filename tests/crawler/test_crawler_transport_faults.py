"""Transport faults on each fake platform, through the real sources (no database needed)."""

from __future__ import annotations

import math

import pytest
from crawl_helpers import FEED_PATH, profile_key, raw_account

from crawler.fake.server import Faults, Injected
from crawler.run import make_source
from crawler.sources import AccountGone
from crawler.transport import RESET_MARGIN, CrawlStats, TransportError, UsageCapped

PLATFORMS = ["bluesky", "mastodon", "x"]


def busiest(world, platform):
    return max(world.accounts[platform], key=lambda a: len(a.posts))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_rate_limit_headers_are_read_in_each_platforms_format(platform, world, fake, clock):
    faults = Faults(rate_limit=2, rate_window=60)
    account = busiest(world, platform)
    with fake(platform, world, faults) as (state, url):
        source = make_source(platform, url, CrawlStats(), clock)
        start = clock.time()
        for _ in range(3):
            source.feed(raw_account(platform, account), None, None, 5)
    # After two requests the budget is spent: the crawler sleeps until the advertised reset
    # (Unix seconds for Bluesky and X, an ISO-8601 date for Mastodon) and is never refused.
    assert state.statuses == [200, 200, 200]
    assert len(clock.slept) == 1
    reset = math.ceil(start + 60) if platform != "mastodon" else start + 60
    assert clock.slept[0] == pytest.approx(reset - start + RESET_MARGIN, abs=0.01)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_429_with_headers_waits_until_the_reset(platform, world, fake, clock):
    faults = Faults(rate_window=120, inject=[Injected(FEED_PATH[platform], "429")])
    with fake(platform, world, faults) as (state, url):
        stats = CrawlStats()
        source = make_source(platform, url, stats, clock)
        start = clock.time()
        page = source.feed(raw_account(platform, busiest(world, platform)), None, None, 5)
    assert state.statuses == [429, 200] and page.items
    assert clock.slept == [
        pytest.approx(
            (math.ceil(start + 120) if platform != "mastodon" else start + 120)
            - start
            + RESET_MARGIN,
            abs=0.01,
        )
    ]
    assert stats.retries == 1 and stats.sleeps == 1


@pytest.mark.parametrize("platform", PLATFORMS)
def test_429_without_headers_backs_off_exponentially_with_jitter(platform, world, fake, clock):
    faults = Faults(inject=[Injected(FEED_PATH[platform], "429-bare", times=3)])
    with fake(platform, world, faults) as (state, url):
        stats = CrawlStats()
        page = make_source(platform, url, stats, clock).feed(
            raw_account(platform, busiest(world, platform)), None, None, 5
        )
    assert state.statuses == [429, 429, 429, 200] and page.items
    assert len(clock.slept) == 3
    for attempt, slept in enumerate(clock.slept):
        assert 0.5 * 2**attempt <= slept <= 1.5 * 2**attempt  # base 1 s, doubling, +-50% jitter
    assert stats.retries == 3


@pytest.mark.parametrize("platform", PLATFORMS)
def test_5xx_is_retried_then_succeeds(platform, world, fake, clock):
    faults = Faults(inject=[Injected(FEED_PATH[platform], "503", times=2)])
    with fake(platform, world, faults) as (state, url):
        stats = CrawlStats()
        page = make_source(platform, url, stats, clock).feed(
            raw_account(platform, busiest(world, platform)), None, None, 5
        )
    assert state.statuses == [503, 503, 200] and len(page.items) == 5
    assert stats.retries == 2 and stats.requests == 3


@pytest.mark.parametrize("platform", PLATFORMS)
def test_5xx_beyond_the_retry_budget_is_a_clear_error(platform, world, fake, clock):
    faults = Faults(inject=[Injected(FEED_PATH[platform], "500", times=50)])
    with fake(platform, world, faults) as (state, url):
        source = make_source(platform, url, CrawlStats(), clock)
        with pytest.raises(TransportError, match=r"HTTP 500, still failing after 4 retries"):
            source.feed(raw_account(platform, busiest(world, platform)), None, None, 5)
    assert state.statuses == [500] * 5  # one try + 4 retries, then stop: bounded


@pytest.mark.parametrize("platform", PLATFORMS)
def test_timeouts_are_retried(platform, world, fake, clock, monkeypatch):
    monkeypatch.setenv("PROBITY_CRAWL_TIMEOUT", "0.3")
    from probity.settings import reset_settings_cache

    reset_settings_cache()
    faults = Faults(stall_seconds=0.8, inject=[Injected(FEED_PATH[platform], "stall")])
    with fake(platform, world, faults) as (_, url):
        stats = CrawlStats()
        page = make_source(platform, url, stats, clock).feed(
            raw_account(platform, busiest(world, platform)), None, None, 5
        )
    assert page.items and stats.retries == 1 and stats.requests == 2


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("how", ["deleted", "suspended"])
def test_deleted_or_suspended_account_is_reported_gone(platform, how, world, fake, clock):
    account = busiest(world, platform)
    setattr(account, how, True)
    with fake(platform, world) as (_, url):
        source = make_source(platform, url, CrawlStats(), clock)
        with pytest.raises(AccountGone):
            source.get_profile(profile_key(platform, account))
        if platform == "mastodon" and how == "suspended":
            # Mastodon hides a suspended account's statuses behind a 200 []: the walk just ends
            # (the profile, above, is what says it is gone).
            page = source.feed(raw_account(platform, account), None, None, 5)
            assert page.items == [] and page.cursor is None
            return
        with pytest.raises(AccountGone):
            source.feed(raw_account(platform, account), None, None, 5)


def test_x_usage_cap_stops_without_retrying(world, fake, clock):
    faults = Faults(inject=[Injected("/tweets", "usage-capped", times=10)])
    with fake("x", world, faults) as (state, url):
        stats = CrawlStats()
        with pytest.raises(UsageCapped, match="usage cap"):
            make_source("x", url, stats, clock).feed(
                raw_account("x", busiest(world, "x")), None, None, 5
            )
    assert state.statuses == [429] and stats.retries == 0 and clock.slept == []


def test_x_200_with_data_and_errors_keeps_the_data(world, fake, clock):
    account = next(
        a
        for a in world.accounts["x"]
        if any(
            r and not r.available for p in a.posts for r in (p.reply_to, p.quote_of, p.repost_of)
        )
    )
    with fake("x", world) as (_, url):
        source = make_source("x", url, CrawlStats(), clock)
        items, errors, cursor = [], [], None
        while True:
            page = source.feed(raw_account("x", account), cursor, None, 100)
            items += page.items
            errors += page.errors
            if not (cursor := page.cursor):
                break
    assert len(items) == len(account.posts)
    assert errors and all(e["type"].endswith("resource-not-found") for e in errors)


def test_x_without_a_bearer_token_is_refused_by_the_fake(world, fake, clock):
    from crawler.sources import SourceError
    from crawler.sources.x import XSource
    from crawler.transport import Transport

    with fake("x", world) as (_, url), pytest.raises(SourceError, match="401"):
        XSource(Transport(url, clock=clock)).get_profile(world.accounts["x"][0].handle)
