"""``probity run --once``: the same tasks as the workers, in process (the SQLite default needs
no queue server), against the fake Bluesky; on PostgreSQL the pass goes through the real queue.

A single pass runs every scheduled planner once, in the schedule's order, and each unit job it
defers once; a second pass adds nothing. The two due-based planners (the graph's refresh of
stale follow lists, the whole-feed re-walk) act only on what is due."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from crawl_helpers import FEED_PATH, expected_posts, in_scope_keys, stored_post_ids
from sqlalchemy import Engine, func, select, update
from typer.testing import CliRunner

from classifier.registry import activate, register
from cli import app
from crawler.discovery import discovery_queries
from crawler.fake.world import delete_post, generate_world
from crawler.graph import EDGE_SCOPE
from jobs.queue import run_once
from jobs.schedule import PIPELINE, SCHEDULE, SCHEDULED_ONLY
from probity.db import session_scope
from probity.forces import FORCES
from probity.models import (
    CrawlCheckpoint,
    ExcludedAccount,
    Flag,
    PlatformAccount,
    Post,
    PostVersion,
    Prediction,
    RawItem,
    utcnow,
)
from probity.settings import get_settings, reset_settings_cache

TABLES = (Post, PlatformAccount, ExcludedAccount, Prediction, Flag, PostVersion, CrawlCheckpoint)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A baseline trained end to end from training/configs/tiny.toml (a few seconds)."""
    from training.config import REPO_ROOT
    from training.train import train_from_config

    return train_from_config(
        REPO_ROOT / "training/configs/tiny.toml",
        models_dir=tmp_path_factory.mktemp("tiny-models"),
        publish_card=False,
    ).path


@pytest.fixture
def bluesky_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROBITY_X_BEARER_TOKEN", raising=False)  # X is not scheduled without it
    monkeypatch.setenv("PROBITY_MASTODON_INSTANCES", "[]")
    monkeypatch.setenv("PROBITY_CRAWL_PAGE_SIZE", "5")
    monkeypatch.setenv("PROBITY_CRAWL_RATE_LIMITS", json.dumps({"bluesky": 1_000_000}))


def _run_once() -> dict[str, Any]:
    result = CliRunner().invoke(app, ["run", "--once"])
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return out


def _rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            m.__tablename__: conn.scalar(select(func.count()).select_from(m)) or 0 for m in TABLES
        }


def _bluesky(usage: dict[str, Any], planner: str) -> dict[str, int]:
    spent: dict[str, int] = usage[planner].get("bluesky", {})
    return spent


def test_run_once_runs_each_scheduled_job_once_and_a_second_pass_adds_nothing(
    fake, crawl_url, crawl_engine, bluesky_only, monkeypatch, tiny_model
):
    with session_scope(crawl_engine) as session:
        activate(session, register(session, tiny_model).version)
    world = generate_world(seed=5, accounts=6, posts=(3, 22))
    with fake("bluesky", world) as (state, url):
        monkeypatch.setenv("PROBITY_BLUESKY_BASE_URL", url)
        reset_settings_cache()
        first = _run_once()
        # every scheduled planner ran once, in the schedule's order, but the queue's clean-up
        assert list(first["seconds"]) == [
            task.name for task, _ in SCHEDULE if task.name not in SCHEDULED_ONLY
        ]
        assert [t.name for t in PIPELINE] == list(first["usage"])
        keys = in_scope_keys(crawl_engine, "bluesky")
        assert keys, "discovery found no in-scope account"
        usage = first["usage"]
        # one job per unit: per query, per walk, per account; no re-walk is due yet
        assert _bluesky(usage, "plan_discover")["jobs"] == len(discovery_queries("bluesky"))
        assert _bluesky(usage, "plan_graph")["jobs"] == 1
        assert _bluesky(usage, "plan_refresh")["jobs"] == len(keys)
        assert _bluesky(usage, "plan_refresh")["refreshed"] == len(keys)
        assert _bluesky(usage, "plan_crawl")["jobs"] == len(keys)
        assert usage["plan_rewalk"] == {}
        expected = expected_posts(world, "bluesky", keys)
        stored = stored_post_ids(crawl_engine, "bluesky")
        assert len(stored) == len(set(stored)) and set(stored) == expected
        assert _bluesky(usage, "plan_crawl")["new_posts"] == len(expected)
        rows = _rows(crawl_engine)
        with session_scope(crawl_engine) as session:  # every collected post classified once
            eligible = (
                session.scalar(
                    select(func.count())
                    .select_from(Post)
                    .where(Post.is_repost.is_(False), Post.deleted_at.is_(None))
                )
                or 0
            )
        assert rows["predictions"] == eligible > 0
        data_dir = get_settings().data_dir
        reports = sorted(p.name for p in (data_dir / "reports").glob("*/*.html"))
        assert len(reports) == len(FORCES) + 1 and "national.html" in reports
        anchors = (data_dir / "audit-anchors.jsonl").read_text().splitlines()
        assert len(anchors) == 1
        feeds_before = state.count(path_contains=FEED_PATH["bluesky"])
        requests_before = len(state.requests)

        second = _run_once()  # nothing new in the world
        assert _rows(crawl_engine) == rows  # no post, account, prediction, flag or checkpoint
        # one "anything since?" request per account, and the graph asks nothing (lists fresh)
        assert state.count(path_contains=FEED_PATH["bluesky"]) - feeds_before == len(keys)
        assert _bluesky(second["usage"], "plan_graph")["requests"] == 0
        assert second["usage"]["plan_rewalk"] == {}
        asked = sum(
            spent.get("requests", 0) for s in second["usage"].values() for spent in s.values()
        )
        assert len(state.requests) - requests_before == asked  # the usage counts every request
        assert sorted(stored_post_ids(crawl_engine, "bluesky")) == sorted(stored)
        assert len((data_dir / "audit-anchors.jsonl").read_text().splitlines()) == 2


