"""Every unit of work as a task, and the schedule (cron, in code) of the planners that defer them.

A planner runs on a schedule and defers one job per unit: a discovery query, an account to
refresh, an account whose new posts to collect, a batch of posts to classify, a report. Each unit
job carries its unit's key as both *queueing lock* (never waiting twice in the queue: a slow run
is not joined by a second copy of the same work) and *lock* (never running twice at once), so two
workers never take the same account or batch. Planners carry a queueing lock too: a schedule that
fires while the previous run is still queued adds nothing.

Every job commits its work together with its checkpoint: a crawl page and the feed's cursor in
one transaction (crawler/crawl.py), a batch's predictions and flags in one transaction (their
presence is the batch's checkpoint). A job killed mid-way is retried (jobs/queue.py) and resumes
from the last commit; the inserts are idempotent, so nothing is duplicated and nothing is lost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.tasks import Task
from sqlalchemy import Engine, select

from classifier.registry import LoadedModel, resolve
from classifier.store import classify_range, pending_ranges
from crawler.crawl import Crawler
from crawler.discovery import discovery_queries
from crawler.platforms import CRAWLABLE
from crawler.run import crawlable, make_source
from crawler.sources import Source
from crawler.transport import CrawlStats
from jobs import maintenance
from jobs.app import app
from jobs.budget import SharedBudget
from probity.db import get_engine, session_scope
from probity.forces import FORCES
from probity.models import ModelVersion, PlatformAccount
from probity.settings import Settings, get_settings

log = logging.getLogger(__name__)
QUEUES = ("discover", "crawl", "classify", "maintenance")
CLASSIFY_BATCH = 512  # posts per classify job: ids [k*512+1, (k+1)*512]


def defer_unit(task: Task[Any, Any, Any], key: str, **kwargs: Any) -> bool:
    """Defer one unit of work unless it is already waiting; True if a job was added."""
    try:
        task.configure(queueing_lock=key, lock=key).defer(**kwargs)
    except AlreadyEnqueued:
        log.debug("%s already queued: not deferred again", key)
        return False
    return True


def crawl_targets(*, search_only: bool = False) -> list[tuple[str, str]]:
    """(platform, base URL) pairs to crawl: every configured platform that can be read."""
    settings = get_settings()
    targets: list[tuple[str, str]] = []
    for platform in CRAWLABLE:
        spec = crawlable(platform)
        if search_only and not spec.account_search:
            continue  # X has no account search: its discovery takes a handle list (CLI)
        if platform == "x" and settings.x_bearer_token is None:
            log.info("x: no PROBITY_X_BEARER_TOKEN, not scheduled")
            continue
        targets.extend((platform, url) for url in spec.base_urls(settings))
    return targets


_SOURCES = threading.local()  # per worker thread: (platform, base URL, settings) -> source


def _source(platform: str, base_url: str, settings: Settings, engine: Engine) -> Source:
    """A source per worker thread and base URL, kept across jobs: building an HTTP client costs
    more than a small job (its TLS context), and the transport keeps what the platform's
    rate-limit headers said. Its every request spends the token's shared budget first."""
    cache: dict[tuple[str, str, int], Source] = _SOURCES.__dict__.setdefault("cache", {})
    key = (platform, base_url, id(settings))
    if key not in cache:
        source = make_source(platform, base_url, CrawlStats(), settings=settings)
        per_minute = settings.crawl_rate_limits.get(platform)
        if per_minute is not None:
            budget = SharedBudget(engine, f"{platform} {base_url}", per_minute)
            source.transport.client.event_hooks["request"].append(budget.before_request)
        cache[key] = source
    return cache[key]


@contextmanager
def open_crawler(platform: str, base_url: str) -> Iterator[Crawler]:
    """The stage's crawler for one job, on this thread's source for the base URL."""
    settings = get_settings()
    engine = get_engine()
    source = _source(platform, base_url, settings, engine)
    stats = source.transport.stats
    before = stats.as_dict()
    yield Crawler(
        source,
        engine,
        stats,
        page_size=settings.crawl_page_size,
        max_empty_pages=settings.crawl_max_empty_pages,
    )
    spent = {k: v - before[k] for k, v in stats.as_dict().items() if v != before[k]}
    log.info("%s %s: %s", platform, base_url, spent or "no request")


def _account(account_id: int) -> PlatformAccount | None:
    with session_scope() as session:
        return session.get(PlatformAccount, account_id)


# -- discovery --------------------------------------------------------------------------------
@app.task(name="discover", queue="discover")
def discover(platform: str, base_url: str, query: str) -> dict[str, int]:
    """One search query on one platform: new candidates identified, in-scope ones kept."""
    with open_crawler(platform, base_url) as crawler:
        return crawler.discover([query])


@app.periodic(cron="0 2 * * *")
@app.task(name="plan_discover", queue="discover", queueing_lock="plan:discover")
def plan_discover(timestamp: int) -> int:
    deferred = 0
    for platform, url in crawl_targets(search_only=True):
        for query in discovery_queries(platform):
            key = f"discover {platform} {url} {query}"
            deferred += defer_unit(discover, key, platform=platform, base_url=url, query=query)
    log.info("discovery: %d query job(s) deferred", deferred)
    return deferred


