"""X raw → fields. Users keyed by numeric id; tweets by id, each with its referenced tweets."""

from __future__ import annotations

from typing import Any

from crawler.mapping.fields import PostFields, ProfileFields, context_entry, parse_time, require

RELATIONS = {"replied_to": "reply", "quoted": "quote", "retweeted": "repost"}


def profile(raw: dict[str, Any]) -> ProfileFields:
    username = require(raw, "username")
    return ProfileFields(platform_id=str(require(raw, "id")), handle=username,
                         display_name=raw.get("name") or "", bio=raw.get("description") or "",
                         url=f"https://x.com/{username}")


def post(raw: dict[str, Any], account_id: str, handle: str = "") -> PostFields:
    tweet_id = str(require(raw, "id"))
    text = require(raw, "text")
    created = parse_time(require(raw, "created_at"))
    includes = raw.get("_includes") or {}
    tweets = {t.get("id"): t for t in includes.get("tweets", [])}
    users = {u.get("id"): u for u in includes.get("users", [])}
    context, is_repost = [], False
    for ref in raw.get("referenced_tweets") or []:
        relation = RELATIONS.get(ref.get("type", ""), ref.get("type", ""))
        target = tweets.get(ref.get("id"), {})  # absent when deleted: the 200 carried an error
        author_id = str(target.get("author_id") or (raw.get("in_reply_to_user_id") if relation == "reply" else "") or "")
        context.append(context_entry(relation, str(ref.get("id", "")), author_id,
                                     users.get(author_id, {}).get("username", ""),
                                     target.get("text", ""), account_id))
        is_repost = is_repost or relation == "repost"
    url = f"https://x.com/{handle or 'i/web'}/status/{tweet_id}"
    return PostFields(tweet_id, "" if is_repost else text, url, created, is_repost, context)
