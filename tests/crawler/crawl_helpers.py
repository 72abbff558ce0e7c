"""Helpers shared by the crawler tests (a unique module name, importable from the test files)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, select

from crawler.fake.mastodon import DOMAIN
from crawler.fake.world import FakeAccount, World
from crawler.run import CrawlSummary, run_crawl
from probity.models import Post


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def crawl(
    step: str,
    platform: str,
    url: str,
    engine: Engine,
    clock: FakeClock | None = None,
    world: World | None = None,
    page_size: int = 5,
    **kwargs: Any,
) -> CrawlSummary:
    if step == "discover" and world is not None and "queries" not in kwargs:
        kwargs["handles"] = [a.handle for a in world.accounts[platform]]
    return run_crawl(
        step, platform, base_url=url, engine=engine, clock=clock, page_size=page_size, **kwargs
    )


def account_key(platform: str, account: FakeAccount) -> str:
    return f"https://{DOMAIN}/users/{account.handle}" if platform == "mastodon" else account.id


def post_keys(platform: str, account: FakeAccount) -> set[str]:
    """The platform ids the crawler must store for an account: one per post in the world."""
    keys = set()
    for p in account.posts:
        if platform == "bluesky":
            kind = "repost" if p.repost_of else "post"
            keys.add(f"at://{account.id}/app.bsky.feed.{kind}/{p.id}")
        elif platform == "mastodon":
            keys.add(
                f"https://{DOMAIN}/users/{account.handle}/statuses/{p.id}"
                + ("/activity" if p.repost_of else "")
            )
        else:
            keys.add(p.id)
    return keys


def stored_post_ids(engine: Engine, platform: str) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(Post.platform_id).where(Post.platform == platform)))


FEED_PATH = {"bluesky": "getAuthorFeed", "mastodon": "/statuses", "x": "/tweets"}
PROFILE_PATH = {"bluesky": "getProfile", "mastodon": "/lookup", "x": "/by/username/"}


def raw_account(platform: str, account: FakeAccount) -> dict[str, str]:
    """The part of a stored profile payload a source needs to walk the account's feed."""
    return (
        {"did": account.id} if platform == "bluesky" else {"id": account.id, "acct": account.handle}
    )


def profile_key(platform: str, account: FakeAccount) -> str:
    return account.id if platform == "bluesky" else account.handle


def first_crawl(
    platform: str,
    world: World,
    url: str,
    engine: Engine,
    clock: FakeClock | None = None,
    page_size: int = 5,
) -> list[CrawlSummary]:
    """discover (by handle) → accounts → posts, as an operator would run them."""
    return [
        crawl(step, platform, url, engine, clock, world if step == "discover" else None, page_size)
        for step in ("discover", "accounts", "posts")
    ]


def in_scope_keys(engine: Engine, platform: str) -> set[str]:
    from probity.models import PlatformAccount

    with engine.connect() as conn:
        return set(
            conn.scalars(
                select(PlatformAccount.platform_id).where(PlatformAccount.platform == platform)
            )
        )


def expected_posts(world: World, platform: str, keys: set[str]) -> set[str]:
    return {
        k
        for a in world.accounts[platform]
        if account_key(platform, a) in keys
        for k in post_keys(platform, a)
        if not any(p.malformed for p in a.posts if k.endswith(p.id) or f"/{p.id}/" in k)
    }
