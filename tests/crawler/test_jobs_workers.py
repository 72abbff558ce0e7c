"""Workers against one PostgreSQL queue (jobs/): kill -9 one mid-job, run two at once.

Real subprocesses (``probity worker``) against the fake Bluesky on loopback; the database is
checked exactly against the fake world afterwards.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawl_helpers import FEED_PATH, crawl, expected_posts, in_scope_keys, stored_post_ids
from sqlalchemy import Engine, func, select, text

from crawler.fake.server import Faults
from crawler.fake.world import World, generate_world
from jobs.app import app, connector_for
from jobs.queue import ensure_schema
from jobs.tasks import plan_crawl
from probity.models import CrawlCheckpoint, RawItem

ROOT = Path(__file__).resolve().parents[2]
PAGE_SIZE = 5
pytestmark = pytest.mark.skipif(
    not os.environ.get("PROBITY_TEST_DATABASE_URL"),
    reason="workers share a PostgreSQL queue (Procrastinate): run with PROBITY_TEST_DATABASE_URL",
)


def _worker(database_url: str, base_url: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROBITY_")}
    env.update(
        PYTHONPATH=str(ROOT),
        PROBITY_ENV="test",
        PROBITY_DATABASE_URL=database_url,
        PROBITY_BLUESKY_BASE_URL=base_url,
        PROBITY_MASTODON_INSTANCES="[]",  # only the fake Bluesky is crawled; X has no token
        PROBITY_CRAWL_PAGE_SIZE=str(PAGE_SIZE),
        PROBITY_CRAWL_RATE_LIMITS=json.dumps({"bluesky": 1_000_000}),
        PROBITY_WORKER_HEARTBEAT_SECONDS="1",
        PROBITY_WORKER_STALLED_SECONDS="6",
    )
    return subprocess.Popen(
        # --no-schedule: no cron job may fire mid-test and add requests of its own
        [sys.executable, "-m", "cli", "worker", "--queue", "crawl", "--no-schedule"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _defer_crawl(database_url: str) -> None:
    ensure_schema(database_url)
    with app.replace_connector(connector_for(database_url)), app.open():
        plan_crawl.configure().defer(timestamp=int(time.time()))


def _jobs(engine: Engine, *statuses: str) -> int:
    """Jobs of the crawl queue (the one these workers work) in one of ``statuses``."""
    with engine.connect() as conn:
        return conn.scalar(
            text(
                "SELECT count(*) FROM procrastinate_jobs "
                "WHERE queue_name = 'crawl' AND status::text = ANY(:s)"
            ),
            {"s": list(statuses)},
        )


def _wait_until_drained(engine: Engine, procs: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 300  # generous: a loaded CI machine starts Python slowly
    while _jobs(engine, "todo", "doing"):
        if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
            logs = [_stop(p) for p in procs]
            pytest.fail(
                f"workers did not finish the jobs; their logs: {[log[-3000:] for log in logs]}"
            )
        time.sleep(0.1)


def _stop(proc: subprocess.Popen[bytes]) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    return err.decode()


def _minimum_feed_requests(world: World, keys: set[str]) -> int:
    """A first crawl's floor: ceil(posts / page size) feed pages per in-scope account."""
    return sum(
        max(1, math.ceil(len(a.posts) / PAGE_SIZE))
        for a in world.accounts["bluesky"]
        if a.id in keys
    )


def _discover(world: World, url: str, engine: Engine) -> set[str]:
    crawl("discover", "bluesky", url, engine, None, world)
    keys = in_scope_keys(engine, "bluesky")
    assert len(keys) >= 4
    return keys


