"""Walking a cursor-paginated listing safely, the same way on every platform.

Rules: stop when the platform gives no cursor; stop (caught up) at the newest item of the last
complete walk; follow an empty page that still carries a cursor, but at most
``max_empty_pages`` in a row (no tight loop); a cursor seen before in this walk stops it with a
warning and leaves the walk resumable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from crawler.sources import Page, SourceError

log = logging.getLogger(__name__)


@dataclass
class Step:
    items: list[dict[str, Any]]
    next_cursor: str | None  # where to resume if this page is not the last
    done: bool
    complete: bool  # done and nothing left behind (False: stopped on a repeated cursor)
    errors: list[dict[str, Any]] = field(default_factory=list)
    includes: dict[str, Any] = field(default_factory=dict)  # the page's includes, as received
    truncated: bool = False  # the platform has more that we may not ask for (see Page)


def walk(
    fetch: Callable[[str | None], Page],
    cursor: str | None,
    *,
    since: str | None = None,
    marker: Callable[[dict[str, Any]], str] | None = None,
    max_empty_pages: int = 3,
    what: str = "",
) -> Iterator[Step]:
    seen = {cursor} if cursor else set()
    empty_run = 0
    while True:
        page = fetch(cursor)
        items, caught_up = page.items, False
        if since is not None and marker is not None:
            for i, item in enumerate(items):
                if _marker(marker, item) == since:
                    items, caught_up = items[:i], True
                    break
        nxt = page.cursor
        done, complete = True, True
        if caught_up or not nxt:
            pass
        elif nxt in seen:
            log.warning(
                "%s: the platform returned a cursor already seen in this walk (%s); "
                "walk stopped, it resumes from here next time",
                what,
                nxt[:40],
            )
            complete = False
        elif not page.items and empty_run + 1 >= max_empty_pages:
            log.warning(
                "%s: %d empty pages in a row that still carry a cursor; treated as the end",
                what,
                max_empty_pages,
            )
        else:
            done = False
            empty_run = 0 if page.items else empty_run + 1
        yield Step(
            items,
            cursor if not complete else nxt,
            done,
            complete,
            page.errors,
            page.includes,
            page.truncated,
        )
        if done or nxt is None:
            return
        seen.add(nxt)
        cursor = nxt


def _marker(marker: Callable[[dict[str, Any]], str], item: dict[str, Any]) -> str | None:
    try:
        return marker(item)
    except (KeyError, TypeError, ValueError, SourceError):
        return None


def first_marker(
    items: list[dict[str, Any]], marker: Callable[[dict[str, Any]], str]
) -> str | None:
    for item in items:
        value = _marker(marker, item)
        if value:
            return value
    return None
