"""X API v2 with a bearer token: user lookup by username, user timeline (pagination_token).

Both namings of the current API are read: ``tweet.fields`` / ``referenced_tweets`` /
``includes.tweets`` / ``note_tweet`` (the changelog's) and ``post.fields`` /
``referenced_posts`` / ``includes.posts`` / ``note_post`` (the current OpenAPI document's).
"""

from __future__ import annotations

import logging
from typing import Any

from crawler.sources import AccountGone, AccountProtected, BaseSource, Page, SourceError, json_body

log = logging.getLogger(__name__)

USER_FIELDS = "created_at,description,name,username,url,protected,public_metrics"
# note_tweet: the full text of a post over 280 characters (``text`` is cut short);
# edit_history_tweet_ids: the ids of every version of an edited post, oldest first.
TWEET_FIELDS = (
    "created_at,author_id,conversation_id,referenced_tweets,in_reply_to_user_id,lang,"
    "note_tweet,edit_history_tweet_ids"
)
EXPANSIONS = "referenced_tweets.id,referenced_tweets.id.author_id"
TIMELINE_CAP = 3200  # GET /2/users/:id/tweets reaches only the newest 3,200 posts
PROTECTED = "https://api.twitter.com/2/problems/not-authorized-for-resource"


class XSource(BaseSource):
    platform = "x"

    def search_accounts(self, query: str, cursor: str | None, limit: int) -> Page:
        raise SourceError(
            "X API v2 offers no account search in the endpoints Probity uses: "
            "discover X accounts from a list of usernames (--handles FILE)"
        )

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

    def feed(
        self, account: dict[str, Any], cursor: str | None, since: str | None, limit: int
    ) -> Page:
        params = {
            "max_results": max(5, min(limit, 100)),
            "pagination_token": cursor,
            "since_id": since,
            "tweet.fields": TWEET_FIELDS,
            "expansions": EXPANSIONS,
            "user.fields": "username",
        }
        path = f"/2/users/{account['id']}/tweets"
        response = self.transport.get(path, params)
        body = json_body(response, "tweets")
        if response.status_code != 200:
            raise SourceError(f"{path}: HTTP {response.status_code}: {body}")
        errors = list(body.get("errors", []))
        if "data" not in body and errors and not body.get("meta"):
            detail = "; ".join(e.get("detail", "") for e in errors)
            if any(e.get("type") == PROTECTED for e in errors):
                # A protected account is not gone: it stays in scope and is asked again next time.
                raise AccountProtected(str(account["id"]), detail)
            raise AccountGone(str(account["id"]), detail)
        items = list(body.get("data", []))
        if errors:  # a 200 may carry data AND errors (e.g. a quoted post that was deleted)
            log.info("%s: %d partial error(s) alongside %d post(s)", path, len(errors), len(items))
        # Stop only when next_token is absent: a short or empty page is not the end.
        return Page(
            items=items,
            cursor=body.get("meta", {}).get("next_token"),
            errors=errors,
            includes=dict(body.get("includes") or {}),
        )

    def marker(self, item: dict[str, Any]) -> str:
        return str(item["id"])
