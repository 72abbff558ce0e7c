"""The request budget one API token allows, shared by every worker through the database.

A token bucket per platform base URL: it holds at most a minute's worth of requests and refills
at the configured rate. Each request first takes one token in a single conditional UPDATE, so
workers on any number of machines together never spend faster than the one token may; a worker
that finds the bucket empty sleeps for exactly as long as the next token takes to arrive.

On the embedded SQLite default there is one process (``probity worker`` refuses SQLite), so the
same bucket is kept in memory (:class:`LocalBudget`): a committed write per request costs SQLite
a disk flush (8 ms measured), more than most requests to a nearby server.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import httpx
from sqlalchemy import Engine, Table, case, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from probity.models import RateBudget

log = logging.getLogger(__name__)


class _Bucket:
    """A token bucket of ``per_minute`` requests a minute for ``key`` (one platform base URL, i.e.
    one token): full at first, refilled continuously. Subclasses keep its state."""

    def __init__(
        self,
        key: str,
        per_minute: float,
        *,
        now: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute <= 0:
            raise ValueError(f"rate budget for {key!r} must be positive, got {per_minute}")
        self.key = key
        self.rate = per_minute / 60.0  # tokens per second
        self.capacity = max(1.0, per_minute)
        self.now = now
        self.sleep = sleep
        self.waited = 0.0  # seconds this process spent waiting for the budget

    def try_take(self, at: float) -> float:
        """Take one token at time ``at``: 0.0 if taken, else the seconds until one is due."""
        raise NotImplementedError

    def take(self) -> None:
        """Block until one request may be made."""
        while (wait := self.try_take(self.now())) > 0:
            self.waited += wait
            log.debug("rate budget %s empty: waiting %.2fs", self.key, wait)
            self.sleep(wait)

    def before_request(self, request: httpx.Request) -> None:
        """An httpx request hook: every request the transport makes spends the budget."""
        self.take()


class SharedBudget(_Bucket):
    """The bucket kept in the database (``rate_budgets``): every worker spends the same one."""

    def __init__(
        self,
        engine: Engine,
        key: str,
        per_minute: float,
        *,
        now: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(key, per_minute, now=now, sleep=sleep)
        self.engine = engine

    def try_take(self, at: float) -> float:
        """Take one token at time ``at``: 0.0 if taken, else the seconds until one is due."""
        table: Table = RateBudget.__table__  # type: ignore[assignment]  # a Table, typed loosely
        elapsed = case((table.c.updated_at < at, literal(at) - table.c.updated_at), else_=0.0)
        refilled = table.c.tokens + elapsed * self.rate
        available = case((refilled > self.capacity, self.capacity), else_=refilled)
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(table)
                .where(table.c.key == self.key, available >= 1.0)
                .values(
                    tokens=available - 1.0,
                    updated_at=case((table.c.updated_at > at, table.c.updated_at), else_=at),
                )
            ).rowcount
            if taken:
                return 0.0
            left = conn.scalar(select(available).where(table.c.key == self.key))
        if left is None:  # first use of this token: a full bucket, then take from it
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        insert(table).values(key=self.key, tokens=self.capacity, updated_at=at)
                    )
            except IntegrityError:
                pass  # another worker created it first: same bucket
            return self.try_take(at)
        if float(left) >= 1.0:  # refilled or created between our two statements: try again
            return self.try_take(at)
        return (1.0 - float(left)) / self.rate


class LocalBudget(_Bucket):
    """The same bucket as :class:`SharedBudget`, kept in this process (its threads share it)."""

    def __init__(
        self,
        key: str,
        per_minute: float,
        *,
        now: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(key, per_minute, now=now, sleep=sleep)
        self.tokens = self.capacity
        self.updated_at: float | None = None
        self._lock = threading.Lock()

    def try_take(self, at: float) -> float:
        with self._lock:
            if self.updated_at is not None and at > self.updated_at:
                self.tokens = min(self.capacity, self.tokens + (at - self.updated_at) * self.rate)
            self.updated_at = max(at, self.updated_at or at)
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return 0.0
            return (1.0 - self.tokens) / self.rate


_LOCAL: dict[str, LocalBudget] = {}
_LOCAL_LOCK = threading.Lock()


def budget_for(engine: Engine, key: str, per_minute: float) -> SharedBudget | LocalBudget:
    """PostgreSQL: the bucket in the database, shared by every worker. Otherwise one bucket per
    key for this process (every thread's source of one base URL spends from it)."""
    if engine.dialect.name == "postgresql":
        return SharedBudget(engine, key, per_minute)
    with _LOCAL_LOCK:
        budget = _LOCAL.get(key)
        if budget is None or budget.rate != per_minute / 60.0:
            budget = _LOCAL[key] = LocalBudget(key, per_minute)
        return budget
