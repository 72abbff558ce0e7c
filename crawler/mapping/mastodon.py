"""Mastodon raw → fields. Accounts are keyed by their ActivityPub uri, statuses by their uri."""

from __future__ import annotations

import re
from typing import Any

from crawler.evidence import html_to_text
from crawler.mapping.fields import (
    Holder,
    MalformedItem,
    PostFields,
    ProfileFields,
    context_entry,
    parse_time,
    require,
)


def profile(raw: dict[str, Any]) -> ProfileFields:
    uri = raw.get("uri") or require(raw, "url")
    return ProfileFields(
        platform_id=uri,
        handle=require(raw, "acct"),
        display_name=raw.get("display_name") or "",
        bio=html_to_text(raw.get("note") or ""),
        url=raw.get("url") or uri,
    )


# Mastodon 4.4+ prepends a fallback for clients without quote support to a quote post's
# content: <p class="quote-inline">RE: <a href=…>url</a></p>. It is the server's, not the author's.
QUOTE_FALLBACK = re.compile(r'<p class="quote-inline">.*?</p>', re.DOTALL)


def status_text(content: str) -> str:
    return html_to_text(QUOTE_FALLBACK.sub("", content))


def post(raw: dict[str, Any], holder: Holder, includes: dict[str, Any] | None = None) -> PostFields:
    account_id = holder.platform_id
    uri = require(raw, "uri")
    created = parse_time(require(raw, "created_at"))
    url = raw.get("url") or uri
    reblog = raw.get("reblog")
    if reblog:
        ra = reblog.get("account") or {}
        context = [
            context_entry(
                "repost",
                reblog.get("uri", ""),
                ra.get("uri", ""),
                ra.get("acct", ""),
                status_text(reblog.get("content") or ""),
                account_id,
            )
        ]
        return PostFields(uri, "", url, created, True, context)
    if raw.get("content") is None:
        raise MalformedItem("missing field content")
    author = raw.get("account") or {}
    context = []
    if raw.get("in_reply_to_id"):
        # Mastodon gives only ids of the parent; its author is the holder when the ids match.
        own = str(raw.get("in_reply_to_account_id")) == str(author.get("id"))
        context.append(
            {
                **context_entry(
                    "reply",
                    str(raw["in_reply_to_id"]),
                    str(raw.get("in_reply_to_account_id") or ""),
                    "",
                    "",
                    "",
                ),
                "is_account_holder": own,
            }
        )
    quote = raw.get("quote") or {}
    if quote:
        # A quote whose original was deleted still shows that the account quoted something.
        quoted = quote.get("quoted_status") or {}
        qa = quoted.get("account") or {}
        context.append(
            {
                **context_entry(
                    "quote",
                    str(quoted.get("uri") or quote.get("quoted_status_id") or ""),
                    qa.get("uri", ""),
                    qa.get("acct", ""),
                    status_text(quoted.get("content") or ""),
                    account_id,
                ),
                "state": quote.get("state", ""),
            }
        )
    edited = parse_time(raw.get("edited_at"))
    return PostFields(
        uri,
        status_text(raw["content"]),
        url,
        created,
        False,
        context,
        content_warning=str(raw.get("spoiler_text") or ""),
        edited_at=edited,
        signal=f"edited_at:{raw['edited_at']}" if edited else "",
    )


def includes_for(raw: dict[str, Any], includes: dict[str, Any]) -> dict[str, Any] | None:
    return None
