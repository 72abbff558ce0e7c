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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.job_context import JobContext
from procrastinate.tasks import Task
from sqlalchemy import select, text

from classifier.registry import LoadedModel, resolve
from classifier.store import classify_range, pending_ranges
from classifier.versions import classify_versions
from crawler.crawl import Crawler, now
from crawler.discovery import discovery_queries
from crawler.graph import GraphWalk, graph_spec, seed_handles
from crawler.storage import save_checkpoint
from jobs import maintenance
from jobs.app import app
from jobs.crawling import crawl_targets, crawl_unit, in_scope_accounts
from probity.db import analyze, session_scope
from probity.forces import FORCES
from probity.models import CrawlCheckpoint, ModelVersion, PlatformAccount
from probity.settings import get_settings

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


# Planning defers hundreds or thousands of jobs at once. Until the queue table is analysed,
# PostgreSQL plans Procrastinate's fetch for an empty table: it checks every waiting job's lock
# before taking the first (220 ms per fetch with 2,900 crawl jobs waiting, against 0.3 ms
# after ANALYZE), so a pass's crawl cost grew with the number of accounts.
QUEUE_ANALYZE_AFTER = 50


def _analyze_queue(deferred: int) -> None:
    if deferred < QUEUE_ANALYZE_AFTER:
        return
    with session_scope() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE procrastinate_jobs"))


# -- discovery --------------------------------------------------------------------------------
@app.task(name="discover", queue="discover")
def discover(platform: str, base_url: str, query: str) -> dict[str, int]:
    """One search query on one platform: new candidates identified, in-scope ones kept."""
    return crawl_unit("discover", platform, base_url, lambda crawler: crawler.discover([query]))


@app.task(name="plan_discover", queue="discover", queueing_lock="plan:discover")
def plan_discover(timestamp: int) -> int:
    deferred = 0
    for platform, url in crawl_targets(search_only=True):
        for query in discovery_queries(platform):
            key = f"discover {platform} {url} {query}"
            deferred += defer_unit(discover, key, platform=platform, base_url=url, query=query)
    log.info("discovery: %d query job(s) deferred", deferred)
    _analyze_queue(deferred)
    return deferred


@app.task(name="graph_walk", queue="discover")
def graph_walk(platform: str, base_url: str) -> dict[str, int]:
    """Graph discovery on one platform base URL, within PROBITY_CRAWL_GRAPH_BUDGET requests: the
    lists not walked yet (one left unfinished resumes at its page), and completed lists read
    again, newest first, once PROBITY_CRAWL_GRAPH_REFRESH_DAYS old. A walk stopped by the budget
    carries on from its checkpoints at the next run."""
    settings = get_settings()
    make_graph = graph_spec(platform).graph
    assert make_graph is not None  # graph_spec() checked it
    refresh_before = now() - timedelta(days=settings.crawl_graph_refresh_days)

    def work(crawler: Crawler) -> dict[str, int]:
        walk = GraphWalk(
            crawler,
            make_graph(crawler.source.transport),
            settings.crawl_graph_budget,
            refresh_before=refresh_before,
        )
        return walk.run(seed_handles(platform))

    return crawl_unit("graph_walk", platform, base_url, work)


@app.task(name="plan_graph", queue="discover", queueing_lock="plan:graph")
def plan_graph(timestamp: int) -> int:
    deferred = 0
    for platform, url in crawl_targets(graph_only=True):
        deferred += defer_unit(
            graph_walk, f"graph {platform} {url}", platform=platform, base_url=url
        )
    log.info("graph discovery: %d walk job(s) deferred", deferred)
    _analyze_queue(deferred)
    return deferred


# -- accounts ---------------------------------------------------------------------------------
def _account(account_id: int) -> PlatformAccount | None:
    with session_scope() as session:
        return session.get(PlatformAccount, account_id)


@app.task(name="refresh_account", queue="crawl")
def refresh_account(platform: str, base_url: str, account_id: int) -> dict[str, int]:
    """Fetch one in-scope profile again and re-identify it."""
    account = _account(account_id)
    if account is None:
        return {"missing": 1}
    return crawl_unit(
        "refresh_account",
        platform,
        base_url,
        lambda crawler: {crawler.refresh_account(account): 1},
    )


def _plan_accounts(task: Task[Any, Any, Any], what: str, only: set[int] | None = None) -> int:
    deferred = 0
    for platform, url in crawl_targets():
        for account in in_scope_accounts(platform, url):
            if only is not None and account.id not in only:
                continue
            key = f"{what} {platform} {account.id}"
            deferred += defer_unit(
                task, key, platform=platform, base_url=url, account_id=account.id
            )
    log.info("%s: %d account job(s) deferred", what, deferred)
    _analyze_queue(deferred)
    return deferred


@app.task(name="plan_refresh", queue="crawl", queueing_lock="plan:refresh")
def plan_refresh(timestamp: int) -> int:
    return _plan_accounts(refresh_account, "refresh")


# -- posts ------------------------------------------------------------------------------------
@app.task(name="crawl_account", queue="crawl")
def crawl_account(platform: str, base_url: str, account_id: int) -> dict[str, int]:
    """One account's new posts: resumes an unfinished walk, else asks only for newer posts (and
    re-reads the recent window, PROBITY_CRAWL_REWALK_DAYS, for its edits and deletions)."""
    account = _account(account_id)
    if account is None:
        return {}
    return crawl_unit(
        "crawl_account", platform, base_url, lambda crawler: crawler.crawl_account(account)
    )


@app.task(name="plan_crawl", queue="crawl", queueing_lock="plan:crawl")
def plan_crawl(timestamp: int) -> int:
    with session_scope() as session:  # discovery may just have added many accounts
        analyze(session, "platform_accounts", "crawl_checkpoints")
    return _plan_accounts(crawl_account, "posts")