def test_a_worker_killed_mid_job_loses_nothing_and_duplicates_nothing(
    fake, crawl_url, crawl_engine
):
    world = generate_world(seed=5, accounts=8, posts=(15, 30))
    with fake("bluesky", world, Faults(delay=0.02)) as (state, url):
        keys = _discover(world, url, crawl_engine)
        expected = expected_posts(world, "bluesky", keys)
        minimum = _minimum_feed_requests(world, keys)
        _defer_crawl(crawl_url)
        first = _worker(crawl_url, url)
        deadline = time.monotonic() + 180
        while state.count(path_contains=FEED_PATH["bluesky"]) < minimum // 2:
            assert first.poll() is None and time.monotonic() < deadline, "worker made no progress"
            time.sleep(0.005)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        # killed mid-job: a crawl job is left "doing", and part of the posts is stored
        assert _jobs(crawl_engine, "doing") == 1
        assert 0 < len(stored_post_ids(crawl_engine, "bluesky")) < len(expected)

        second = _worker(crawl_url, url)
        _wait_until_drained(crawl_engine, [second])
        log = _stop(second)
    assert "lost its worker: retrying it" in log  # the killed job was retried, not dropped
    assert _jobs(crawl_engine, "failed") == 0
    stored = stored_post_ids(crawl_engine, "bluesky")
    assert len(stored) == len(set(stored))  # no duplicate
    assert set(stored) == expected  # nothing lost
    with crawl_engine.connect() as conn:
        raw_posts = conn.scalar(
            select(func.count()).select_from(RawItem).where(RawItem.item_type == "post")
        )
        complete = list(
            conn.scalars(select(CrawlCheckpoint.complete).where(CrawlCheckpoint.scope == "posts"))
        )
    assert raw_posts == len(expected)
    assert len(complete) == len(keys) and all(complete)
    # the retried job resumed from its checkpoint: at most the page in flight was asked twice
    assert state.count(path_contains=FEED_PATH["bluesky"]) <= minimum + 1


def test_two_workers_crawl_each_account_once_with_the_minimum_requests(
    fake, crawl_url, crawl_engine
):
    world = generate_world(seed=7, accounts=12, posts=(10, 25))
    with fake("bluesky", world, Faults(delay=0.01)) as (state, url):
        keys = _discover(world, url, crawl_engine)
        _defer_crawl(crawl_url)
        workers = [_worker(crawl_url, url), _worker(crawl_url, url)]
        _wait_until_drained(crawl_engine, workers)
        logs = [_stop(w) for w in workers]
        feed_requests = [(path, query) for path, query in state.requests if "getAuthorFeed" in path]
    # each account's feed was walked by one worker only: no first page asked twice
    first_pages = [q.get("actor") for _, q in feed_requests if not q.get("cursor")]
    assert sorted(first_pages) == sorted(keys)
    assert len(feed_requests) == _minimum_feed_requests(world, keys)
    assert set(stored_post_ids(crawl_engine, "bluesky")) == expected_posts(world, "bluesky", keys)
    assert _jobs(crawl_engine, "failed") == 0
    assert all("Traceback" not in log for log in logs), logs
    # both workers took part: each made feed requests (the work was shared, not serialised)
    assert all(re.search(r"'requests': [1-9]", log) for log in logs), logs


def test_planning_many_jobs_refreshes_the_queue_tables_statistics(crawl_url, crawl_engine):
    # without it PostgreSQL plans each fetch for an empty queue table and checks every waiting
    # job's lock before taking one: a pass's cost per account grew with the number of accounts
    from jobs import tasks

    ensure_schema(crawl_url)

    def analyses() -> int:
        with crawl_engine.connect() as conn:
            conn.execute(text("SELECT pg_stat_clear_snapshot()"))
            return conn.scalar(
                text(
                    "SELECT analyze_count FROM pg_stat_user_tables "
                    "WHERE relname = 'procrastinate_jobs'"
                )
            )

    before = analyses()
    tasks._analyze_queue(tasks.QUEUE_ANALYZE_AFTER - 1)  # a small plan: not worth an ANALYZE
    time.sleep(1.5)  # statistics reach the views when the backend reports them
    assert analyses() == before
    tasks._analyze_queue(tasks.QUEUE_ANALYZE_AFTER)
    deadline = time.monotonic() + 10
    while analyses() == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert analyses() == before + 1
