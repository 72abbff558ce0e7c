"""Mastodon raw → fields. Accounts are keyed by their ActivityPub uri, statuses by their uri."""

from __future__ import annotations

from typing import Any

from crawler.evidence import html_to_text
from crawler.mapping.fields import (
    MalformedItem,
    PostFields,
    ProfileFields,
    context_entry,
    parse_time,
    require,
)


def profile(raw: dict[str, Any]) -> ProfileFields:
    uri = raw.get("uri") or require(raw, "url")
    return ProfileFields(platform_id=uri, handle=require(raw, "acct"),
                         display_name=raw.get("display_name") or "",
                         bio=html_to_text(raw.get("note") or ""), url=raw.get("url") or uri)


def post(raw: dict[str, Any], account_id: str) -> PostFields:
    uri = require(raw, "uri")
    created = parse_time(require(raw, "created_at"))
    url = raw.get("url") or uri
    reblog = raw.get("reblog")
    if reblog:
        ra = reblog.get("account") or {}
        context = [context_entry("repost", reblog.get("uri", ""), ra.get("uri", ""), ra.get("acct", ""),
                                 html_to_text(reblog.get("content") or ""), account_id)]
        return PostFields(uri, "", url, created, True, context)
    if raw.get("content") is None:
        raise MalformedItem("missing field content")
    author = raw.get("account") or {}
    context = []
    if raw.get("in_reply_to_id"):
        # Mastodon gives only ids of the parent; its author is the holder when the ids match.
        own = str(raw.get("in_reply_to_account_id")) == str(author.get("id"))
        context.append({**context_entry("reply", str(raw["in_reply_to_id"]),
                                        str(raw.get("in_reply_to_account_id") or ""), "", "", ""),
                        "is_account_holder": own})
    quote = raw.get("quote") or {}
    if quote:
        # A quote whose original was deleted still shows that the account quoted something.
        quoted = quote.get("quoted_status") or {}
        qa = quoted.get("account") or {}
        context.append({**context_entry("quote", str(quoted.get("uri") or quote.get("quoted_status_id") or ""),
                                        qa.get("uri", ""), qa.get("acct", ""),
                                        html_to_text(quoted.get("content") or ""), account_id),
                        "state": quote.get("state", "")})
    return PostFields(uri, html_to_text(raw["content"]), url, created, False, context)
