"""Plain functions behind ``probity crawl …``: build transport + source + crawler and run a step."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from crawler.crawl import Crawler
from crawler.discovery import discovery_queries
from crawler.ingest import Identifier
from crawler.platforms import CRAWLABLE, PlatformSpec, spec_for
from crawler.sources import Source
from crawler.transport import Clock, CrawlStats, Transport
from probity.db import analyze, get_engine, session_scope
from probity.errors import ConfigurationError
from probity.settings import Settings, get_settings

log = logging.getLogger(__name__)
PLATFORMS = CRAWLABLE
STEPS = ("discover", "accounts", "posts")
ANALYZE_AFTER = 1000  # rows a run adds before it refreshes the planner's statistics
USER_AGENT = "Probity-crawler/0.1 (+PSD integrity checks)"


@dataclass
class CrawlSummary:
    platform: str
    step: str
    base_urls: list[str]
    stats: CrawlStats
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what an operator must know about this run


def crawlable(platform: str) -> PlatformSpec:
    spec = spec_for(platform)
    if spec.source is None:
        raise ConfigurationError(
            f"unknown platform {platform!r}: expected one of {', '.join(PLATFORMS)}"
        )
    return spec


def base_urls(platform: str, base_url: str | None) -> list[str]:
    if base_url:
        return [base_url.rstrip("/")]
    return crawlable(platform).base_urls(get_settings())


def make_source(
    platform: str,
    base_url: str,
    stats: CrawlStats,
    clock: Clock | None = None,
    settings: Settings | None = None,
) -> Source:
    settings = settings or get_settings()
    spec = crawlable(platform)
    assert spec.source is not None  # crawlable() checked it
    headers = {"User-Agent": USER_AGENT, **spec.headers(settings, base_url)}
    transport = Transport(
        base_url,
        headers,
        clock=clock,
        stats=stats,
        max_retries=settings.crawl_max_retries,
        backoff_seconds=settings.crawl_backoff_seconds,
        max_sleep=settings.crawl_max_sleep,
        timeout=settings.crawl_timeout,
    )
    return spec.source(transport, authenticated=spec.authenticated(settings, base_url))


def run_crawl(
    step: str,
    platform: str,
    *,
    base_url: str | None = None,
    engine: Engine | None = None,
    handles: list[str] | None = None,
    queries: list[str] | None = None,
    page_size: int | None = None,
    clock: Clock | None = None,
    identifier: Identifier | None = None,
    identifier_version: str = "",
    rewalk: bool = False,
    rewalk_days: float | None = None,
    settings: Settings | None = None,
    on_start: Callable[[str, int | None], None] = lambda d, t: None,
    advance: Callable[[], None] = lambda: None,
) -> CrawlSummary:
    """Run one crawl step against each configured base URL of the platform."""
    if step not in STEPS:
        raise ConfigurationError(f"unknown crawl step {step!r}: expected one of {', '.join(STEPS)}")
    settings = settings or get_settings()
    spec = crawlable(platform)
    stats = CrawlStats()
    urls = base_urls(platform, base_url)
    summary = CrawlSummary(platform, step, urls, stats)
    for url in urls:
        source = make_source(platform, url, stats, clock, settings)
        crawler = Crawler(
            source,
            engine or get_engine(),
            stats,
            page_size=page_size or settings.crawl_page_size,
            max_empty_pages=settings.crawl_max_empty_pages,
            identifier=identifier,
            identifier_version=identifier_version,
            advance=advance,
            rewalk_days=settings.crawl_rewalk_days if rewalk_days is None else rewalk_days,
        )
        try:
            if step == "discover":
                if handles is not None or not spec.account_search:
                    if not handles:
                        raise ConfigurationError(
                            f"{platform}: discovery needs --handles FILE "
                            "(no account search on this platform)"
                        )
                    on_start(f"discover {platform} handles", len(handles))
                    counts = crawler.discover_handles(handles)
                else:
                    qs = queries or discovery_queries(platform)
                    on_start(f"discover {platform}", len(qs))
                    counts = crawler.discover(qs)
                    if counts.get("first_page_only"):
                        summary.notes.append(
                            f"{url}: {counts['first_page_only']} search(es) had more results than the "
                            "first page; paging needs a user token for this instance (PROBITY_MASTODON_TOKEN)"
                        )
            elif step == "accounts":
                on_start(f"accounts {platform}", len(crawler.accounts()))
                counts = crawler.refresh_accounts()
            else:
                on_start(f"posts {platform}", len(crawler.accounts()))
                counts = crawler.crawl_posts(rewalk=rewalk)
        finally:
            source.transport.close()
        for k, v in counts.items():
            summary.counts[k] = summary.counts.get(k, 0) + v
    if summary.counts.get("new_posts", 0) + summary.counts.get("in_scope", 0) >= ANALYZE_AFTER:
        _refresh_statistics(engine or get_engine())
    _explain(summary, spec)
    log.info("crawl %s %s: %s; %s", step, platform, summary.counts, stats.as_dict())
    for note in summary.notes:
        log.warning("crawl %s %s: %s", step, platform, note)
    return summary


def _refresh_statistics(engine: Engine) -> None:
    """ANALYZE what a crawl fills (PostgreSQL): plans made while the tables were small (a
    sequential scan looks free) must not outlive a bulk load until autovacuum gets to it."""
    with session_scope(engine) as session:
        analyze(session, "posts", "raw_items", "platform_accounts", "post_versions")


def _explain(summary: CrawlSummary, spec: PlatformSpec) -> None:
    counts = summary.counts
    if counts.get("history_truncated"):
        summary.notes.append(
            f"{counts['history_truncated']} account(s) reached the {spec.timeline_cap}-post "
            "timeline cap: older posts were not collected (history_truncated_at)"
        )
    if counts.get("protected"):
        summary.notes.append(
            f"{counts['protected']} protected account(s): kept in scope, posts not "
            "readable, retried on the next crawl"
        )
    if counts.get("deleted") or counts.get("edited"):
        summary.notes.append(
            f"{counts.get('edited', 0)} post(s) edited and {counts.get('deleted', 0)} "
            "deleted after capture: first captures kept, versions recorded"
        )


def read_handles(path: Path) -> list[str]:
    return [
        line.strip().lstrip("@")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
