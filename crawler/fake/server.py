"""What the three fake platforms share: fault knobs, rate-limit windows, paging and a runner.

Faults are plain attributes, so a test changes them between requests. Injected faults fire on
the next requests whose path contains ``match``; data faults (deleted accounts, malformed posts)
live in the :class:`~crawler.fake.world.World` itself.
"""

from __future__ import annotations

import asyncio
import base64
import math
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from crawler.fake.world import World
from crawler.transport import Clock, SystemClock

INJECTABLE = ("429", "429-bare", "500", "502", "503", "stall", "usage-capped")


@dataclass
class Injected:
    match: str  # substring of the request path or of a query parameter's value
    kind: str  # one of INJECTABLE
    times: int = 1
    after: int = 0  # let this many matching requests through first


@dataclass
class Faults:
    delay: float = 0.0  # seconds added to every request (kill-and-resume tests)
    rate_limit: int = 3000  # requests per window; headers always sent, 429 once exceeded
    rate_window: float = 300.0
    inject: list[Injected] = field(default_factory=list)
    stall_seconds: float = 2.0  # how long a "stall" (client timeout) hangs
    empty_page_mid: bool = False  # feeds: an empty page with a cursor after the first page
    empty_tail: bool = False  # feeds: past the end, endless empty pages that carry a cursor
    repeat_cursor: bool = False  # feeds: from the second page on, hand back the cursor received
    timeline_cap: int = 3200  # X: a user timeline reaches only this many newest posts
    # X: "post" answers in the current OpenAPI document's words (referenced_posts,
    # includes.posts, note_post, edit_history_post_ids) instead of the changelog's "tweet" ones
    x_naming: str = "tweet"


@dataclass
class FakePlatform:
    platform: str
    world: World
    faults: Faults = field(default_factory=Faults)
    clock: Clock = field(default_factory=SystemClock)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # status of each answered request, in order
    require_bearer: bool = False  # X: answer 401 without an Authorization: Bearer header
    window_start: float | None = None
    window_count: int = 0

    # Each platform's rate-limit header family; its fake's build_app sets its own.
    rate_style: Callable[[int, int, float, float], dict[str, str]] = field(
        default=lambda *a: ietf_rate_headers(*a)
    )

    def rate_headers(self, remaining: int, reset_at: float) -> dict[str, str]:
        return self.rate_style(self.faults.rate_limit, remaining, reset_at, self.faults.rate_window)

    async def handle(self, request: Request, respond: Callable[[Request], Response]) -> Response:
        self.requests.append((request.url.path, dict(request.query_params)))
        response = await self._answer(request, respond)
        self.statuses.append(response.status_code)
        return response

    async def _answer(self, request: Request, respond: Callable[[Request], Response]) -> Response:
        if self.faults.delay:
            await asyncio.sleep(self.faults.delay)
        now = self.clock.time()
        if self.window_start is None or now >= self.window_start + self.faults.rate_window:
            self.window_start, self.window_count = now, 0
        reset_at = self.window_start + self.faults.rate_window
        injected = self._take_injected(" ".join([request.url.path, *request.query_params.values()]))
        if injected == "stall":
            await asyncio.sleep(self.faults.stall_seconds)
        if injected == "429-bare":
            return JSONResponse(
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, 429
            )
        if injected == "usage-capped":
            return JSONResponse(
                {
                    "title": "UsageCapExceeded",
                    "detail": "Usage cap exceeded: Monthly product cap",
                    "type": "https://api.twitter.com/2/problems/usage-capped",
                    "status": 429,
                },
                429,
            )
        if injected in ("500", "502", "503"):
            return JSONResponse({"error": "InternalServerError"}, int(injected))
        if injected == "429" or self.window_count >= self.faults.rate_limit:
            return JSONResponse(
                {"error": "RateLimitExceeded"}, 429, headers=self.rate_headers(0, reset_at)
            )
        self.window_count += 1
        if self.require_bearer and not request.headers.get("authorization", "").startswith(
            "Bearer "
        ):
            return JSONResponse(
                {
                    "title": "Unauthorized",
                    "type": "about:blank",
                    "status": 401,
                    "detail": "Unauthorized",
                },
                401,
            )
        response = respond(request)
        response.headers.update(
            self.rate_headers(self.faults.rate_limit - self.window_count, reset_at)
        )
        return response

    def route(self, path: str, answer: Callable[[Request], Response]) -> Route:
        """A route whose every request goes through the fault, rate-limit and logging layer."""

        async def endpoint(request: Request) -> Response:
            return await self.handle(request, answer)

        return Route(path, endpoint)

    def _take_injected(self, target: str) -> str | None:
        for fault in self.faults.inject:
            if fault.times > 0 and fault.match in target:
                if fault.after > 0:
                    fault.after -= 1
                    continue
                fault.times -= 1
                return fault.kind
        return None

    def count(self, *, path_contains: str = "", **params: str) -> int:
        """Requests received whose path contains ``path_contains`` and whose params include ``params``."""
        return sum(
            1
            for path, query in self.requests
            if path_contains in path and all(query.get(k) == v for k, v in params.items())
        )


