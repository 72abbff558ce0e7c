"""The demo's collection and classification stages, run as jobs: the planners and jobs of
``probity run --once`` (jobs/), in this process on the demo's database, against the fake
platforms. The scoreboard's request figures are those the jobs recorded (jobs/usage.py), set
beside the minimum the simulated world allows.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from crawler.discovery import discovery_queries
from crawler.platforms import spec_for
from demo.scoreboard import (
    Scoreboard,
    completed_graph_lists,
    minimum_graph_requests,
    minimum_search_requests,
)
from demo.simulation import SimWorld
from jobs.queue import run_once
from probity import db
from probity.settings import reset_settings_cache
from training.default import ensure_default

log = logging.getLogger(__name__)
Stage = Callable[[str, Scoreboard], AbstractContextManager[None]]


@contextmanager
def platform_settings(urls: dict[str, str], per_minute: float) -> Iterator[None]:
    """The jobs read their settings from the environment: point them at the fake platforms for
    the stages, and put back what was there afterwards.

    The demo operator holds a user token for its own Mastodon instance, so account search pages
    (without one, Mastodon serves the first page only). Each fake platform's shared request
    budget is what its rate-limit headers allow (``per_minute``)."""
    values = {
        "PROBITY_BLUESKY_BASE_URL": urls["bluesky"],
        "PROBITY_MASTODON_INSTANCES": json.dumps([urls["mastodon"]]),
        "PROBITY_MASTODON_TOKEN": json.dumps({urls["mastodon"]: "demo"}),
        "PROBITY_X_BASE_URL": urls["x"],
        "PROBITY_CRAWL_RATE_LIMITS": json.dumps({platform: per_minute for platform in urls}),
    }
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    reset_settings_cache()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        reset_settings_cache()


def collect(board: Scoreboard, sim: SimWorld, platforms: tuple[str, ...], stage: Stage) -> None:
    """Discovery (search, then the follow graph) and the posts crawl, as ``run --once`` runs
    them; each platform's requests beside their minimum."""
    lists_before = {platform: completed_graph_lists(platform) for platform in platforms}
    with stage("discover and identify", board):
        found = run_once(stages=["plan_discover", "plan_graph"])
    with stage("crawl posts", board):
        crawled = run_once(stages=["plan_crawl"])
    used: dict[str, int] = {}
    graph: dict[str, Any] = {}
    discovery: dict[str, Any] = {}
    for platform in platforms:
        # A platform without account search (X) is found by the graph alone: no handle list.
        searched = {"search_used": 0, "search_minimum": 0}
        if spec_for(platform).account_search:
            used[f"discover_{platform}"] = found.requests("plan_discover", platform)
            searched = {
                "search_used": used[f"discover_{platform}"],
                "search_minimum": minimum_search_requests(
                    sim, platform, discovery_queries(platform)
                ),
            }
        walked = found.usage.get("plan_graph", {}).get(platform, {})
        used[f"graph_{platform}"] = walked.get("requests", 0)
        lists = completed_graph_lists(platform) - lists_before[platform]
        seeds = walked.get("seeds", 0) + walked.get("seeds_missing", 0)
        graph[platform] = {
            "used": used[f"graph_{platform}"],
            "minimum": minimum_graph_requests(sim, platform, lists, seeds),
            "lists": len(lists),
            "seeds_found": walked.get("seeds", 0),
            "seeds_missing": walked.get("seeds_missing", 0),
            "budget_stopped": bool(walked.get("budget_stopped")),
        }
        discovery[platform] = {
            **searched,
            "graph_used": graph[platform]["used"],
            "graph_minimum": graph[platform]["minimum"],
            "used": searched["search_used"] + graph[platform]["used"],
            "minimum": searched["search_minimum"] + graph[platform]["minimum"],
        }
        used[f"posts_{platform}"] = crawled.requests("plan_crawl", platform)
    board.requests["graph"] = graph
    board.requests["discovery"] = discovery  # search and graph together, next to their minimum
    board.requests |= {
        "by_step": used,
        "posts_used": sum(used[f"posts_{platform}"] for platform in platforms),
        "total_used": sum(used.values()),
    }


def classify(board: Scoreboard, stage: Stage) -> None:
    """Train the default model if none is active, then classify as ``run --once`` does: one job
    per range of new posts, and one for the edited posts' later texts."""
    with stage("classify", board):
        with db.session_scope() as session:
            version = ensure_default(session)
        board.requests["model_version"] = version.version
        run_once(stages=["plan_classify"])
