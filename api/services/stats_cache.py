"""Statistics computed at most once per `PROBITY_STATS_CACHE_SECONDS` per scope, per process.

Why: the national figures aggregate every referral item, account and register row (about
32,000 referral items at national scale: 30-55 ms of database CPU per request). Ten analysts
opening the statistics at once would queue behind each other on two cores, and the figures they
read change only when a referral, register or investigation changes. A short, stated staleness
(the answer carries `X-Probity-Stats-Computed-At`) buys a constant cost. Off by default (0):
a deployment chooses it (docs/deploy.md).

Only `compute_stats`' output is kept, keyed by its whole scope (force, date range, published or
not), so one force's figures can never answer another's request; the caller's access is checked
before the cache is asked. Concurrent misses of one key compute once (the others wait for it).
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class _Entry:
    value: dict[str, Any]
    computed_at: datetime
    expires: float


@dataclass
class StatsCache:
    ttl_seconds: float
    clock: Callable[[], float] = time.monotonic
    _entries: dict[Hashable, _Entry] = field(default_factory=dict)
    _locks: dict[Hashable, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def get(
        self, key: Hashable, compute: Callable[[], dict[str, Any]]
    ) -> tuple[dict[str, Any], datetime]:
        """The figures for `key` and when they were computed: cached while fresh, else computed."""
        if self.ttl_seconds <= 0:
            return compute(), datetime.now(UTC)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # one computation per key at a time; the waiters then read its result
            entry = self._entries.get(key)
            if entry is None or self.clock() >= entry.expires:
                entry = _Entry(compute(), datetime.now(UTC), self.clock() + self.ttl_seconds)
                self._entries[key] = entry
        # a copy: the caller may change what it returns without touching the cached figures
        return copy.deepcopy(entry.value), entry.computed_at
