"""Discovery by the social graph: walk who follows, and who is followed by, the forces' official
accounts and the accounts already in scope, and identify each new account met on the way.

Officers follow their force's official accounts and each other; so do retired officers, family,
journalists and fans. The graph only proposes candidates: every one is identified from its
profile exactly as a search hit is, so precision comes from identification, never from an edge.

Walk order: resolve the seeds (the 44 forces' official handles, one lookup each), then for each
node (seeds first, then in-scope accounts of this base URL, oldest first) list its followers and
its follows. Accounts that come into scope are walked in the next pass, until no list is left.
Out-of-scope people are never expanded: nothing is kept about them but a keyed hash. Official
accounts met on the way (a team's or a force's: organisations, identified as
``official-account``) are walked like seeds, because officers follow their team's accounts as
much as their force's; only their id is kept, in a checkpoint (scope ``graph-organisation``).

Every list page is written in one transaction with its checkpoint (scope ``graph``), so a walk
killed at any moment, or stopped by the request budget, resumes at the page it stopped at. A
completed list is not walked again by later runs, unless ``refresh`` is asked for: then it is
read again newest first, down to the newest entry of its last complete walk (usually one page).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crawler.crawl import Crawler, now
from crawler.evidence import account_hash
from crawler.mapping.fields import MalformedItem
from crawler.paging import first_marker, walk
from crawler.platforms import SPECS, PlatformSpec, spec_for
from crawler.run import CrawlSummary, base_urls, make_source
from crawler.sources import AccountGone, Page
from crawler.sources.graph import DIRECTIONS, GraphSource
from crawler.storage import save_checkpoint
from crawler.transport import Clock, CrawlStats
from probity.db import get_engine, session_scope
from probity.errors import ConfigurationError
from probity.forces import FORCES
from probity.models import CrawlCheckpoint, ExcludedAccount, PlatformAccount
from probity.settings import Settings, get_settings

log = logging.getLogger(__name__)
SEED_SCOPE, EDGE_SCOPE, ORGANISATION_SCOPE = "graph-seed", "graph", "graph-organisation"
# Identification reasons of accounts that are organisations, not people: a force's or a team's
# official account. Officers follow their team's accounts as much as their force's, so these
# are walked like seeds (their id is kept in a checkpoint; nothing else is).
ORGANISATION_REASONS = frozenset({"official-account"})


def seed_handles(platform: str) -> list[str]:
    """The forces' official handles as each platform spells them.

    The forces table holds X usernames. Where a force is on Bluesky or Mastodon under the same
    name, its handle there is ``name.bsky.social`` / ``name`` on the configured instance (the
    platform's ``seed_handle``); a force under another name is seeded with ``--seed``. A seed that
    does not resolve costs one request.
    """
    spec = spec_for(platform)
    return [spec.seed_handle(h) for force in FORCES for h in force.handles]


def graph_spec(platform: str) -> PlatformSpec:
    spec = spec_for(platform)
    if spec.graph is None or spec.source is None:
        walkable = ", ".join(s.name for s in SPECS.values() if s.graph is not None)
        raise ConfigurationError(
            f"no follow lists for platform {platform!r}: expected one of {walkable}"
        )
    return spec


class BudgetSpent(Exception):
    """The run's request budget is used up: stop before the next request."""


@dataclass
class GraphWalk:
    crawler: Crawler
    graph: GraphSource
    budget: int
    page_size: int = 0  # items asked per list page; 0: the platform's maximum (fewest requests)
    refresh: bool = (
        False  # also re-walk completed lists, newest first, down to the newest entry seen
    )
    advance: Callable[[], None] = lambda: None
    # also re-walk (as ``refresh`` does) the completed lists last walked before this time only
    refresh_before: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.start_requests = self.crawler.stats.requests
        self.base_url = self.crawler.source.base_url
        self.counts = {
            "seeds": 0,
            "seeds_missing": 0,
            "organisations": 0,  # official accounts met on the walk, walked like seeds
            "lists": 0,
            "candidates": 0,
            "in_scope": 0,
            "excluded": 0,
            "known": 0,
            "gone": 0,
            "budget_stopped": 0,
        }
        self._seen: set[str] = set()
        self._organisations_checked: set[str] = set()

    @property
    def platform(self) -> str:
        return self.crawler.platform

    def used(self) -> int:
        return self.crawler.stats.requests - self.start_requests

    def _spend(self) -> None:
        if self.used() >= self.budget:
            raise BudgetSpent

    def key(self, kind: str, value: str) -> str:
        # The base URL is part of the key: a Mastodon account id means something only on its instance.
        return f"{self.base_url} {kind} {value}"

    def _checkpoints(self, scope: str) -> dict[str, CrawlCheckpoint]:
        with session_scope(self.crawler.engine) as session:
            return {
                cp.key: cp
                for cp in session.scalars(
                    select(CrawlCheckpoint).where(
                        CrawlCheckpoint.platform == self.platform, CrawlCheckpoint.scope == scope
                    )
                )
            }

    def run(self, seeds: list[str]) -> dict[str, int]:
        try:
            seed_nodes = self._resolve_seeds(seeds)
            attempted: set[str] = set()
            while True:
                done = self._checkpoints(EDGE_SCOPE)
                pending = []
                nodes = [*seed_nodes, *self._organisation_nodes(), *self._in_scope_nodes()]
                for node in dict.fromkeys(nodes):
                    for direction in DIRECTIONS:
                        cp = done.get(self.key(direction, node))
                        # attempted: a list that stopped unfinished (a repeated cursor) waits for the next run
                        if self.key(direction, node) not in attempted and (
                            cp is None or not cp.complete or self._stale(cp)
                        ):
                            pending.append((node, direction))
                if not pending:
                    break
                for node, direction in pending:
                    attempted.add(self.key(direction, node))
                    self._walk_list(node, direction, done.get(self.key(direction, node)))
        except BudgetSpent:
            self.counts["budget_stopped"] = 1
            log.warning(
                "%s graph walk: request budget of %d used up; it resumes from here next run",
                self.platform,
                self.budget,
            )
        return self.counts

    def _stale(self, cp: CrawlCheckpoint) -> bool:
        """A completed list to read again: every one with ``refresh``, else one last walked
        before ``refresh_before`` (new follows since then are on its first page)."""
        if self.refresh:
            return True
        if self.refresh_before is None:
            return False
        walked = cp.updated_at if cp.updated_at.tzinfo else cp.updated_at.replace(tzinfo=UTC)
        return walked < self.refresh_before  # SQLite drops the zone: stored in UTC

    def _resolve_seeds(self, seeds: list[str]) -> list[str]:
        known = self._checkpoints(SEED_SCOPE)
        nodes: list[str] = []
        for handle in dict.fromkeys(seeds):
            cp = known.get(self.key("seed", handle))
            if cp is not None and cp.complete:
                if cp.newest_id:
                    nodes.append(cp.newest_id)
                continue
            self._spend()
            try:
                node: str | None = self.graph.node_id(self.crawler.source.get_profile(handle))
                self.counts["seeds"] += 1
            except AccountGone as exc:
                log.info("%s seed %s not found (%s)", self.platform, handle, exc.reason)
                node = None
                self.counts["seeds_missing"] += 1
            with session_scope(self.crawler.engine) as session:
                save_checkpoint(
                    session,
                    self.platform,
                    SEED_SCOPE,
                    self.key("seed", handle),
                    cursor=None,
                    newest_id=node,
                    pending_newest_id=None,
                    complete=True,
                    pages=1,
                    items=int(node is not None),
                    now=now(),
                )
            if node:
                nodes.append(node)
        return nodes

    def _organisation_nodes(self) -> list[str]:
        """Official (force and team) accounts met on the walk, oldest first."""
        found = self._checkpoints(ORGANISATION_SCOPE).values()
        prefix = self.key("organisation", "")  # this base URL's only
        return [
            cp.newest_id
            for cp in sorted(found, key=lambda cp: cp.id)
            if cp.key.startswith(prefix) and cp.newest_id
        ]

    def _known_organisation(self, session: Session, raw: dict[str, Any]) -> bool:
        """An official account excluded earlier (e.g. found by search before the walk): its
        keyed hash carries the identifier's reason. Asked once per account and run."""
        try:
            platform_id = self.crawler.spec.mapper.profile(raw).platform_id
        except MalformedItem:
            return False
        if platform_id in self._organisations_checked:
            return False
        self._organisations_checked.add(platform_id)
        reason = session.scalar(
            select(ExcludedAccount.reason).where(
                ExcludedAccount.platform == self.platform,
                ExcludedAccount.account_hash == account_hash(self.platform, platform_id),
            )
        )
        return reason in ORGANISATION_REASONS

    def _remember_organisation(self, session: Session, raw: dict[str, Any]) -> None:
        node = self.graph.node_id(raw)
        if not node:
            return
        save_checkpoint(
            session,
            self.platform,
            ORGANISATION_SCOPE,
            self.key("organisation", node),
            cursor=None,
            newest_id=node,
            pending_newest_id=None,
            complete=True,
            pages=0,
            items=1,
            now=now(),
        )
        self.counts["organisations"] += 1

    def _in_scope_nodes(self) -> list[str]:
        with session_scope(self.crawler.engine) as session:
            rows = session.execute(
                select(PlatformAccount.platform_id, PlatformAccount.raw)
                .where(
                    PlatformAccount.platform == self.platform,
                    PlatformAccount.self_identified.is_(True),
                    PlatformAccount.deleted_at.is_(None),
                    PlatformAccount.source == self.base_url,
                )
                .order_by(PlatformAccount.id)
            ).all()
        nodes = [self.graph.node_of(platform_id, raw) for platform_id, raw in rows]
        return [n for n in nodes if n]

    def _walk_list(self, node: str, direction: str, cp: CrawlCheckpoint | None) -> None:
        key = self.key(direction, node)
        # Lists are newest follow first: a refresh stops at the newest entry of the last complete
        # walk (newest_id); an unfinished walk resumes at its cursor and keeps both markers.
        resuming = cp is not None and not cp.complete
        cursor = cp.cursor if resuming and cp is not None else None
        since = cp.newest_id if cp is not None else None
        pending = cp.pending_newest_id if resuming and cp is not None else None
        pages, items = (cp.pages, cp.items) if cp is not None else (0, 0)

        def fetch(c: str | None) -> Page:
            self._spend()
            return self.graph.edges(node, direction, c, self.page_size or self.graph.max_page)

        try:
            for step in walk(
                fetch,
                cursor,
                since=since,
                marker=self.graph.node_id,
                max_empty_pages=self.crawler.max_empty_pages,
                what=f"{self.platform} {direction} of {node}",
            ):
                self.crawler.stats.pages += 1
                pending = pending or first_marker(step.items, self.graph.node_id)
                pages, items = pages + 1, items + len(step.items)
                finished = step.done and step.complete
                with session_scope(self.crawler.engine) as session:
                    for raw in step.items:
                        outcome = self.crawler._candidate(
                            session, raw, self._seen, self.counts, via="graph"
                        )
                        if (
                            outcome.reason in ORGANISATION_REASONS
                            if outcome is not None
                            else self._known_organisation(session, raw)
                        ):
                            self._remember_organisation(session, raw)
                    save_checkpoint(
                        session,
                        self.platform,
                        EDGE_SCOPE,
                        key,
                        cursor=None if finished else step.next_cursor,
                        newest_id=(pending or since) if finished else since,
                        pending_newest_id=None if finished else pending,
                        complete=finished,
                        pages=pages,
                        items=items,
                        now=now(),
                    )
        except AccountGone as exc:
            # Gone, suspended or protected: nothing to list. Not marked deleted here: the account
            # and posts steps decide that with their own requests.
            log.info(
                "%s graph: %s of %s not listed (%s)", self.platform, direction, node, exc.reason
            )
            self.counts["gone"] += 1
            with session_scope(self.crawler.engine) as session:
                save_checkpoint(
                    session,
                    self.platform,
                    EDGE_SCOPE,
                    key,
                    cursor=None,
                    newest_id=since,
                    pending_newest_id=None,
                    complete=True,
                    pages=pages + 1,
                    items=items,
                    now=now(),
                )
        self.counts["lists"] += 1
        self.advance()


def run_graph(
    platform: str,
    *,
    base_url: str | None = None,
    engine: Engine | None = None,
    budget: int | None = None,
    seeds: list[str] | None = None,
    clock: Clock | None = None,
    page_size: int | None = None,
    refresh: bool = False,
    identifier: Any = None,
    identifier_version: str = "",
    settings: Settings | None = None,
    on_start: Callable[[str, int | None], None] = lambda d, t: None,
    advance: Callable[[], None] = lambda: None,
) -> CrawlSummary:
    """Graph discovery against each configured base URL of the platform, within the budget each."""
    settings = settings or get_settings()
    budget = settings.crawl_graph_budget if budget is None else budget
    if budget < 1:
        raise ConfigurationError(f"graph budget must be at least 1 request, not {budget}")
    spec = graph_spec(platform)
    assert spec.graph is not None  # graph_spec() checked it
    stats = CrawlStats()
    urls = base_urls(platform, base_url)
    summary = CrawlSummary(platform, "graph", urls, stats)
    for url in urls:
        source = make_source(platform, url, stats, clock, settings)
        crawler = Crawler(
            source,
            engine or get_engine(),
            stats,
            max_empty_pages=settings.crawl_max_empty_pages,
            identifier=identifier,
            identifier_version=identifier_version,
        )
        graph = spec.graph(source.transport)
        on_start(f"graph {platform}", None)
        try:
            counts = GraphWalk(
                crawler, graph, budget, page_size or 0, refresh, advance=advance
            ).run(seeds or seed_handles(platform))
        finally:
            source.transport.close()
        for k, v in counts.items():
            summary.counts[k] = summary.counts.get(k, 0) + v
    log.info("crawl graph %s: %s; %s", platform, summary.counts, stats.as_dict())
    return summary
