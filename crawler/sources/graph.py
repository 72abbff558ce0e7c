"""Follow-graph listings: who follows an account, and whom it follows. Items only, no state.

Each list item is a full profile in the same shape the platform's search or lookup returns
(Bluesky profileView, Mastodon Account, X user object), so a candidate is identified from the
list page itself, with no extra profile request. Paging follows each platform's contract:

=========  ==========================================  ========================  ========
platform   endpoints                                   paging                    max page
=========  ==========================================  ========================  ========
Bluesky    app.bsky.graph.getFollowers / getFollows    ``cursor`` in the body    100
Mastodon   /api/v1/accounts/:id/followers|following    ``Link: rel="next"``      80
X          /2/users/:id/followers|following            ``meta.next_token``       1000
=========  ==========================================  ========================  ========

A node is addressed by the id the list endpoint takes: the DID on Bluesky, the instance-local
account id on Mastodon, the user id on X.
"""

from __future__ import annotations

from typing import Any, Protocol

from crawler.sources import AccountGone, BaseSource, Page, SourceError, json_body
from crawler.sources.bluesky import GONE_ERRORS
from crawler.sources.mastodon import next_link_query
from crawler.sources.x import USER_FIELDS

DIRECTIONS = ("followers", "follows")


class GraphSource(Protocol):
    platform: str
    max_page: int

    def edges(self, node: str, direction: str, cursor: str | None, limit: int) -> Page: ...

    def node_id(self, raw_profile: dict[str, Any]) -> str: ...

    def node_of(self, platform_id: str, raw_profile: dict[str, Any] | None) -> str | None: ...


def _check(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")


class BlueskyGraph(BaseSource):
    platform = "bluesky"
    max_page = 100

    def edges(self, node: str, direction: str, cursor: str | None, limit: int) -> Page:
        _check(direction)
        method = (
            "app.bsky.graph.getFollowers"
            if direction == "followers"
            else "app.bsky.graph.getFollows"
        )
        response = self.transport.get(
            f"/xrpc/{method}", {"actor": node, "limit": min(limit, self.max_page), "cursor": cursor}
        )
        body = json_body(response, method)
        # Only account-state errors mean "gone" (the AppView says "Actor not found: …" for an
        # unknown, deactivated or taken-down actor); a parameter error is ours and must surface.
        message = str(body.get("message", ""))
        if response.status_code == 400 and (
            body.get("error") in GONE_ERRORS - {"InvalidRequest"}
            or message.startswith(("Actor not found", "Profile not found"))
        ):
            raise AccountGone(node, f"{body.get('error')}: {body.get('message', '')}")
        if response.status_code != 200:
            raise SourceError(f"{method}: HTTP {response.status_code}: {body}")
        return Page(items=list(body.get(direction, [])), cursor=body.get("cursor"))

    def node_id(self, raw_profile: dict[str, Any]) -> str:
        return str(raw_profile["did"])

    def node_of(self, platform_id: str, raw_profile: dict[str, Any] | None) -> str | None:
        return platform_id  # the stored id is the DID


class MastodonGraph(BaseSource):
    platform = "mastodon"
    max_page = 80

    def edges(self, node: str, direction: str, cursor: str | None, limit: int) -> Page:
        _check(direction)
        # The cursor is the query string of the previous rel="next" link (its max_id is a
        # follow-record id, which only the server knows).
        params: dict[str, Any] = {"limit": min(limit, self.max_page)}
        if cursor:
            params = dict(pair.split("=", 1) for pair in cursor.split("&") if "=" in pair)
        path = f"/api/v1/accounts/{node}/{'followers' if direction == 'followers' else 'following'}"
        response = self.transport.get(path, params)
        if response.status_code in (404, 410):
            raise AccountGone(node, f"HTTP {response.status_code}")
        body = json_body(response, path)
        if response.status_code != 200 or not isinstance(body, list):
            raise SourceError(f"{path}: HTTP {response.status_code}: {body}")
        return Page(items=body, cursor=next_link_query(response.headers.get("link", "")))

    def node_id(self, raw_profile: dict[str, Any]) -> str:
        return str(raw_profile["id"])

    def node_of(self, platform_id: str, raw_profile: dict[str, Any] | None) -> str | None:
        # The stored id is the account's URI; the list endpoints take the instance-local id, which
        # only the raw profile holds. Without it the account cannot be a node.
        return str(raw_profile["id"]) if raw_profile and raw_profile.get("id") else None


class XGraph(BaseSource):
    platform = "x"
    max_page = 1000

    def edges(self, node: str, direction: str, cursor: str | None, limit: int) -> Page:
        _check(direction)
        path = f"/2/users/{node}/{'followers' if direction == 'followers' else 'following'}"
        response = self.transport.get(
            path,
            {
                "max_results": max(1, min(limit, self.max_page)),
                "pagination_token": cursor,
                "user.fields": USER_FIELDS,
            },
        )
        body = json_body(response, path)
        if response.status_code != 200:
            raise SourceError(f"{path}: HTTP {response.status_code}: {body}")
        if "data" not in body and body.get("errors") and not body.get("meta"):
            detail = "; ".join(e.get("detail", e.get("title", "")) for e in body["errors"])
            raise AccountGone(node, detail)
        return Page(
            items=list(body.get("data", [])),
            cursor=body.get("meta", {}).get("next_token"),
            errors=list(body.get("errors", [])),
        )

    def node_id(self, raw_profile: dict[str, Any]) -> str:
        return str(raw_profile["id"])

    def node_of(self, platform_id: str, raw_profile: dict[str, Any] | None) -> str | None:
        return platform_id  # the stored id is the user id
