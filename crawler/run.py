"""Plain functions behind ``probity crawl …``: build transport + source + crawler and run a step."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from crawler.discovery import discovery_queries
from crawler.pipeline import Crawler
from crawler.sources.bluesky import BlueskySource
from crawler.sources.mastodon import MastodonSource
from crawler.sources.x import XSource
from crawler.transport import Clock, CrawlStats, Transport
from probity.db import get_engine
from probity.errors import ConfigurationError
from probity.settings import get_settings

log = logging.getLogger(__name__)
PLATFORMS = ("bluesky", "mastodon", "x")
STEPS = ("discover", "accounts", "posts")


@dataclass
class CrawlSummary:
    platform: str
    step: str
    base_urls: list[str]
    stats: CrawlStats
    counts: dict[str, int] = field(default_factory=dict)


def base_urls(platform: str, base_url: str | None) -> list[str]:
    settings = get_settings()
    if base_url:
        return [base_url.rstrip("/")]
    if platform == "bluesky":
        return [settings.bluesky_base_url]
    if platform == "mastodon":
        return [u.rstrip("/") for u in settings.mastodon_instances]
    return [settings.x_base_url]


def make_source(platform: str, base_url: str, stats: CrawlStats, clock: Clock | None = None) -> Any:
    settings = get_settings()
    headers = {"User-Agent": "Probity-crawler/0.1 (+PSD integrity checks)"}
    if platform == "x":
        if settings.x_bearer_token is None:
            raise ConfigurationError("PROBITY_X_BEARER_TOKEN is required to crawl X")
        headers["Authorization"] = f"Bearer {settings.x_bearer_token.get_secret_value()}"
    transport = Transport(base_url, headers, clock=clock, stats=stats,
                          max_retries=settings.crawl_max_retries,
                          backoff_seconds=settings.crawl_backoff_seconds,
                          max_sleep=settings.crawl_max_sleep, timeout=settings.crawl_timeout)
    classes = {"bluesky": BlueskySource, "mastodon": MastodonSource, "x": XSource}
    if platform not in classes:
        raise ConfigurationError(f"unknown platform {platform!r}: expected one of {', '.join(PLATFORMS)}")
    return classes[platform](transport)


def run_crawl(step: str, platform: str, *, base_url: str | None = None, engine: Engine | None = None,
              handles: list[str] | None = None, queries: list[str] | None = None,
              page_size: int | None = None, clock: Clock | None = None,
              identifier: Any = None, identifier_version: str = "",
              on_start: Callable[[str, int | None], None] = lambda d, t: None,
              advance: Callable[[], None] = lambda: None) -> CrawlSummary:
    """Run one crawl step against each configured base URL of the platform."""
    if step not in STEPS:
        raise ConfigurationError(f"unknown crawl step {step!r}: expected one of {', '.join(STEPS)}")
    settings = get_settings()
    stats = CrawlStats()
    urls = base_urls(platform, base_url)
    summary = CrawlSummary(platform, step, urls, stats)
    for url in urls:
        source = make_source(platform, url, stats, clock)
        crawler = Crawler(source, engine or get_engine(), stats, page_size=page_size or settings.crawl_page_size,
                          max_empty_pages=settings.crawl_max_empty_pages, identifier=identifier,
                          identifier_version=identifier_version, advance=advance)
        try:
            if step == "discover":
                if handles is not None or platform == "x":
                    if not handles:
                        raise ConfigurationError(f"{platform}: discovery needs --handles FILE "
                                                 "(X API v2 has no account search)")
                    on_start(f"discover {platform} handles", len(handles))
                    counts = crawler.discover_handles(handles)
                else:
                    qs = queries or discovery_queries(platform)
                    on_start(f"discover {platform}", len(qs))
                    counts = crawler.discover(qs)
            elif step == "accounts":
                on_start(f"accounts {platform}", len(crawler.accounts()))
                counts = crawler.refresh_accounts()
            else:
                on_start(f"posts {platform}", len(crawler.accounts()))
                counts = crawler.crawl_posts()
        finally:
            source.transport.close()
        for k, v in counts.items():
            summary.counts[k] = summary.counts.get(k, 0) + v
    log.info("crawl %s %s: %s; %s", step, platform, summary.counts, stats.as_dict())
    return summary


def read_handles(path: Path) -> list[str]:
    return [line.strip().lstrip("@") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
