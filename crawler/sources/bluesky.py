"""Bluesky public AppView (XRPC): searchActors, getProfile, getAuthorFeed. Accounts keyed by DID."""

from __future__ import annotations

from typing import Any

from crawler.sources import AccountGone, BaseSource, Page, SourceError, json_body

# The AppView's words for an account that is gone (bsky/src/api/app/bsky/actor/getProfile.ts,
# feed/getAuthorFeed.ts): named errors, or a plain InvalidRequest whose message is exactly
# "Profile not found". Any other 400 InvalidRequest is a bad parameter: our bug, not a deletion.
GONE_ERRORS = {"AccountDeactivated", "AccountTakedown", "ActorNotFound"}
NOT_FOUND_MESSAGE = "Profile not found"


class BlueskySource(BaseSource):
    platform = "bluesky"

    def _get(self, method: str, params: dict[str, Any]) -> Any:
        response = self.transport.get(f"/xrpc/{method}", params)
        body = json_body(response, method)
        if response.status_code == 400 and is_gone(body):
            raise AccountGone(
                str(params.get("actor", "")), f"{body.get('error')}: {body.get('message', '')}"
            )
        if response.status_code != 200:
            raise SourceError(f"{method}: HTTP {response.status_code}: {body}")
        return body

    def search_accounts(self, query: str, cursor: str | None, limit: int) -> Page:
        body = self._get(
            "app.bsky.actor.searchActors", {"q": query, "limit": min(limit, 100), "cursor": cursor}
        )
        return Page(items=list(body.get("actors", [])), cursor=body.get("cursor"))

    def get_profile(self, key: str) -> dict[str, Any]:
        return dict(self._get("app.bsky.actor.getProfile", {"actor": key}))

    def feed(
        self, account: dict[str, Any], cursor: str | None, since: str | None, limit: int
    ) -> Page:
        # getAuthorFeed has no since parameter: the walk stops at the newest item it already has.
        body = self._get(
            "app.bsky.feed.getAuthorFeed",
            {
                "actor": account["did"],
                "limit": min(limit, 100),
                "cursor": cursor,
                "filter": "posts_with_replies",
            },
        )
        return Page(items=list(body.get("feed", [])), cursor=body.get("cursor"))

    def marker(self, item: dict[str, Any]) -> str:
        return feed_item_key(item)


def is_gone(body: Any) -> bool:
    if not isinstance(body, dict):
        return False
    error, message = body.get("error"), str(body.get("message") or "")
    return error in GONE_ERRORS or (
        error == "InvalidRequest" and message.startswith(NOT_FOUND_MESSAGE)
    )


def feed_item_key(item: dict[str, Any]) -> str:
    """A feed item's identity: the repost record's uri for a repost, else the post's at-uri."""
    reason = item.get("reason") or {}
    post = item.get("post") or {}
    if str(reason.get("$type", "")).endswith("#reasonRepost"):
        if reason.get("uri"):
            return str(reason["uri"])
        by = (reason.get("by") or {}).get("did", "")
        return f"repost:{by}:{post.get('uri', '')}"
    uri = post.get("uri")
    if not uri:
        raise SourceError("feed item without post.uri")
    return str(uri)
