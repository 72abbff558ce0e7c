"""Splitting national totals across forces: exact sums, deterministic, proportional to weight."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import TypeVar

T = TypeVar("T")


def apportion(
    total: int,
    weights: Mapping[str, float],
    fixed: Mapping[str, int] | None = None,
    minimum: int = 0,
) -> dict[str, int]:
    """Largest-remainder apportionment of ``total`` over ``weights``; ``fixed`` entries are exact.

    Every unfixed key gets at least ``minimum``. The result sums to ``total`` exactly.
    """
    fixed = dict(fixed or {})
    free = {k: w for k, w in weights.items() if k not in fixed}
    remaining = total - sum(fixed.values())
    if remaining < minimum * len(free):
        raise ValueError(f"cannot give {len(free)} keys at least {minimum} from {remaining}")
    shares = {k: minimum for k in free}
    spread = remaining - minimum * len(free)
    weight_sum = sum(free.values()) or 1.0
    exact = {k: spread * w / weight_sum for k, w in free.items()}
    for k, v in exact.items():
        shares[k] += int(v)
    leftover = remaining - sum(shares.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - int(exact[k])), k))[:leftover]:
        shares[k] += 1
    return {**fixed, **shares}


def expand(counts: Mapping[T, int]) -> list[T]:
    """{"a": 2, "b": 1} -> ["a", "a", "b"] (stable order)."""
    return [key for key, n in counts.items() for _ in range(n)]


def deal(items: Sequence[T], quotas: Mapping[str, int], rng: random.Random) -> dict[str, list[T]]:
    """Shuffle ``items`` and hand each key exactly its quota."""
    if sum(quotas.values()) != len(items):
        raise ValueError(f"quotas sum to {sum(quotas.values())}, items number {len(items)}")
    pool = list(items)
    rng.shuffle(pool)
    out: dict[str, list[T]] = {}
    start = 0
    for key in sorted(quotas):
        out[key] = pool[start : start + quotas[key]]
        start += quotas[key]
    return out


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))
