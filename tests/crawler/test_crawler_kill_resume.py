"""kill -9 the crawler mid-walk (a real subprocess), re-run it, and check the database exactly."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawl_helpers import FEED_PATH, crawl, expected_posts, in_scope_keys, stored_post_ids
from sqlalchemy import func, select

from crawler.fake.server import Faults
from crawler.fake.world import generate_world
from probity.models import CrawlCheckpoint, RawItem

ROOT = Path(__file__).resolve().parents[2]


def _start(platform: str, url: str, database_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PROBITY_DATABASE_URL": database_url,
        "PROBITY_X_BEARER_TOKEN": "test-token",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli",
            "crawl",
            "posts",
            "--platform",
            platform,
            "--base-url",
            url,
            "--page-size",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("platform", ["bluesky", "mastodon", "x"])
def test_killed_crawl_resumes_with_no_duplicate_and_no_missing_row(
    platform, fake, crawl_url, crawl_engine
):
    world = generate_world(seed=5, accounts=8, posts=(15, 30))
    rng = random.Random(platform)
    with fake(platform, world, Faults(delay=0.02)) as (state, url):
        crawl("discover", platform, url, crawl_engine, None, world)
        keys = in_scope_keys(crawl_engine, platform)
        expected = expected_posts(world, platform, keys)
        total_pages = len(expected) // 5
        kills = 0
        for target in sorted(rng.sample(range(2, total_pages - 2), 2)):
            proc = _start(platform, url, crawl_url)
            deadline = time.monotonic() + 60
            while state.count(path_contains=FEED_PATH[platform]) < target and proc.poll() is None:
                assert time.monotonic() < deadline, "crawler made no progress"
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.03))  # land anywhere: in a request, a transaction, between
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=30)
        assert kills >= 2
        assert len(stored_post_ids(crawl_engine, platform)) < len(
            expected
        )  # it really was cut short
        final = _start(platform, url, crawl_url)
        _, err = final.communicate(timeout=120)
        assert final.returncode == 0, err.decode()[-2000:]
    stored = stored_post_ids(crawl_engine, platform)
    assert len(stored) == len(set(stored)) and set(stored) == expected
    with crawl_engine.connect() as conn:
        raw_posts = conn.scalar(
            select(func.count())
            .select_from(RawItem)
            .where(RawItem.platform == platform, RawItem.item_type == "post")
        )
        complete = list(
            conn.scalars(select(CrawlCheckpoint.complete).where(CrawlCheckpoint.scope == "posts"))
        )
    assert raw_posts == len(expected)  # identical re-captures are not stored twice
    assert len(complete) == len(keys) and all(complete)
    # the resumed walk did not start over: far fewer feed requests than three full crawls
    assert state.count(path_contains=FEED_PATH[platform]) < 2 * (total_pages + len(keys))
