"""``probity run --once``: the same tasks as the workers, in process (the SQLite default needs
no queue server), against the fake Bluesky; on PostgreSQL the pass goes through the real queue."""

from __future__ import annotations

import json

import pytest
from crawl_helpers import FEED_PATH, expected_posts, in_scope_keys, stored_post_ids
from typer.testing import CliRunner

from cli import app
from crawler.fake.world import generate_world
from probity.settings import reset_settings_cache


@pytest.fixture
def bluesky_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROBITY_X_BEARER_TOKEN", raising=False)  # X is not scheduled without it
    monkeypatch.setenv("PROBITY_MASTODON_INSTANCES", "[]")
    monkeypatch.setenv("PROBITY_CRAWL_PAGE_SIZE", "5")
    monkeypatch.setenv("PROBITY_CRAWL_RATE_LIMITS", json.dumps({"bluesky": 1_000_000}))


def _run_once() -> dict[str, float]:
    result = CliRunner().invoke(app, ["run", "--once"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])["seconds"]


def test_run_once_discovers_crawls_and_a_second_pass_asks_only_for_new_posts(
    fake, crawl_url, crawl_engine, bluesky_only, monkeypatch
):
    world = generate_world(seed=5, accounts=6, posts=(3, 22))
    with fake("bluesky", world) as (state, url):
        monkeypatch.setenv("PROBITY_BLUESKY_BASE_URL", url)
        reset_settings_cache()
        stages = _run_once()
        assert list(stages) == [
            "plan_discover",
            "plan_refresh",
            "plan_crawl",
            "plan_classify",
            "retention",
            "anchor_audit",
        ]
        keys = in_scope_keys(crawl_engine, "bluesky")
        assert keys, "discovery found no in-scope account"
        expected = expected_posts(world, "bluesky", keys)
        stored = stored_post_ids(crawl_engine, "bluesky")
        assert len(stored) == len(set(stored)) and set(stored) == expected
        feeds_before = state.count(path_contains=FEED_PATH["bluesky"])

        _run_once()  # nothing new in the world: one "anything since?" request per account
        assert state.count(path_contains=FEED_PATH["bluesky"]) - feeds_before == len(keys)
        assert sorted(stored_post_ids(crawl_engine, "bluesky")) == sorted(stored)
