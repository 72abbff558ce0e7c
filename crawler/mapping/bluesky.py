"""Bluesky raw → fields. Profiles are profileView(Detailed); posts are feedViewPost items."""

from __future__ import annotations

from typing import Any

from crawler.mapping.fields import (
    Holder,
    MalformedItem,
    PostFields,
    ProfileFields,
    context_entry,
    parse_time,
    require,
)
from crawler.sources.bluesky import feed_item_key


def profile(raw: dict[str, Any]) -> ProfileFields:
    did, handle = require(raw, "did"), require(raw, "handle")
    return ProfileFields(
        platform_id=did,
        handle=handle,
        display_name=raw.get("displayName") or "",
        bio=raw.get("description") or "",
        url=f"https://bsky.app/profile/{handle}",
    )


def _view_url(uri: str, author: dict[str, Any]) -> str:
    rkey = uri.rsplit("/", 1)[-1]
    return f"https://bsky.app/profile/{author.get('handle') or author.get('did', '')}/post/{rkey}"


def post(raw: dict[str, Any], holder: Holder, includes: dict[str, Any] | None = None) -> PostFields:
    account_id = holder.platform_id
    view = require(raw, "post")
    uri, author = require(view, "uri"), require(view, "author")
    record = require(view, "record")
    text = record.get("text")
    if text is None:
        raise MalformedItem("missing field post.record.text")
    created = parse_time(require(record, "createdAt"))
    reason = raw.get("reason") or {}
    context: list[dict[str, Any]] = []
    if str(reason.get("$type", "")).endswith("#reasonRepost"):
        context.append(
            context_entry(
                "repost", uri, author.get("did", ""), author.get("handle", ""), text, account_id
            )
        )
        return PostFields(
            feed_item_key(raw),
            "",
            _view_url(uri, author),
            parse_time(reason.get("indexedAt")) or created,
            True,
            context,
        )
    parent = (raw.get("reply") or {}).get("parent") or {}
    if parent.get("uri"):
        pa = parent.get("author") or {}
        context.append(
            context_entry(
                "reply",
                parent["uri"],
                pa.get("did", ""),
                pa.get("handle", ""),
                (parent.get("record") or {}).get("text", ""),
                account_id,
            )
        )
    elif (record.get("reply") or {}).get("parent"):
        context.append(
            context_entry("reply", record["reply"]["parent"].get("uri", ""), "", "", "", account_id)
        )
    embedded = _embedded(view.get("embed") or {})
    if embedded and _is_post(embedded):
        qa = embedded.get("author") or {}
        context.append(
            context_entry(
                "quote",
                embedded.get("uri", ""),
                qa.get("did", ""),
                qa.get("handle", ""),
                (embedded.get("value") or {}).get("text", ""),
                account_id,
            )
        )
    elif embedded:
        # A feed generator, list, starter pack or labeler card: shared, not quoted words.
        creator = embedded.get("creator") or {}
        context.append(
            {
                **context_entry(
                    "embed",
                    embedded.get("uri", ""),
                    creator.get("did", ""),
                    creator.get("handle", ""),
                    str(embedded.get("displayName") or embedded.get("name") or ""),
                    account_id,
                ),
                "kind": str(embedded.get("$type", "")),
            }
        )
    # The record's CID changes whenever the record is rewritten: the platform's edit signal.
    cid = view.get("cid")
    return PostFields(
        uri,
        text,
        _view_url(uri, author),
        created,
        False,
        context,
        signal=f"cid:{cid}" if cid else "",
    )


# app.bsky.embed.record#view's record union: post views, and the views of other records.
POST_VIEWS = (
    "app.bsky.embed.record#viewRecord",
    "app.bsky.embed.record#viewNotFound",
    "app.bsky.embed.record#viewBlocked",
    "app.bsky.embed.record#viewDetached",
)


def _embedded(embed: dict[str, Any]) -> dict[str, Any] | None:
    kind = str(embed.get("$type", ""))
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        return (embed.get("record") or {}).get("record")
    if kind.startswith("app.bsky.embed.record"):
        return embed.get("record")
    return None


def _is_post(record: dict[str, Any]) -> bool:
    kind = str(record.get("$type", ""))
    return kind in POST_VIEWS or (not kind and "value" in record)


def includes_for(raw: dict[str, Any], includes: dict[str, Any]) -> dict[str, Any] | None:
    return None
