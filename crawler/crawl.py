"""The walks: discover candidates, refresh accounts, collect posts, re-walk for edits and deletions.

Each page is written in one transaction together with its checkpoint; a crash at any moment
leaves the database at the end of some page, and re-running continues from there. Posts are
collected only for accounts the identifier put in scope.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from crawler import ingest
from crawler.mapping.fields import MalformedItem
from crawler.paging import first_marker, walk
from crawler.platforms import PlatformSpec, spec_for
from crawler.sources import AccountGone, AccountProtected, Page, Source
from crawler.storage import load_checkpoint, save_checkpoint
from crawler.transport import CrawlStats
from probity.db import session_scope
from probity.models import CrawlCheckpoint, PlatformAccount, Post

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
    identifier: ingest.Identifier | None = None
    identifier_version: str = ""
    advance: Callable[[], None] = lambda: None
    rewalk_days: float = 0.0  # an increment also re-reads this many recent days (0: new only)

    @property
    def platform(self) -> str:
        return self.source.platform

    @property
    def spec(self) -> PlatformSpec:
        return spec_for(self.platform)

    # -- discovery -------------------------------------------------------------------------
    def discover(self, queries: Iterable[str]) -> dict[str, int]:
        """Search each query; identify each new candidate once; keep in-scope ones only."""
        counts = {"candidates": 0, "in_scope": 0, "excluded": 0, "known": 0, "first_page_only": 0}
        seen: set[str] = set()
        with session_scope(self.engine) as session:
            checkpoints = {
                cp.key: cp
                for cp in session.scalars(
                    select(CrawlCheckpoint).where(
                        CrawlCheckpoint.platform == self.platform,
                        CrawlCheckpoint.scope == "discover",
                    )
                )
            }
        for query in queries:
            cp = checkpoints.get(query)
            resume = cp is not None and not cp.complete
            cursor = cp.cursor if cp and resume else None
            pages, items = (cp.pages, cp.items) if cp and resume else (0, 0)

            def fetch(c: str | None, q: str = query) -> Page:
                return self.source.search_accounts(q, c, self.page_size)

            for step in walk(
                fetch, cursor, max_empty_pages=self.max_empty_pages, what=f"search {query!r}"
            ):
                pages, items = pages + 1, items + len(step.items)
                self.stats.pages += 1
                counts["first_page_only"] += step.truncated
                finished = step.done and step.complete
                if not step.items and finished and cp is None:
                    continue  # nothing found and nothing to resume: no write needed
                with session_scope(self.engine) as session:
                    for raw in step.items:
                        self._candidate(session, raw, seen, counts, via="search")
                    save_checkpoint(
                        session,
                        self.platform,
                        "discover",
                        query,
                        cursor=None if finished else step.next_cursor,
                        newest_id=None,
                        pending_newest_id=None,
                        complete=finished,
                        pages=pages,
                        items=items,
                        now=now(),
                    )
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

    def _candidate(
        self,
        session: Session,
        raw: dict[str, Any],
        seen: set[str],
        counts: dict[str, int],
        via: str | None = None,
    ) -> ingest.ProfileOutcome | None:
        """Identify one new candidate (None: malformed, already met in this run, or known)."""
        try:
            fields = self.spec.mapper.profile(raw)
        except MalformedItem as exc:
            log.warning("%s: malformed profile skipped (%s)", self.platform, exc)
            return None
        if fields.platform_id in seen:
            return None
        seen.add(fields.platform_id)
        counts["candidates"] += 1
        known = session.scalar(
            select(PlatformAccount.id).where(
                PlatformAccount.platform == self.platform,
                PlatformAccount.platform_id == fields.platform_id,
            )
        )
        if known is not None or ingest.is_excluded(session, self.platform, fields.platform_id):
            counts["known"] += 1  # already decided: not identified or fetched again
            return None
        outcome = ingest.apply_profile(
            session,
            self.platform,
            fields,
            raw,
            source=self.source.base_url,
            now=now(),
            identifier=self._identifier,
            version=self.identifier_version,
            via=via,
        )
        counts["in_scope" if outcome.in_scope else "excluded"] += 1
        self.stats.new_rows += 1
        return outcome

    @property
    def _identifier(self) -> ingest.Identifier:
        if self.identifier is None:  # loaded on first use: collecting posts needs no identifier
            self.identifier, self.identifier_version = ingest.default_identifier()
        return self.identifier

    # -- accounts --------------------------------------------------------------------------
    def accounts(self) -> list[PlatformAccount]:
        with session_scope(self.engine) as session:
            # Only accounts read from this source: a Mastodon id only means something on its
            # instance, and accounts that arrived otherwise (file imports, the reference data
            # return) have nothing to crawl here. Protected accounts are included: retried.
            query = (
                select(PlatformAccount)
                .where(
                    PlatformAccount.platform == self.platform,
                    PlatformAccount.self_identified.is_(True),
                    PlatformAccount.deleted_at.is_(None),
                    PlatformAccount.source == self.source.base_url,
                )
                .order_by(PlatformAccount.id)
            )
            return list(session.scalars(query))

    def refresh_accounts(self) -> dict[str, int]:
        """Fetch each in-scope profile again (1 request each) and re-identify it."""
        counts = {"refreshed": 0, "excluded": 0, "gone": 0}
        for account in self.accounts():
            outcome = self.refresh_account(account)
            counts[outcome] += 1
            if outcome != "gone":
                self.advance()
        return counts

    def refresh_account(self, account: PlatformAccount) -> str:
        """Fetch one profile again and re-identify it: "refreshed", "excluded" or "gone"."""
        try:
            raw = self.source.get_profile(self.spec.profile_key(account))
        except AccountGone as exc:
            self._mark_gone(account, exc)
            return "gone"
        with session_scope(self.engine) as session:
            outcome = ingest.apply_profile(
                session,
                self.platform,
                self.spec.mapper.profile(raw),
                raw,
                source=self.source.base_url,
                now=now(),
                identifier=self._identifier,
                version=self.identifier_version,
            )
        return "refreshed" if outcome.in_scope else "excluded"

    def _mark_gone(self, account: PlatformAccount, exc: AccountGone) -> None:
        log.warning(
            "%s account %s is gone (%s): kept, marked deleted, posts no longer fetched",
            self.platform,
            account.handle,
            exc.reason,
        )
        self._set(account, deleted_at=now())

    def _set(self, account: PlatformAccount, **values: Any) -> None:
        with session_scope(self.engine) as session:
            session.execute(
                update(PlatformAccount).where(PlatformAccount.id == account.id).values(**values)
            )

    # -- posts -----------------------------------------------------------------------------
    def crawl_posts(self, *, rewalk: bool = False) -> dict[str, int]:
        """New posts of every in-scope account; with ``rewalk``, each whole feed again, recording
        edits (new versions) and deletions (posts of the walked window that are missing)."""
        counts = {
            "accounts": 0,
            "new_posts": 0,
            "malformed": 0,
            "gone": 0,
            "protected": 0,
            "history_truncated": 0,
            "edited": 0,
            "deleted": 0,
        }
        for account in self.accounts():
            for key, value in self.crawl_account(account, rewalk=rewalk).items():
                counts[key] += value
        return counts

    def crawl_account(self, account: PlatformAccount, *, rewalk: bool = False) -> dict[str, int]:
        """One account's new posts (or, with ``rewalk``, its whole feed again); a gone or
        protected account is marked instead. Counts as :meth:`crawl_posts` sums them."""
        try:
            result = self.rewalk_account(account) if rewalk else self.crawl_account_posts(account)
        except AccountGone as exc:
            self._mark_gone(account, exc)
            return {"gone": 1}
        except AccountProtected as exc:
            # Not gone: kept in scope, marked, and asked again on the next crawl.
            log.info(
                "%s account %s is protected (%s): kept, retried next crawl",
                self.platform,
                account.handle,
                exc.reason,
            )
            self._set(account, protected=True)
            return {"protected": 1}
        if account.protected:
            self._set(account, protected=False)
        self.advance()
        return {**result, "accounts": 1}

    def crawl_account_posts(self, account: PlatformAccount) -> dict[str, int]:
        """Walk one account's feed newest-first: resume an unfinished walk, else ask for what is
        new. With ``rewalk_days`` an increment also reads the posts of that recent window again
        (usually on the same first page), recording their edits and deletions."""
        key = account.platform_id
        with session_scope(self.engine) as session:
            cp = load_checkpoint(session, self.platform, "posts", key)
            window_end = self._window_end(session, account) if cp and cp.newest_id else None
        since = cp.newest_id if cp else None
        resuming = bool(cp and not cp.complete and cp.cursor)
        cursor = cp.cursor if resuming and cp else None
        pending = cp.pending_newest_id if resuming and cp else None
        pages = cp.pages if cp else 0
        items = cp.items if cp else 0
        raw_account = account.raw or {}
        counts = {"new_posts": 0, "malformed": 0, "edited": 0, "deleted": 0, "history_truncated": 0}
        oldest: datetime | None = None
        # A windowed increment sends no since_id: the known posts of the window come back too,
        # and the walk stops by itself once it is past both the known newest post and the window.
        windowed = window_end is not None
        seen: set[str] = set()
        covered = complete = False

        def fetch(c: str | None) -> Page:
            return self.source.feed(raw_account, c, None if windowed else since, self.page_size)

        for step in walk(
            fetch,
            cursor,
            since=None if windowed else since,
            marker=self.source.marker,
            max_empty_pages=self.max_empty_pages,
            what=f"{self.platform} {account.handle}",
        ):
            self.stats.pages += 1
            pending = pending or first_marker(step.items, self.source.marker)
            pages, items = pages + 1, items + len(step.items)
            with session_scope(self.engine) as session:
                result = ingest.apply_posts(
                    session,
                    account,
                    step.items,
                    source=self.source.base_url,
                    now=now(),
                    includes=step.includes,
                )
                covered = bool(window_end and result.oldest and result.oldest <= window_end)
                complete = step.done and step.complete
                finished = complete or covered
                save_checkpoint(
                    session,
                    self.platform,
                    "posts",
                    key,
                    cursor=None if finished else step.next_cursor,
                    newest_id=(pending or since) if finished else since,
                    pending_newest_id=None if finished else pending,
                    complete=finished,
                    pages=pages,
                    items=items,
                    now=now(),
                )
            seen |= result.seen
            oldest = min(filter(None, (oldest, result.oldest)), default=None)
            self.stats.new_rows += result.new
            counts["new_posts"] += result.new
            counts["malformed"] += result.malformed
            counts["edited"] += result.edited
            if finished and self._hit_cap(since, items):
                counts["history_truncated"] += 1
                self._truncated(account, oldest)
            if covered:
                break  # the walk generator is left unfinished on purpose: the window is read
        if windowed and not resuming and (covered or complete):
            # Read from the top down to ``oldest`` without a gap: what is stored in that span
            # and was not returned is gone. The feed's end covers everything (no lower bound).
            after = oldest if covered or self._hit_cap(None, len(seen)) else None
            counts["deleted"] = self._mark_deleted(account, seen, after)
        return counts

    def _window_end(self, session: Session, account: PlatformAccount) -> datetime | None:
        """How far down an increment reads: past the newest post already held and past the
        re-walk window (None: no window, ask for new posts only)."""
        if self.rewalk_days <= 0:
            return None
        newest = session.scalar(
            select(func.max(Post.created_at)).where(
                Post.account_id == account.id, Post.reference_only.is_(False)
            )
        )
        start = now() - timedelta(days=self.rewalk_days)
        if newest is None:
            return start
        newest = newest if newest.tzinfo else newest.replace(tzinfo=UTC)  # SQLite drops it
        return min(newest, start)

    def _mark_deleted(
        self, account: PlatformAccount, seen: set[str], after: datetime | None
    ) -> int:
        with session_scope(self.engine) as session:
            deleted = ingest.mark_deleted(session, account.id, seen, after, now())
        if deleted:
            log.info(
                "%s account %s: %d post(s) deleted after capture (kept, marked)",
                self.platform,
                account.handle,
                deleted,
            )
        return deleted

    def _hit_cap(self, since: str | None, items: int) -> bool:
        """A first walk (no since) that reached the platform's timeline cap stopped at the cap,
        not at the account's first post."""
        cap = self.spec.timeline_cap
        return cap is not None and since is None and items >= cap

    def _truncated(self, account: PlatformAccount, oldest: datetime | None) -> None:
        log.warning(
            "%s account %s: the feed stops at the platform's %s-post cap; history before %s "
            "was not collected",
            self.platform,
            account.handle,
            self.spec.timeline_cap,
            oldest,
        )
        self._set(account, history_truncated_at=oldest or now())

    def rewalk_account(self, account: PlatformAccount) -> dict[str, int]:
        """Walk the whole feed again (no since): changed texts become versions; stored posts of
        the walked window the walk did not return are marked deleted after capture."""
        raw_account = account.raw or {}
        counts = {"new_posts": 0, "malformed": 0, "edited": 0, "deleted": 0}
        seen: set[str] = set()
        oldest: datetime | None = None
        newest: str | None = None
        complete = False

        def fetch(c: str | None) -> Page:
            return self.source.feed(raw_account, c, None, self.page_size)

        for step in walk(
            fetch,
            None,
            marker=self.source.marker,
            max_empty_pages=self.max_empty_pages,
            what=f"re-walk {self.platform} {account.handle}",
        ):
            self.stats.pages += 1
            newest = newest or first_marker(step.items, self.source.marker)
            with session_scope(self.engine) as session:
                result = ingest.apply_posts(
                    session,
                    account,
                    step.items,
                    source=self.source.base_url,
                    now=now(),
                    includes=step.includes,
                )
            seen |= result.seen
            oldest = min(filter(None, (oldest, result.oldest)), default=None)
            counts["new_posts"] += result.new
            counts["malformed"] += result.malformed
            counts["edited"] += result.edited
            self.stats.new_rows += result.new
            complete = step.done and step.complete
        if not complete:
            return counts  # a partial walk proves nothing about what is missing
        # A capped feed covers only from its oldest post on; an uncapped one covers everything.
        window = oldest if self._hit_cap(None, len(seen)) else None
        with session_scope(self.engine) as session:
            counts["deleted"] = ingest.mark_deleted(session, account.id, seen, window, now())
            cp = load_checkpoint(session, self.platform, "posts", account.platform_id)
            if newest and (cp is None or cp.complete):
                save_checkpoint(
                    session,
                    self.platform,
                    "posts",
                    account.platform_id,
                    cursor=None,
                    newest_id=newest,
                    pending_newest_id=None,
                    complete=True,
                    pages=cp.pages if cp else 0,
                    items=cp.items if cp else 0,
                    now=now(),
                )
        if counts["deleted"]:
            log.info(
                "%s account %s: %d post(s) deleted after capture (kept, marked)",
                self.platform,
                account.handle,
                counts["deleted"],
            )
        return counts