# -- accounts ---------------------------------------------------------------------------------
@app.task(name="refresh_account", queue="crawl")
def refresh_account(platform: str, base_url: str, account_id: int) -> str:
    """Fetch one in-scope profile again and re-identify it."""
    account = _account(account_id)
    if account is None:
        return "missing"
    with open_crawler(platform, base_url) as crawler:
        return crawler.refresh_account(account)


def _plan_accounts(task: Task[Any, Any, Any], what: str) -> int:
    deferred = 0
    for platform, url in crawl_targets():
        with open_crawler(platform, url) as crawler:
            accounts = crawler.accounts()
        for account in accounts:
            key = f"{what} {platform} {account.id}"
            deferred += defer_unit(
                task, key, platform=platform, base_url=url, account_id=account.id
            )
    log.info("%s: %d account job(s) deferred", what, deferred)
    return deferred


@app.periodic(cron="0 3 * * *")
@app.task(name="plan_refresh", queue="crawl", queueing_lock="plan:refresh")
def plan_refresh(timestamp: int) -> int:
    return _plan_accounts(refresh_account, "refresh")


# -- posts ------------------------------------------------------------------------------------
@app.task(name="crawl_account", queue="crawl")
def crawl_account(platform: str, base_url: str, account_id: int) -> dict[str, int]:
    """One account's new posts: resumes an unfinished walk, else asks only for newer posts."""
    account = _account(account_id)
    if account is None:
        return {}
    with open_crawler(platform, base_url) as crawler:
        return crawler.crawl_account(account)


@app.periodic(cron="*/30 * * * *")
@app.task(name="plan_crawl", queue="crawl", queueing_lock="plan:crawl")
def plan_crawl(timestamp: int) -> int:
    return _plan_accounts(crawl_account, "posts")


# -- classification ---------------------------------------------------------------------------
_MODELS: dict[str, LoadedModel] = {}  # loaded once per worker process, not per batch
_MODELS_LOCK = threading.Lock()


def _model(version: str) -> LoadedModel:
    with _MODELS_LOCK:
        if version not in _MODELS:
            with session_scope() as session:
                _MODELS[version] = resolve(session, version)
        return _MODELS[version]


@app.task(name="classify_batch", queue="classify")
def classify_batch(version: str, first_id: int, last_id: int) -> int:
    """Classify the pending posts with ids in [first_id, last_id]; one transaction."""
    with session_scope() as session:
        stats = classify_range(session, _model(version), first_id, last_id)
    log.info(
        "model %s classified %d post(s) with ids %d-%d: %d with at least one label",
        version,
        stats.classified,
        first_id,
        last_id,
        stats.flagged,
    )
    return stats.classified


def pending_batches(version_id: int) -> list[int]:
    """Numbers k of the id ranges [k*B+1, (k+1)*B] holding posts this version has not scored:
    above its watermark, and below it where a post was missed (classifier.store)."""
    with session_scope() as session:
        return pending_ranges(session, version_id, CLASSIFY_BATCH)


@app.periodic(cron="*/10 * * * *")
@app.task(name="plan_classify", queue="classify", queueing_lock="plan:classify")
def plan_classify(timestamp: int) -> int:
    with session_scope() as session:
        active = session.scalar(select(ModelVersion).where(ModelVersion.active.is_(True)))
    if active is None:
        log.warning("no active model version: classification not scheduled")
        return 0
    deferred = 0
    for k in pending_batches(active.id):
        first, last = k * CLASSIFY_BATCH + 1, (k + 1) * CLASSIFY_BATCH
        key = f"classify {active.version} {k}"
        deferred += defer_unit(
            classify_batch, key, version=active.version, first_id=first, last_id=last
        )
    log.info("classification: %d batch job(s) deferred", deferred)
    return deferred


# -- maintenance ------------------------------------------------------------------------------
@app.periodic(cron="30 4 * * *")
@app.task(name="retention", queue="maintenance", queueing_lock="retention", lock="retention")
def retention(timestamp: int) -> dict[str, Any] | None:
    return maintenance.run_scheduled_retention(datetime.fromtimestamp(timestamp, UTC))


@app.periodic(cron="5 0 * * *")
@app.task(name="anchor_audit", queue="maintenance", queueing_lock="anchor", lock="anchor")
def anchor_audit(timestamp: int) -> str:
    return maintenance.anchor_audit_chain()


@app.task(name="build_report", queue="maintenance")
def build_report(force_id: str | None, out_dir: str) -> str:
    return str(maintenance.build_report(force_id, Path(out_dir)))


@app.periodic(cron="0 6 * * 1")
@app.task(name="plan_reports", queue="maintenance", queueing_lock="plan:reports")
def plan_reports(timestamp: int) -> int:
    day = datetime.fromtimestamp(timestamp, UTC).date().isoformat()
    out_dir = str(get_settings().data_dir / "reports" / day)
    deferred = 0
    for force_id in [None, *(force.id for force in FORCES)]:
        key = f"report {day} {force_id or 'national'}"
        deferred += defer_unit(build_report, key, force_id=force_id, out_dir=out_dir)
    return deferred


# The order ``probity run --once`` runs the planners in: each stage's jobs finish before the next.
PIPELINE: tuple[Task[Any, Any, Any], ...] = (
    plan_discover,
    plan_refresh,
    plan_crawl,
    plan_classify,
    retention,
    anchor_audit,
)
