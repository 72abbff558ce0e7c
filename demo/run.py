"""``probity demo``: the whole pipeline on a simulated world, then the API and review UI.

Stages: set up the database → build the world → start the fake platforms on loopback →
discover and identify → crawl posts → classify (training the default model if none is active)
→ load the reference data return → create demo keys → score against the world's truth →
serve. Discovery, the crawl and classification are the scheduled jobs, run in this process as
``probity run --once`` runs them (demo/collect.py). Every stage is timed and logged. Running
again is incremental and idempotent: discovery skips known candidates, the crawl asks only for
new posts, classification skips classified ones.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from crawler.fake.apps import build_app
from crawler.fake.server import FakePlatform, Faults, serve
from demo.collect import classify, collect, platform_settings
from demo.scoreboard import (
    Scoreboard,
    crawled_accounts,
    minimum_post_requests,
    render,
    score_accounts,
    score_flags,
)
from demo.simulation import SimWorld, build_world, describe
from probity import audit, db, keys, retention
from probity.models import ApiKey, Flag, KeyRole, Post, utcnow
from probity.settings import get_settings, reset_settings_cache
from registers.sample import load_sample as load_reference_data

log = logging.getLogger(__name__)
DEMO_KEY_PREFIX = "demo:"
PLATFORMS = ("bluesky", "mastodon", "x")
FAKE_RATE_LIMIT, FAKE_RATE_WINDOW = 1500, 15.0  # requests per window (s) each fake platform allows


@dataclass
class DemoResult:
    scoreboard: Scoreboard
    keys: dict[str, str] = field(default_factory=dict)  # name -> key (shown once)
    base_urls: dict[str, str] = field(default_factory=dict)
    retention: list[str] = field(default_factory=list)  # the retention dry-run summary


@contextmanager
def _stage(name: str, board: Scoreboard) -> Iterator[None]:
    log.info("▶ %s", name)
    start = time.perf_counter()
    yield
    board.stage_seconds[name] = round(time.perf_counter() - start, 2)
    log.info("✔ %s (%.1f s)", name, board.stage_seconds[name])


def start_platforms(
    sim: SimWorld,
    stack: ExitStack,
    port_base: int,
    rate_limit: int = FAKE_RATE_LIMIT,
    rate_window: float = FAKE_RATE_WINDOW,
) -> dict[str, str]:
    """One fake server per platform on 127.0.0.1, with real rate-limit headers (polite crawling).

    Fixed ports: a platform's base URL is its identity (a Mastodon id means something only on
    its instance), so a second run must find the same URLs to crawl incrementally.
    """
    urls = {}
    for offset, platform in enumerate(PLATFORMS):
        state = FakePlatform(
            platform,
            sim.world,
            faults=Faults(rate_limit=rate_limit, rate_window=rate_window),
            require_bearer=platform == "x",
        )
        urls[platform] = stack.enter_context(serve(build_app(state), port=port_base + offset))
    return urls


def _demo_keys(forces: list[str]) -> dict[str, str]:
    """Fresh demo keys (an analyst and two forces); earlier demo keys are revoked."""
    created = {}
    with db.session_scope() as session:
        for old in session.scalars(
            select(ApiKey).where(
                ApiKey.name.like(f"{DEMO_KEY_PREFIX}%"), ApiKey.revoked_at.is_(None)
            )
        ):
            old.revoked_at = utcnow()
            audit.record_cli(
                session,
                "keys.revoke",
                object_type="api_key",
                object_id=old.prefix,
                detail={"by": "probity demo"},
            )
        made = [keys.create_key(session, KeyRole.analyst, name=f"{DEMO_KEY_PREFIX}analyst")]
        created["analyst"] = made[0].key
        for force_id in forces:
            made.append(
                keys.create_key(
                    session, KeyRole.force, force_id=force_id, name=f"{DEMO_KEY_PREFIX}{force_id}"
                )
            )
            created[f"force {force_id}"] = made[-1].key
        for new in made:
            audit.record_cli(
                session,
                "keys.create",
                object_type="api_key",
                object_id=new.record.prefix,
                force_id=new.record.force_id,
                detail={
                    "role": new.record.role.value,
                    "force_id": new.record.force_id,
                    "by": "probity demo",
                },
            )
    return created


def _busiest_forces(n: int = 2) -> list[str]:
    with db.session_scope() as session:
        rows = session.execute(
            select(Flag.force_id, func.count())
            .where(Flag.force_id.is_not(None))
            .group_by(Flag.force_id)
            .order_by(func.count().desc(), Flag.force_id)
        ).all()
    forces = [f for f, _ in rows if f is not None][:n]  # the query already excludes None
    return (
        forces
        + [f for f in ("metropolitan", "west-midlands") if f not in forces][: n - len(forces)]
    )


def run_demo(
    seed: int = 2026,
    scale: float = 1.0,
    *,
    load_sample: bool = True,
    on_stage: Callable[[str], Any] = lambda name: None,
) -> DemoResult:
    """Run every stage except serving; returns the scoreboard and the demo keys."""
    if not get_settings().x_bearer_token:
        os.environ["PROBITY_X_BEARER_TOKEN"] = (
            "demo-fake-x-token"  # the fake X server checks for one
        )
        reset_settings_cache()
    board = Scoreboard()
    with _stage("database", board):
        db.upgrade()
    with _stage("simulated world", board):
        sim = build_world(seed, scale)
        board.world = describe(sim)
    with db.session_scope() as session:
        first_crawl = (
            session.scalar(select(Post.id).where(~Post.platform_id.like("sample-%")).limit(1))
            is None
        )
    with ExitStack() as stack:
        with _stage("fake platforms", board):
            urls = start_platforms(sim, stack, get_settings().demo_port_base)
        # the fake platforms' rate-limit headers allow this many requests a minute: the jobs'
        # shared budget (jobs/budget.py) spends no faster
        per_minute = FAKE_RATE_LIMIT * 60 / FAKE_RATE_WINDOW
        with platform_settings(urls, per_minute):
            collect(board, sim, PLATFORMS, _stage)
    classify(board, _stage)
    if load_sample:
        with _stage("reference data return", board), db.session_scope() as session:
            load_reference_data(session)
    with _stage("score", board), db.session_scope() as session:
        board.accounts = score_accounts(session, sim)
        board.flags = score_flags(session, sim)
        page_size = get_settings().crawl_page_size
        board.requests["posts_minimum"] = minimum_post_requests(
            sim,
            crawled_accounts(session),
            page_size,
            first_crawl,
            rewalk_days=get_settings().crawl_rewalk_days,
        )
        board.requests["first_crawl"] = first_crawl
        board.requests["page_size"] = page_size
    result = DemoResult(board, _demo_keys(_busiest_forces()), urls)
    with _stage("retention (dry run)", board):
        result.retention = retention_summary()
    board.save(get_settings().data_dir / "scoreboard.json")
    for line in [*render(board), *result.retention]:
        log.info("%s", line)
    return result


# A dry run today, and one as if the world were left alone this long: by then every class but
# referrals (kept while open, then for the force's period) has come due once.
RETENTION_PROJECTION_DAYS = 200


def retention_summary() -> list[str]:
    """What the retention schedule would remove from the demo world: today, and later."""
    schedule = retention.load_schedule()
    lines = [f"retention schedule: {schedule.source}"]
    now = utcnow()
    for as_of in (now, now + timedelta(days=RETENTION_PROJECTION_DAYS)):
        with db.session_scope() as session:
            report = retention.run_retention(
                session, schedule, as_of, dry_run=True, actor="demo:retention"
            )
        lines += report.lines()
    return lines