def ietf_rate_headers(limit: int, remaining: int, reset_at: float, window: float) -> dict[str, str]:
    """The IETF draft family (Bluesky): reset in Unix seconds, and a policy."""
    return {
        "RateLimit-Limit": str(limit),
        "RateLimit-Remaining": str(remaining),
        "RateLimit-Reset": str(math.ceil(reset_at)),
        "RateLimit-Policy": f"{limit};w={int(window)}",
    }


def mastodon_rate_headers(
    limit: int, remaining: int, reset_at: float, window: float
) -> dict[str, str]:
    """Mastodon: X-RateLimit-*, the reset an ISO-8601 time."""
    iso = datetime.fromtimestamp(reset_at, UTC).isoformat(timespec="milliseconds")
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": iso.replace("+00:00", "Z"),
    }


def x_rate_headers(limit: int, remaining: int, reset_at: float, window: float) -> dict[str, str]:
    """X: x-rate-limit-*, the reset in Unix seconds."""
    return {
        "x-rate-limit-limit": str(limit),
        "x-rate-limit-remaining": str(remaining),
        "x-rate-limit-reset": str(math.ceil(reset_at)),
    }


def plan_page(
    total: int, start: int, limit: int, mode: str, faults: Faults
) -> tuple[int, int, tuple[int, str] | None]:
    """Serve items[lo:hi] and point to the next (start, mode), or None at the end."""
    if mode == "empty":
        return start, start, (start, "")
    if mode.startswith("tail"):
        return total, total, (total, f"tail{int(mode[4:]) + 1}")
    hi = min(total, start + limit)
    nxt: tuple[int, str] | None = (hi, "") if hi < total else None
    if nxt and faults.empty_page_mid and start == 0:
        nxt = (hi, "empty")
    if nxt is None and faults.empty_tail:
        nxt = (total, "tail1")
    if nxt and faults.repeat_cursor and start > 0:
        nxt = (start, mode)
    return start, hi, nxt


def encode_cursor(position: tuple[int, str]) -> str:
    return base64.urlsafe_b64encode(f"{position[0]}:{position[1]}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[int, str]:
    if not cursor:
        return 0, ""
    padded = cursor + "=" * (-len(cursor) % 4)
    start, _, mode = base64.urlsafe_b64decode(padded).decode().partition(":")
    return int(start), mode


def matches(query: str, *fields: str) -> bool:
    haystack = " ".join(fields).lower()
    return all(token in haystack for token in query.lower().split())


def bad_request(message: str, status: int = 400, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": "InvalidRequest", "message": message, **extra}, status)


@contextmanager
def serve(app: Starlette, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run an app with uvicorn in a thread on 127.0.0.1; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake server did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
