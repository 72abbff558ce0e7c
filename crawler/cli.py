"""``probity crawl …``: thin wrappers over :mod:`crawler.run`, :mod:`crawler.mapping` and the fakes."""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path

import typer
from rich.table import Table

from crawler.run import PLATFORMS, CrawlSummary, read_handles, run_crawl
from probity import audit
from probity.db import session_scope
from probity.logs import make_progress, stderr_console

app = typer.Typer(
    help="Collect public profiles and posts (Bluesky, Mastodon, X, file import).",
    no_args_is_help=True,
)
log = logging.getLogger(__name__)

PLATFORM = typer.Option(..., "--platform", "-p", help="bluesky | mastodon | x")
BASE_URL = typer.Option(None, "--base-url", help="API base URL (default: from settings)")
PAGE_SIZE = typer.Option(
    None, "--page-size", help="Items per page (default: PROBITY_CRAWL_PAGE_SIZE)"
)
HANDLES = typer.Option(None, "--handles", help="File of usernames, one a line (X)")
QUERY = typer.Option(
    [],
    "--query",
    "-q",
    help="Search this instead of the generated force and role queries (repeatable)",
)
REWALK = typer.Option(
    False,
    "--rewalk",
    help="Walk every feed again: record edits (new versions) and posts deleted after capture",
)
IMPORT_PATH = typer.Argument(..., exists=True, dir_okay=False)
IMPORT_PLATFORM = typer.Option("other", "--platform", "-p")
IMPORT_MAP = typer.Option([], "--map", help="our_field=their_column (repeatable)")


def _run(
    step: str,
    platform: str,
    base_url: str | None,
    page_size: int | None,
    handles: Path | None = None,
    queries: list[str] | None = None,
    rewalk: bool = False,
) -> CrawlSummary:
    with make_progress() as progress:
        task = progress.add_task(f"{step} {platform}", total=None)

        def on_start(description: str, total: int | None) -> None:
            progress.update(task, description=description, total=total, completed=0)

        summary = run_crawl(
            step,
            platform,
            base_url=base_url,
            page_size=page_size,
            handles=read_handles(handles) if handles else None,
            queries=queries or None,
            rewalk=rewalk,
            on_start=on_start,
            advance=lambda: progress.advance(task),
        )
    show_summary(summary)
    return summary


def show_summary(summary: CrawlSummary) -> None:
    table = Table(title=f"crawl {summary.step} {summary.platform}", show_header=True)
    table.add_column("measure")
    table.add_column("value", justify="right")
    s = summary.stats
    for name, value in [
        ("requests", s.requests),
        ("pages", s.pages),
        ("new rows", s.new_rows),
        ("retries", s.retries),
        ("sleeps", s.sleeps),
        ("seconds slept", f"{s.slept_seconds:.1f}"),
        *summary.counts.items(),
    ]:
        table.add_row(str(name).replace("_", " "), str(value))
    stderr_console.print(table)
    for note in summary.notes:
        stderr_console.print(f"[yellow]note:[/yellow] {note}")


@app.command("discover")
def discover(
    platform: str = PLATFORM,
    base_url: str | None = BASE_URL,
    page_size: int | None = PAGE_SIZE,
    handles: Path | None = HANDLES,
    query: list[str] = QUERY,
) -> None:
    """Find candidate accounts; identify each; keep only in-scope ones."""
    _run("discover", platform, base_url, page_size, handles, query)


BUDGET = typer.Option(
    None, "--budget", help="Requests this run may make (default: PROBITY_CRAWL_GRAPH_BUDGET)"
)
REFRESH = typer.Option(
    False,
    "--refresh",
    help="Also re-read completed lists, newest first, down to "
    "the newest entry already seen (new followers)",
)
SEEDS = typer.Option(
    [], "--seed", help="Start from this handle instead of the forces' official handles (repeatable)"
)


@app.command("graph")
def graph(
    platform: str = PLATFORM,
    base_url: str | None = BASE_URL,
    budget: int | None = BUDGET,
    seed: list[str] = SEEDS,
    refresh: bool = REFRESH,
) -> None:
    """Walk followers and follows of the forces' official accounts and of in-scope accounts;
    identify each new account; resumable, bounded by a request budget."""
    from crawler.graph import run_graph

    with make_progress() as progress:
        task = progress.add_task(f"graph {platform}", total=None)
        summary = run_graph(
            platform,
            base_url=base_url,
            budget=budget,
            seeds=seed or None,
            refresh=refresh,
            advance=lambda: progress.advance(task),
        )
    show_summary(summary)


@app.command("accounts")
def accounts(
    platform: str = PLATFORM, base_url: str | None = BASE_URL, page_size: int | None = PAGE_SIZE
) -> None:
    """Re-fetch every in-scope profile (one request each) and re-identify it."""
    _run("accounts", platform, base_url, page_size)


@app.command("posts")
def posts(
    platform: str = PLATFORM,
    base_url: str | None = BASE_URL,
    page_size: int | None = PAGE_SIZE,
    rewalk: bool = REWALK,
) -> None:
    """Collect new posts of every in-scope account (resumes unfinished walks)."""
    _run("posts", platform, base_url, page_size, rewalk=rewalk)


@app.command("remap")
def remap(platform: str = PLATFORM) -> None:
    """Rebuild accounts and posts from stored raw payloads, without any request."""
    from crawler.crawl import now
    from crawler.ingest import remap as remap_fn
    from probity.db import get_engine, session_scope

    with session_scope(get_engine()) as session:
        result = remap_fn(session, platform, now=now())
    log.info("remap %s: %s", platform, result)


@app.command("import")
def import_file(
    path: Path = IMPORT_PATH, platform: str = IMPORT_PLATFORM, mapping: list[str] = IMPORT_MAP
) -> None:
    """Import posts from a JSONL or CSV file (platforms without an API); all or nothing."""
    from crawler.imports import import_posts_file

    result = import_posts_file(
        path, platform=platform, column_map=dict(m.split("=", 1) for m in mapping)
    )
    with session_scope() as session:  # personal data came in: the log says who and what
        audit.record_cli(
            session,
            "crawl.import",
            object_type="posts_file",
            object_id=path.name,
            detail={"platform": platform, **dataclasses.asdict(result)},
        )
    log.info("import %s: %s", path, result)


@app.command("fake-server")
def fake_server(
    platform: str = PLATFORM,
    port: int = typer.Option(8765, "--port"),
    seed: int = typer.Option(0, "--seed"),
    accounts: int = typer.Option(12, "--accounts"),
    delay: float = typer.Option(0.0, "--delay", help="Seconds added to each request"),
) -> None:
    """Serve a generated world as a local fake platform on 127.0.0.1 (demo and tests)."""
    from crawler.fake.apps import build_app
    from crawler.fake.server import FakePlatform, Faults, serve
    from crawler.fake.world import generate_world

    if platform not in PLATFORMS:
        raise typer.BadParameter(f"expected one of {', '.join(PLATFORMS)}")
    state = FakePlatform(platform, generate_world(seed, accounts=accounts), Faults(delay=delay))
    with serve(build_app(state), port=port) as url:
        log.info("fake %s serving %d accounts at %s (Ctrl-C to stop)", platform, accounts, url)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
