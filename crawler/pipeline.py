"""The three walks: discover candidates, refresh accounts, collect posts of in-scope accounts.

Each page is written in one transaction together with its checkpoint; a crash at any moment
leaves the database at the end of some page, and re-running continues from there. Posts are
collected only for accounts the identifier put in scope.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select, update

from crawler import mapping
from crawler.mapping.fields import MalformedItem
from crawler.paging import first_marker, walk
from crawler.sources import AccountGone, Page, Source
from crawler.storage import load_checkpoint, save_checkpoint
from crawler.transport import CrawlStats
from probity.db import session_scope
from probity.models import CrawlCheckpoint, PlatformAccount

log = logging.getLogger(__name__)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Crawler:
    source: Source
    engine: Engine
    stats: CrawlStats
    page_size: int = 100
    max_empty_pages: int = 3
    identifier: mapping.Identifier | None = None
    identifier_version: str = ""
    advance: Callable[[], None] = lambda: None

    @property
    def platform(self) -> str:
        return self.source.platform

    # -- discovery -------------------------------------------------------------------------
    def discover(self, queries: Iterable[str]) -> dict[str, int]:
        """Search each query; identify each new candidate once; keep in-scope ones only."""
        counts = {"candidates": 0, "in_scope": 0, "excluded": 0, "known": 0}
        seen: set[str] = set()
        with session_scope(self.engine) as session:
            checkpoints = {cp.key: cp for cp in session.scalars(select(CrawlCheckpoint).where(
                CrawlCheckpoint.platform == self.platform, CrawlCheckpoint.scope == "discover"))}
        for query in queries:
            cp = checkpoints.get(query)
            resume = cp is not None and not cp.complete
            cursor = cp.cursor if cp and resume else None
            pages, items = (cp.pages, cp.items) if cp and resume else (0, 0)

            def fetch(c: str | None, q: str = query) -> Page:
                return self.source.search_accounts(q, c, self.page_size)

            for step in walk(fetch, cursor, max_empty_pages=self.max_empty_pages, what=f"search {query!r}"):
                pages, items = pages + 1, items + len(step.items)
                self.stats.pages += 1
                finished = step.done and step.complete
                if not step.items and finished and cp is None:
                    continue  # nothing found and nothing to resume: no write needed
                with session_scope(self.engine) as session:
                    for raw in step.items:
                        self._candidate(session, raw, seen, counts, via="search")
                    save_checkpoint(session, self.platform, "discover", query,
                                    cursor=None if finished else step.next_cursor,
                                    newest_id=None, pending_newest_id=None,
                                    complete=finished, pages=pages, items=items, now=now())
            self.advance()
        return counts

    def discover_handles(self, handles: Iterable[str]) -> dict[str, int]:
        """Look candidates up one by one (platforms, like X, without account search)."""
        counts = {"candidates": 0, "in_scope": 0, "excluded": 0, "known": 0, "gone": 0}
        seen: set[str] = set()
        for handle in handles:
            try:
                raw = self.source.get_profile(handle)
            except AccountGone as exc:
                log.info("%s: %s", self.platform, exc)
                counts["gone"] += 1
                continue
            with session_scope(self.engine) as session:
                self._candidate(session, raw, seen, counts, via="list")
            self.advance()
        return counts

    def _candidate(self, session: Any, raw: dict[str, Any], seen: set[str], counts: dict[str, int],
                   via: str | None = None) -> None:
        try:
            fields = mapping.profile_fields(self.platform, raw)
        except MalformedItem as exc:
            log.warning("%s: malformed profile skipped (%s)", self.platform, exc)
            return
        if fields.platform_id in seen:
            return
        seen.add(fields.platform_id)
        counts["candidates"] += 1
        known = session.scalar(select(PlatformAccount.id).where(
            PlatformAccount.platform == self.platform, PlatformAccount.platform_id == fields.platform_id))
        if known is not None or mapping.is_excluded(session, self.platform, fields.platform_id):
            counts["known"] += 1  # already decided: not identified or fetched again
            return
        outcome = mapping.apply_profile(session, self.platform, fields, raw, source=self.source.base_url,
                                        now=now(), identifier=self._identifier, version=self.identifier_version,
                                        via=via)
        counts["in_scope" if outcome.in_scope else "excluded"] += 1
        self.stats.new_rows += 1

    @property
    def _identifier(self) -> mapping.Identifier:
        if self.identifier is None:  # loaded on first use: collecting posts needs no identifier
            self.identifier, self.identifier_version = mapping.default_identifier()
        return self.identifier

    # -- accounts --------------------------------------------------------------------------
    def accounts(self) -> list[PlatformAccount]:
        with session_scope(self.engine) as session:
            # Only accounts read from this source: a Mastodon id only means something on its
            # instance, and accounts that arrived otherwise (file imports, the reference data
            # return) have nothing to crawl here.
            query = select(PlatformAccount).where(
                PlatformAccount.platform == self.platform, PlatformAccount.self_identified.is_(True),
                PlatformAccount.deleted_at.is_(None), PlatformAccount.source == self.source.base_url,
            ).order_by(PlatformAccount.id)
            return list(session.scalars(query))

    def refresh_accounts(self) -> dict[str, int]:
        """Fetch each in-scope profile again (1 request each) and re-identify it."""
        counts = {"refreshed": 0, "excluded": 0, "gone": 0}
        for account in self.accounts():
            key = account.platform_id if self.platform == "bluesky" else account.handle
            try:
                raw = self.source.get_profile(key)
            except AccountGone as exc:
                self._mark_gone(account, exc)
                counts["gone"] += 1
                continue
            with session_scope(self.engine) as session:
                outcome = mapping.apply_profile(
                    session, self.platform, mapping.profile_fields(self.platform, raw), raw,
                    source=self.source.base_url, now=now(), identifier=self._identifier,
                    version=self.identifier_version)
            counts["refreshed" if outcome.in_scope else "excluded"] += 1
            self.advance()
        return counts

    def _mark_gone(self, account: PlatformAccount, exc: AccountGone) -> None:
        log.warning("%s account %s is gone (%s): kept, marked deleted, posts no longer fetched",
                    self.platform, account.handle, exc.reason)
        with session_scope(self.engine) as session:
            session.execute(update(PlatformAccount).where(PlatformAccount.id == account.id)
                            .values(deleted_at=now()))

    # -- posts -----------------------------------------------------------------------------
    def crawl_posts(self) -> dict[str, int]:
        counts = {"accounts": 0, "new_posts": 0, "malformed": 0, "gone": 0}
        for account in self.accounts():
            try:
                new, malformed = self.crawl_account_posts(account)
            except AccountGone as exc:
                self._mark_gone(account, exc)
                counts["gone"] += 1
                continue
            counts["accounts"] += 1
            counts["new_posts"] += new
            counts["malformed"] += malformed
            self.advance()
        return counts

    def crawl_account_posts(self, account: PlatformAccount) -> tuple[int, int]:
        """Walk one account's feed newest-first: resume an unfinished walk, else ask only for new posts."""
        key = account.platform_id
        with session_scope(self.engine) as session:
            cp = load_checkpoint(session, self.platform, "posts", key)
        since = cp.newest_id if cp else None
        resuming = bool(cp and not cp.complete and cp.cursor)
        cursor = cp.cursor if resuming and cp else None
        pending = cp.pending_newest_id if resuming and cp else None
        pages = cp.pages if cp else 0
        items = cp.items if cp else 0
        raw_account = account.raw or {}
        new_total = malformed_total = 0

        def fetch(c: str | None) -> Page:
            return self.source.feed(raw_account, c, since, self.page_size)

        for step in walk(fetch, cursor, since=since, marker=self.source.marker,
                         max_empty_pages=self.max_empty_pages, what=f"{self.platform} {account.handle}"):
            self.stats.pages += 1
            pending = pending or first_marker(step.items, self.source.marker)
            pages, items = pages + 1, items + len(step.items)
            finished = step.done and step.complete
            with session_scope(self.engine) as session:
                new, malformed = mapping.apply_posts(session, account, step.items,
                                                     source=self.source.base_url, now=now())
                save_checkpoint(session, self.platform, "posts", key,
                                cursor=None if finished else step.next_cursor,
                                newest_id=(pending or since) if finished else since,
                                pending_newest_id=None if finished else pending,
                                complete=finished, pages=pages, items=items, now=now())
            self.stats.new_rows += new
            new_total += new
            malformed_total += malformed
        return new_total, malformed_total
