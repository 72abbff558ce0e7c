"""Mastodon REST API of one instance: account search, lookup, statuses (Link-header pagination)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from crawler.sources import AccountGone, BaseSource, Page, SourceError, json_body

MAX_LIMIT = 40  # Mastodon's own cap for statuses and search


class MastodonSource(BaseSource):
    platform = "mastodon"

    def search_accounts(self, query: str, cursor: str | None, limit: int) -> Page:
        # Since Mastodon 4.0, /api/v2/search answers 401 to any request that carries ``offset``
        # (even offset=0) or ``resolve`` without a user token (Api::V2::SearchController
        # #validate_search_params!). Without a token: the first page only, and say so.
        offset, limit = int(cursor or 0), min(limit, MAX_LIMIT)
        params: dict[str, Any] = {"q": query, "type": "accounts", "limit": limit}
        if offset:
            if not self.authenticated:
                raise SourceError(
                    "Mastodon account search cannot page without a user token "
                    "(PROBITY_MASTODON_TOKEN for this instance)"
                )
            params["offset"] = offset
        response = self.transport.get("/api/v2/search", params)
        body = json_body(response, "search")
        if response.status_code != 200:
            raise SourceError(f"/api/v2/search: HTTP {response.status_code}: {body}")
        accounts = list(body.get("accounts", []))
        # Search is offset-paginated: a full page may have more behind it.
        more = len(accounts) >= limit
        if more and not self.authenticated:
            return Page(items=accounts, cursor=None, truncated=True)
        return Page(items=accounts, cursor=str(offset + len(accounts)) if more else None)

    def get_profile(self, key: str) -> dict[str, Any]:
        """``key`` is an acct (user or user@domain)."""
        response = self.transport.get("/api/v1/accounts/lookup", {"acct": key})
        body = json_body(response, "accounts/lookup")
        if response.status_code in (404, 410):
            raise AccountGone(key, f"HTTP {response.status_code}: {body.get('error', '')}")
        if response.status_code != 200:
            raise SourceError(f"/api/v1/accounts/lookup: HTTP {response.status_code}: {body}")
        if body.get("suspended"):
            raise AccountGone(key, "suspended")
        return dict(body)

    def feed(
        self, account: dict[str, Any], cursor: str | None, since: str | None, limit: int
    ) -> Page:
        # The cursor is the query string of the previous Link rel="next". since_id is sent on every
        # page, so the walk stops at what we already have, not at the account's first status.
        # A suspended account's statuses are a 200 [] (AccountsController hides them): the walk
        # simply ends; ``crawl accounts`` sees ``suspended`` on the profile and marks it gone.
        params: dict[str, Any] = {"limit": min(limit, MAX_LIMIT)}
        if cursor:
            params = dict(pair.split("=", 1) for pair in cursor.split("&") if "=" in pair)
        if since:
            params["since_id"] = since
        path = f"/api/v1/accounts/{account['id']}/statuses"
        response = self.transport.get(path, params)
        if response.status_code in (404, 410):
            raise AccountGone(
                str(account.get("acct", account["id"])), f"HTTP {response.status_code}"
            )
        body = json_body(response, "statuses")
        if response.status_code != 200 or not isinstance(body, list):
            raise SourceError(f"{path}: HTTP {response.status_code}: {body}")
        return Page(items=body, cursor=next_link_query(response.headers.get("link", "")))

    def marker(self, item: dict[str, Any]) -> str:
        return str(item["id"])


def next_link_query(link_header: str) -> str | None:
    """The query string of the rel="next" URL of an RFC 8288 Link header."""
    for part in link_header.split(","):
        if 'rel="next"' in part and "<" in part:
            url = part[part.index("<") + 1 : part.index(">")]
            return urlsplit(url).query or None
    return None
