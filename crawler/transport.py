"""The HTTP layer shared by every source: one rate-limit budget, backoff, retries, capped sleeps.

Sources never sleep or retry themselves; they call :meth:`Transport.get` and read the response.
The three header families (all case-insensitive):

=========  ==============================  =======================================
platform   headers                         reset format
=========  ==============================  =======================================
Bluesky    RateLimit-Remaining / -Reset    Unix seconds
Mastodon   X-RateLimit-Remaining / -Reset  ISO-8601 date (``2026-11-25T03:30:00.000Z``)
X          x-rate-limit-remaining / -reset Unix seconds
=========  ==============================  =======================================

A 429 with a reset header waits until the reset; a 429 without one (and without Retry-After)
backs off exponentially with jitter; 5xx and timeouts are retried a bounded number of times; X's
``usage-capped`` 429 is a monthly quota, not a rate limit, so it stops the crawl at once.
Sleeping goes through an injectable clock, so tests run without waiting.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Protocol

import httpx

from probity.errors import ProbityError

log = logging.getLogger(__name__)

# (remaining header, reset header, reset format)
HEADER_FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("x-rate-limit-remaining", "x-rate-limit-reset", "unix"),  # X
    ("x-ratelimit-remaining", "x-ratelimit-reset", "iso"),  # Mastodon
    ("ratelimit-remaining", "ratelimit-reset", "unix"),  # Bluesky
)


# Added to every wait computed from a reset header: clocks differ and resets are rounded.
RESET_MARGIN = 1.0


class TransportError(ProbityError):
    """A request failed beyond the retry budget; the crawl stops, checkpoints stay as they were."""


class UsageCapped(TransportError):
    """X's monthly usage cap is reached: retrying cannot help until the cap resets."""


class Clock(Protocol):
    def time(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass
class CrawlStats:
    requests: int = 0
    pages: int = 0
    new_rows: int = 0
    retries: int = 0
    sleeps: int = 0
    slept_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_reset(value: str, fmt: str) -> float | None:
    """A reset header as Unix seconds, or None when it cannot be read."""
    value = value.strip()
    try:
        if fmt == "unix":
            return float(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        log.warning("unreadable rate-limit reset header %r (expected %s)", value, fmt)
        return None


@dataclass
class RateBudget:
    """What the last response said about the remaining budget."""

    remaining: int | None = None
    reset_at: float | None = None

    def update(self, headers: httpx.Headers) -> bool:
        for remaining_name, reset_name, fmt in HEADER_FAMILIES:
            if remaining_name in headers or reset_name in headers:
                try:
                    self.remaining = int(headers.get(remaining_name, ""))
                except ValueError:
                    self.remaining = None
                reset = headers.get(reset_name)
                self.reset_at = parse_reset(reset, fmt) if reset else None
                return True
        return False

    def wait_needed(self, now: float) -> float:
        if self.remaining is not None and self.remaining <= 0 and self.reset_at is not None:
            return max(0.0, self.reset_at - now) + RESET_MARGIN
        return 0.0


def is_usage_capped(response: httpx.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    text = f"{body.get('type', '')} {body.get('title', '')}" if isinstance(body, dict) else ""
    return "usage-capped" in text or "UsageCapExceeded" in text


class Transport:
    def __init__(
        self,
        base_url: str,
        headers: dict[str, str] | None = None,
        *,
        clock: Clock | None = None,
        stats: CrawlStats | None = None,
        max_retries: int = 4,
        backoff_seconds: float = 1.0,
        max_sleep: float = 900.0,
        timeout: float = 30.0,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = httpx.Client(base_url=self.base_url, headers=headers or {}, timeout=timeout)
        self.clock = clock or SystemClock()
        self.stats = stats or CrawlStats()
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self.max_sleep = max_sleep
        self.budget = RateBudget()
        self.rng = rng or random.Random()

    def close(self) -> None:
        self.client.close()

    def get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """GET with the shared budget; returns any non-429, non-5xx response for the source to read."""
        params = {k: v for k, v in (params or {}).items() if v is not None}
        failures = 0
        while True:
            wait = self.budget.wait_needed(self.clock.time())
            if wait > 0:
                self._sleep(wait, f"rate-limit budget exhausted before {path}")
                self.budget.remaining = None
            self.stats.requests += 1
            try:
                response = self.client.get(path, params=params)
            except (httpx.TimeoutException, httpx.NetworkError) as exc:
                failures = self._failed(failures, path, f"{type(exc).__name__}: {exc}")
                self._sleep(self._backoff(failures), f"retry {failures} after {type(exc).__name__}")
                continue
            has_limits = self.budget.update(response.headers)
            if response.status_code == 429:
                if is_usage_capped(response):
                    raise UsageCapped(
                        f"GET {path}: X usage cap reached (429 usage-capped); "
                        "crawl stopped, nothing retried"
                    )
                failures = self._failed(failures, path, "429 Too Many Requests")
                wait = self.budget.wait_needed(self.clock.time()) if has_limits else 0.0
                retry_after = response.headers.get("retry-after", "")
                if wait <= 0 and retry_after.isdigit():
                    wait = float(retry_after)
                if wait <= 0:
                    wait = self._backoff(failures)
                self._sleep(wait, f"429 on {path} (retry {failures})")
                self.budget.remaining = None
                continue
            if response.status_code >= 500:
                failures = self._failed(failures, path, f"HTTP {response.status_code}")
                self._sleep(self._backoff(failures), f"HTTP {response.status_code} on {path}")
                continue
            return response

    def _failed(self, failures: int, path: str, what: str) -> int:
        failures += 1
        if failures > self.max_retries:
            raise TransportError(
                f"GET {self.base_url}{path}: {what}, still failing after "
                f"{self.max_retries} retries; crawl stopped at the last checkpoint"
            )
        self.stats.retries += 1
        log.info("GET %s: %s, retrying (%d/%d)", path, what, failures, self.max_retries)
        return failures

    def _backoff(self, failures: int) -> float:
        # Full exponential backoff with +-50% jitter, so parallel crawlers do not retry in step.
        return self.backoff_seconds * 2 ** (failures - 1) * self.rng.uniform(0.5, 1.5)

    def _sleep(self, seconds: float, why: str) -> None:
        if seconds > self.max_sleep:
            log.warning("%s: would sleep %.0fs, capped at %.0fs", why, seconds, self.max_sleep)
            seconds = self.max_sleep
        log.info("sleeping %.1fs: %s", seconds, why)
        self.stats.sleeps += 1
        self.stats.slept_seconds += seconds
        self.clock.sleep(seconds)
