"""What the crawl jobs run in this process spent, per task and platform: requests and counts.

``probity run --once`` reports it per stage, and the demo's scoreboard sets each platform's
requests beside their minimum from it. A job records its own requests (its source's count
before and after) and the counts it returned, so the figures are the jobs' own, not a second
walk's. Only jobs run in this process are in it: on PostgreSQL, jobs other workers took are not.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping

Key = tuple[str, str]  # (task name, platform)


class Ledger:
    """Thread-safe sums per (task, platform): ``jobs``, ``requests`` and each returned count."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tally: dict[Key, Counter[str]] = {}

    def add(self, task: str, platform: str, requests: int, counts: Mapping[str, object]) -> None:
        with self._lock:
            tally = self._tally.setdefault((task, platform), Counter())
            tally["jobs"] += 1
            tally["requests"] += requests
            for name, value in counts.items():
                # counts are ints; a bool (a flag such as budget_stopped) sums as 0/1
                if isinstance(value, int):
                    tally[name] += int(value)

    def snapshot(self) -> dict[Key, Counter[str]]:
        with self._lock:
            return {key: Counter(tally) for key, tally in self._tally.items()}

    def since(self, before: Mapping[Key, Counter[str]]) -> dict[str, dict[str, int]]:
        """Per platform, what was added after ``before`` (a :meth:`snapshot`), all tasks summed."""
        spent: dict[str, Counter[str]] = {}
        for key, tally in self.snapshot().items():
            earlier = before.get(key, Counter())
            if tally["jobs"] == earlier["jobs"]:
                continue  # no job of this task and platform since
            added = spent.setdefault(key[1], Counter(requests=0))
            for name, value in tally.items():
                added[name] += value - earlier[name]
        return {platform: dict(sorted(tally.items())) for platform, tally in sorted(spent.items())}


LEDGER = Ledger()  # this process's
