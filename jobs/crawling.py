"""What every crawl job shares: the platforms to crawl, one source per worker thread and base
URL (spending the shared rate budget), and the run of one unit with its requests recorded."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine

from crawler.crawl import Crawler
from crawler.platforms import CRAWLABLE
from crawler.run import crawlable, make_source
from crawler.sources import Source
from crawler.transport import CrawlStats
from jobs.budget import budget_for
from jobs.usage import LEDGER
from probity.db import get_engine
from probity.models import PlatformAccount
from probity.settings import Settings, get_settings

log = logging.getLogger(__name__)


def crawl_targets(*, search_only: bool = False, graph_only: bool = False) -> list[tuple[str, str]]:
    """(platform, base URL) pairs to crawl: every configured platform that can be read."""
    settings = get_settings()
    targets: list[tuple[str, str]] = []
    for platform in CRAWLABLE:
        spec = crawlable(platform)
        if search_only and not spec.account_search:
            continue  # X has no account search: its discovery is the graph (or a handle list)
        if graph_only and spec.graph is None:
            continue
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
            budget = budget_for(engine, f"{platform} {base_url}", per_minute)
            source.transport.client.event_hooks["request"].append(budget.before_request)
        cache[key] = source
    return cache[key]


def crawler_for(platform: str, base_url: str) -> Crawler:
    """The stage's crawler for one job, on this thread's source for the base URL; an increment
    re-reads the recent window (PROBITY_CRAWL_REWALK_DAYS), as ``probity crawl posts`` does."""
    settings = get_settings()
    engine = get_engine()
    source = _source(platform, base_url, settings, engine)
    return Crawler(
        source,
        engine,
        source.transport.stats,
        page_size=settings.crawl_page_size,
        max_empty_pages=settings.crawl_max_empty_pages,
        rewalk_days=settings.crawl_rewalk_days,
    )


def crawl_unit(
    task: str, platform: str, base_url: str, work: Callable[[Crawler], dict[str, int]]
) -> dict[str, int]:
    """Run one unit of crawl work; log and record (jobs/usage.py) the requests it made."""
    crawler = crawler_for(platform, base_url)
    before = crawler.stats.as_dict()
    counts: dict[str, int] = {}
    try:
        counts = work(crawler)
        return counts
    finally:
        after = crawler.stats.as_dict()
        spent = {k: v - before[k] for k, v in after.items() if v != before[k]}
        log.info("%s %s: %s", platform, base_url, spent or "no request")
        LEDGER.add(task, platform, after["requests"] - before["requests"], counts)


def in_scope_accounts(platform: str, base_url: str) -> list[PlatformAccount]:
    """The accounts a crawl of this base URL collects (in scope, not gone), oldest first."""
    return crawler_for(platform, base_url).accounts()
