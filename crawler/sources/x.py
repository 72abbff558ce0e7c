"""X API v2 with a bearer token: user lookup by username, user timeline (pagination_token)."""

from __future__ import annotations

import logging
from typing import Any

from crawler.sources import AccountGone, BaseSource, Page, SourceError, json_body

log = logging.getLogger(__name__)

USER_FIELDS = "created_at,description,name,username,url,protected"
TWEET_FIELDS = "created_at,author_id,conversation_id,referenced_tweets,in_reply_to_user_id,lang"
EXPANSIONS = "referenced_tweets.id,referenced_tweets.id.author_id"


class XSource(BaseSource):
    platform = "x"

    def search_accounts(self, query: str, cursor: str | None, limit: int) -> Page:
        raise SourceError("X API v2 offers no account search in the endpoints Probity uses: "
                          "discover X accounts from a list of usernames (--handles FILE)")

    def get_profile(self, key: str) -> dict[str, Any]:
        response = self.transport.get(f"/2/users/by/username/{key}", {"user.fields": USER_FIELDS})
        body = json_body(response, "users/by/username")
        if response.status_code != 200:
            raise SourceError(f"/2/users/by/username/{key}: HTTP {response.status_code}: {body}")
        if "data" not in body:
            # Not found and suspended users come back as a 200 with only "errors".
            detail = "; ".join(e.get("detail", e.get("title", "")) for e in body.get("errors", []))
            raise AccountGone(key, detail or "no data in response")
        return dict(body["data"])

    def feed(self, account: dict[str, Any], cursor: str | None, since: str | None, limit: int) -> Page:
        params = {"max_results": max(5, min(limit, 100)), "pagination_token": cursor, "since_id": since,
                  "tweet.fields": TWEET_FIELDS, "expansions": EXPANSIONS, "user.fields": "username"}
        path = f"/2/users/{account['id']}/tweets"
        response = self.transport.get(path, params)
        body = json_body(response, "tweets")
        if response.status_code != 200:
            raise SourceError(f"{path}: HTTP {response.status_code}: {body}")
        if "data" not in body and body.get("errors") and not body.get("meta"):
            detail = "; ".join(e.get("detail", "") for e in body["errors"])
            raise AccountGone(str(account["id"]), detail)
        includes = body.get("includes", {})
        # Each tweet carries the referenced tweets and authors it needs, so a raw item stands alone.
        items = [_with_includes(t, includes) for t in body.get("data", [])]
        errors = list(body.get("errors", []))
        if errors:  # a 200 may carry data AND errors (e.g. a quoted tweet that was deleted)
            log.info("%s: %d partial error(s) alongside %d tweet(s)", path, len(errors), len(items))
        # Stop only when next_token is absent: a short or empty page is not the end.
        return Page(items=items, cursor=body.get("meta", {}).get("next_token"), errors=errors)

    def marker(self, item: dict[str, Any]) -> str:
        return str(item["id"])


def _with_includes(tweet: dict[str, Any], includes: dict[str, Any]) -> dict[str, Any]:
    refs = {r.get("id") for r in tweet.get("referenced_tweets", []) or []}
    if not refs:
        return tweet
    tweets = [t for t in includes.get("tweets", []) if t.get("id") in refs]
    authors = {t.get("author_id") for t in tweets}
    users = [u for u in includes.get("users", []) if u.get("id") in authors]
    return {**tweet, "_includes": {"tweets": tweets, "users": users}}