REWALK_SCOPE = "rewalk"  # a checkpoint per account: its updated_at is the last whole re-walk


@app.task(name="rewalk_account", queue="crawl")
def rewalk_account(platform: str, base_url: str, account_id: int) -> dict[str, int]:
    """One account's whole feed again: edited posts get versions, posts no longer there are
    marked deleted after capture. Records the time of the walk (scope ``rewalk``)."""
    account = _account(account_id)
    if account is None:
        return {}

    def work(crawler: Crawler) -> dict[str, int]:
        counts: dict[str, int] = crawler.crawl_account(account, rewalk=True)
        if not counts.get("gone") and not counts.get("protected"):
            with session_scope() as session:
                save_checkpoint(
                    session,
                    platform,
                    REWALK_SCOPE,
                    account.platform_id,
                    cursor=None,
                    newest_id=None,
                    pending_newest_id=None,
                    complete=True,
                    pages=0,
                    items=0,
                    now=now(),
                )
        return counts

    return crawl_unit("rewalk_account", platform, base_url, work)


def due_rewalks(cutoff: datetime) -> set[int]:
    """Accounts crawled at least once whose last whole walk (their last re-walk, else their first
    crawl, soon after they were first seen) is older than ``cutoff``."""

    def aware(at: datetime) -> datetime:
        return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite drops the zone: UTC

    def name(platform: object) -> str:
        return str(getattr(platform, "value", platform))  # the Platform enum, or its value

    with session_scope() as session:
        checkpoints = session.execute(
            select(CrawlCheckpoint.platform, CrawlCheckpoint.scope, CrawlCheckpoint.key)
            .add_columns(CrawlCheckpoint.updated_at)
            .where(CrawlCheckpoint.scope.in_(("posts", REWALK_SCOPE)))
        ).all()
        crawled = {(name(p), k) for p, s, k, _ in checkpoints if s == "posts"}
        rewalked = {(name(p), k): aware(at) for p, s, k, at in checkpoints if s == REWALK_SCOPE}
        accounts = session.execute(
            select(PlatformAccount.id, PlatformAccount.platform)
            .add_columns(PlatformAccount.platform_id, PlatformAccount.first_seen)
            .where(PlatformAccount.self_identified.is_(True), PlatformAccount.deleted_at.is_(None))
        ).all()
    due = set()
    for account_id, platform, platform_id, first_seen in accounts:
        key = (name(platform), platform_id)
        if key in crawled and rewalked.get(key, aware(first_seen)) < cutoff:
            due.add(account_id)
    return due


@app.task(name="plan_rewalk", queue="crawl", queueing_lock="plan:rewalk")
def plan_rewalk(timestamp: int) -> int:
    days = get_settings().crawl_full_rewalk_days
    due = due_rewalks(datetime.fromtimestamp(timestamp, UTC) - timedelta(days=days))
    return _plan_accounts(rewalk_account, "re-walk", only=due)


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


@app.task(name="classify_edits", queue="classify")
def classify_edits(version: str) -> int:
    """Classify the edited posts' later texts (post_versions) this version has not scored."""
    with session_scope() as session:
        stats = classify_versions(session, _model(version))
    return stats.classified


def pending_batches(version_id: int) -> list[int]:
    """Numbers k of the id ranges [k*B+1, (k+1)*B] holding posts this version has not scored:
    above its watermark, and below it where a post was missed (classifier.store)."""
    with session_scope() as session:
        return pending_ranges(session, version_id, CLASSIFY_BATCH)


@app.task(name="plan_classify", queue="classify", queueing_lock="plan:classify")
def plan_classify(timestamp: int) -> int:
    with session_scope() as session:
        analyze(session, "posts", "post_versions")  # the crawl may just have added many
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
    _analyze_queue(deferred)
    # the later texts of edited posts, classified as their first capture was (not counted)
    defer_unit(classify_edits, f"classify-edits {active.version}", version=active.version)
    return deferred


# -- maintenance ------------------------------------------------------------------------------
@app.task(name="retention", queue="maintenance", queueing_lock="retention", lock="retention")
def retention(timestamp: int) -> dict[str, Any] | None:
    return maintenance.run_scheduled_retention(datetime.fromtimestamp(timestamp, UTC))


@app.task(name="anchor_audit", queue="maintenance", queueing_lock="anchor", lock="anchor")
def anchor_audit(timestamp: int) -> str:
    return maintenance.anchor_audit_chain()


@app.task(
    name="clean_job_queue",
    queue="maintenance",
    queueing_lock="clean-jobs",
    lock="clean-jobs",
    pass_context=True,
)
async def clean_job_queue(context: JobContext, timestamp: int) -> dict[str, int]:
    """Finished jobs carry account and post ids: they go once old enough (jobs/maintenance.py)."""
    return await maintenance.clean_job_queue(context)


@app.task(name="build_report", queue="maintenance")
def build_report(force_id: str | None, out_dir: str) -> str:
    return str(maintenance.build_report(force_id, Path(out_dir)))


@app.task(name="plan_reports", queue="maintenance", queueing_lock="plan:reports")
def plan_reports(timestamp: int) -> int:
    day = datetime.fromtimestamp(timestamp, UTC).date().isoformat()
    out_dir = str(get_settings().data_dir / "reports" / day)
    deferred = 0
    for force_id in [None, *(force.id for force in FORCES)]:
        key = f"report {day} {force_id or 'national'}"
        deferred += defer_unit(build_report, key, force_id=force_id, out_dir=out_dir)
    return deferred