def test_a_whole_feed_rewalk_runs_when_due_and_records_deletions(
    fake, crawl_url, crawl_engine, bluesky_only, monkeypatch
):
    world = generate_world(seed=5, accounts=6, posts=(3, 22))
    with fake("bluesky", world) as (state, url):
        monkeypatch.setenv("PROBITY_BLUESKY_BASE_URL", url)
        reset_settings_cache()
        run_once(stages=["plan_discover", "plan_crawl"])
        keys = in_scope_keys(crawl_engine, "bluesky")
        account = next(a for a in world.accounts["bluesky"] if a.id in keys and len(a.posts) > 8)
        oldest = account.newest_first()[-1]  # older than the increments' re-read window
        delete_post(account, oldest)
        run_once(stages=["plan_crawl"])
        with session_scope(crawl_engine) as session:
            assert not session.scalar(select(func.count()).where(Post.deleted_at.is_not(None)))

        assert run_once(stages=["plan_rewalk"]).usage["plan_rewalk"] == {}  # not due yet
        days = get_settings().crawl_full_rewalk_days
        with session_scope(crawl_engine) as session:  # first seen (and crawled) long ago
            session.execute(
                update(PlatformAccount).values(first_seen=utcnow() - timedelta(days=days + 1))
            )
        feeds_before = state.count(path_contains=FEED_PATH["bluesky"])
        done = run_once(stages=["plan_rewalk"]).usage["plan_rewalk"]["bluesky"]
        assert done["jobs"] == len(keys) and done["deleted"] == 1
        assert state.count(path_contains=FEED_PATH["bluesky"]) - feeds_before == done["requests"]
        with session_scope(crawl_engine) as session:
            deleted = list(
                session.scalars(select(Post.platform_id).where(Post.deleted_at.is_not(None)))
            )
            assert len(deleted) == 1 and deleted[0].endswith(oldest.id)
            raw_before = session.scalar(select(func.count()).select_from(RawItem))
        # each whole walk is recorded: the next pass has nothing due
        assert run_once(stages=["plan_rewalk"]).usage["plan_rewalk"] == {}
        with session_scope(crawl_engine) as session:
            assert session.scalar(select(func.count()).select_from(RawItem)) == raw_before


def test_the_graph_reads_completed_lists_again_only_once_they_are_stale(
    fake, crawl_url, crawl_engine, bluesky_only, monkeypatch
):
    world = generate_world(seed=5, accounts=6, posts=(3, 22))
    with fake("bluesky", world) as (_state, url):
        monkeypatch.setenv("PROBITY_BLUESKY_BASE_URL", url)
        reset_settings_cache()
        run_once(stages=["plan_discover", "plan_graph"])
        with session_scope(crawl_engine) as session:
            lists = session.scalar(
                select(func.count()).where(
                    CrawlCheckpoint.scope == EDGE_SCOPE, CrawlCheckpoint.complete.is_(True)
                )
            )
        assert lists
        fresh = run_once(stages=["plan_graph"]).usage["plan_graph"]["bluesky"]
        assert fresh["requests"] == 0 and fresh["lists"] == 0

        days = get_settings().crawl_graph_refresh_days
        with session_scope(crawl_engine) as session:
            session.execute(
                update(CrawlCheckpoint)
                .where(CrawlCheckpoint.scope == EDGE_SCOPE)
                .values(updated_at=utcnow() - timedelta(days=days + 1))
            )
        stale = run_once(stages=["plan_graph"]).usage["plan_graph"]["bluesky"]
        # every stale list read again from its newest entry: one page each, nothing new found
        assert stale["lists"] == lists and stale["requests"] == lists
        assert stale.get("in_scope", 0) == 0
