"""Platform sources: thin clients that fetch and return raw items, nothing else.

A source knows its platform's endpoints and pagination; it never stores, maps, sleeps or
retries (that is :mod:`crawler.transport`, :mod:`crawler.storage` and :mod:`crawler.mapping`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from crawler.transport import Transport
from probity.errors import ProbityError


@dataclass
class Page:
    """One page of raw items exactly as returned, and the cursor that fetches the next page."""

    items: list[dict[str, Any]]
    cursor: str | None
    errors: list[dict[str, Any]] = field(default_factory=list)  # partial errors of a 200
    # Objects the response carried beside the items (X ``includes``), exactly as received.
    includes: dict[str, Any] = field(default_factory=dict)
    # True when the platform has more behind this page that we may not ask for (Mastodon
    # account search without a user token): the walk ends here and the summary says so.
    truncated: bool = False


class AccountGone(ProbityError):
    """The account was deleted, deactivated or suspended (the platform's words in ``reason``)."""

    def __init__(self, key: str, reason: str):
        self.key, self.reason = key, reason
        super().__init__(f"account {key}: {reason}")


class AccountProtected(ProbityError):
    """The account exists but its posts are not public (X protected): kept, retried later."""

    def __init__(self, key: str, reason: str):
        self.key, self.reason = key, reason
        super().__init__(f"account {key} is protected: {reason}")


class SourceError(ProbityError):
    """The platform answered with something the source cannot read."""


class BaseSource:
    platform = ""

    def __init__(self, transport: Transport, *, authenticated: bool = False):
        self.transport = transport
        self.base_url: str = transport.base_url
        self.authenticated = authenticated  # a user token is sent (Mastodon search paging)


class Source(Protocol):
    platform: str
    base_url: str
    transport: Transport

    def search_accounts(self, query: str, cursor: str | None, limit: int) -> Page: ...

    def get_profile(self, key: str) -> dict[str, Any]: ...

    def feed(
        self, account: dict[str, Any], cursor: str | None, since: str | None, limit: int
    ) -> Page: ...

    def marker(self, item: dict[str, Any]) -> str:
        """The value the platform's since parameter (or our early stop) compares against."""
        ...


class SourceFactory(Protocol):
    """A source class: built on a transport, told whether a user token is sent."""

    def __call__(self, transport: Transport, *, authenticated: bool = False) -> Source: ...


def json_body(response: httpx.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise SourceError(f"{what}: HTTP {response.status_code}, body is not JSON") from exc
