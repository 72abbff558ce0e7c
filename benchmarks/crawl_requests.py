"""Requests used per account against the minimum, on each fake platform.

Minimum for an account with P posts at page size S:
  first crawl = 1 profile request (``crawl accounts``) + max(1, ceil(P / S)) feed pages
                (the last page carries no cursor, so no extra request confirms the end;
                an account with no posts still needs one page to learn that);
  re-crawl of an unchanged account = the pages down to the end of the re-walk window: the first
                item at or behind min(the newest post held, now - PROBITY_CRAWL_REWALK_DAYS),
                so 1 unless the account posted more than a page in the window (with the window
                off, 1: since_id on X and Mastodon, the newest known post on Bluesky).

``--active`` moves every account's posts so its newest is an hour old (accounts that post
now, whose recent window is full); without it the posts are from 2025 and the window is empty.

Run: ``PYTHONPATH=. python benchmarks/crawl_requests.py [--accounts N] [--page-size S] [--active]``
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from crawler.fake.apps import build_app
from crawler.fake.mastodon import DOMAIN
from crawler.fake.server import FakePlatform, serve
from crawler.fake.world import FakeAccount, World, generate_world
from crawler.run import run_crawl
from probity import db
from probity.settings import get_settings


def _key(platform: str, account: FakeAccount) -> str:
    return f"https://{DOMAIN}/users/{account.handle}" if platform == "mastodon" else account.id


def _asked(state: FakePlatform, account: FakeAccount) -> int:
    """Requests that concerned this account (by id in path or parameters, or by handle)."""
    return sum(
        1
        for path, query in state.requests
        if any(
            account.id in part or part.endswith(account.handle) or part == account.handle
            for part in (path, *query.values())
        )
    )


def measure(
    platform: str,
    world: World,
    fake: Callable[..., Any],
    engine: Engine,
    clock: Any = None,
    page_size: int = 5,
) -> list[dict[str, Any]]:
    """One row per in-scope account: posts, requests (first crawl, re-crawl) and their minimums."""
    from sqlalchemy import select

    from probity.models import PlatformAccount

    handles = [a.handle for a in world.accounts[platform]]
    with fake(platform, world) as (state, url):
        run_crawl(
            "discover",
            platform,
            base_url=url,
            engine=engine,
            clock=clock,
            handles=handles,
            page_size=page_size,
        )
        state.requests.clear()
        for step in ("accounts", "posts"):
            run_crawl(step, platform, base_url=url, engine=engine, clock=clock, page_size=page_size)
        with engine.connect() as conn:
            keys = set(conn.scalars(select(PlatformAccount.platform_id)))
        accounts = [a for a in world.accounts[platform] if _key(platform, a) in keys]
        first = {a.id: _asked(state, a) for a in accounts}
        state.requests.clear()
        run_crawl("posts", platform, base_url=url, engine=engine, clock=clock, page_size=page_size)
        again = {a.id: _asked(state, a) for a in accounts}
    return [
        {
            "platform": platform,
            "account": a.handle,
            "posts": len(a.posts),
            "first": first[a.id],
            "first_min": 1 + max(1, math.ceil(len(a.posts) / page_size)),
            "again": again[a.id],
            "again_min": window_pages(a, page_size, get_settings().crawl_rewalk_days),
        }
        for a in accounts
    ]


def window_pages(account: FakeAccount, page_size: int, rewalk_days: float) -> int:
    """Pages an increment of an unchanged account needs to cover the re-walk window."""
    feed = account.newest_first()
    if rewalk_days <= 0 or not feed:
        return 1
    end = min(feed[0].created_at, datetime.now(UTC) - timedelta(days=rewalk_days))
    reach = next((i for i, p in enumerate(feed) if p.created_at <= end and not p.malformed), None)
    return reach // page_size + 1 if reach is not None else max(1, math.ceil(len(feed) / page_size))


def make_active(world: World) -> None:
    """Shift each account's posts so its newest is an hour old (gaps between posts kept)."""
    target = datetime.now(UTC) - timedelta(hours=1)
    for accounts in world.accounts.values():
        for account in accounts:
            if account.posts:
                shift = target - max(p.created_at for p in account.posts)
                for post in account.posts:
                    post.created_at += shift


def _fake_factory() -> Callable[..., Any]:
    from contextlib import contextmanager

    @contextmanager
    def start(platform: str, world: World):  # type: ignore[no-untyped-def]
        state = FakePlatform(platform, world)
        with serve(build_app(state)) as url:
            yield state, url

    return start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=30)
    parser.add_argument("--page-size", type=int, default=10)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--active", action="store_true", help="newest posts an hour old")
    args = parser.parse_args(argv)
    import os

    os.environ.setdefault("PROBITY_X_BEARER_TOKEN", "benchmark")
    world = generate_world(args.seed, accounts=args.accounts, posts=(0, 60))
    if args.active:
        make_active(world)
    print(
        "| platform | in-scope accounts | posts | page size | first crawl: requests / minimum "
        "| re-crawl: requests / minimum | per account equal |"
    )
    print("|---|---|---|---|---|---|---|")
    all_equal = True
    with tempfile.TemporaryDirectory() as tmp:
        for platform in ("bluesky", "mastodon", "x"):
            url = f"sqlite:///{Path(tmp) / f'{platform}.db'}"
            db.upgrade(url)
            rows = measure(
                platform, world, _fake_factory(), db.get_engine(url), page_size=args.page_size
            )
            equal = all(r["first"] == r["first_min"] and r["again"] == r["again_min"] for r in rows)
            all_equal &= equal
            print(
                f"| {platform} | {len(rows)} | {sum(r['posts'] for r in rows)} | {args.page_size} "
                f"| {sum(r['first'] for r in rows)} / {sum(r['first_min'] for r in rows)} "
                f"| {sum(r['again'] for r in rows)} / {sum(r['again_min'] for r in rows)} "
                f"| {'yes' if equal else 'NO'} |"
            )
    return 0 if all_equal else 1


if __name__ == "__main__":
    sys.exit(main())
