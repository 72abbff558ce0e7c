"""Imported rows → fields. Rows arrive with our field names (the column mapping already applied).

Fields: account_id*, handle*, display_name, bio, account_url, post_id*, text*, created_at*
(ISO-8601), post_url, is_repost (true/false/1/0/yes/no), reply_to_id, reply_to_author,
reply_to_text, quote_of_id, quote_author, quote_text. * = required.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from crawler.mapping.fields import (
    Holder,
    MalformedItem,
    PostFields,
    ProfileFields,
    context_entry,
    parse_time,
)

REQUIRED = ("account_id", "handle", "post_id", "text", "created_at")
OPTIONAL = (
    "display_name",
    "bio",
    "account_url",
    "post_url",
    "is_repost",
    "reply_to_id",
    "reply_to_author",
    "reply_to_text",
    "quote_of_id",
    "quote_author",
    "quote_text",
)
FIELDS = REQUIRED + OPTIONAL
TRUE, FALSE = {"true", "1", "yes", "y"}, {"false", "0", "no", "n", ""}


def flag(value: Any) -> bool:
    text = str(value if value is not None else "").strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise MalformedItem(f"is_repost must be true/false/1/0/yes/no, got {value!r}", "is_repost")


URL_FIELDS = ("account_url", "post_url")


def web_url(raw: dict[str, Any], name: str) -> str:
    """An empty string or an absolute http(s) URL. Imported URLs are shown as links: a
    ``javascript:`` or ``data:`` URL would run in an analyst's browser (only the CSP stops it)."""
    value = str(raw.get(name) or "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise MalformedItem(f"{name} must be an http:// or https:// URL, got {value[:80]!r}", name)
    return value


def profile(raw: dict[str, Any]) -> ProfileFields:
    return ProfileFields(
        platform_id=str(raw["account_id"]),
        handle=str(raw["handle"]),
        display_name=str(raw.get("display_name") or ""),
        bio=str(raw.get("bio") or ""),
        url=web_url(raw, "account_url"),
    )


def post(raw: dict[str, Any], holder: Holder, includes: dict[str, Any] | None = None) -> PostFields:
    for name in REQUIRED:
        if str(raw.get(name) or "").strip() == "":
            raise MalformedItem(f"missing field {name}", name)
    try:
        created = parse_time(raw["created_at"])
    except MalformedItem as exc:
        raise MalformedItem(
            f"{exc} (expected ISO-8601, e.g. 2025-03-01T12:00:00Z)", "created_at"
        ) from exc
    for name in URL_FIELDS:
        web_url(raw, name)
    repost = flag(raw.get("is_repost"))
    context = []
    if raw.get("reply_to_id"):
        context.append(
            context_entry(
                "reply",
                str(raw["reply_to_id"]),
                "",
                str(raw.get("reply_to_author") or ""),
                str(raw.get("reply_to_text") or ""),
                "",
            )
        )
    if raw.get("quote_of_id"):
        context.append(
            context_entry(
                "quote",
                str(raw["quote_of_id"]),
                "",
                str(raw.get("quote_author") or ""),
                str(raw.get("quote_text") or ""),
                "",
            )
        )
    text = str(raw["text"])
    if repost:
        context.append(context_entry("repost", str(raw["post_id"]), "", "", text, ""))
    return PostFields(
        str(raw["post_id"]),
        "" if repost else text,
        web_url(raw, "post_url"),
        created,
        repost,
        context,
    )


def includes_for(raw: dict[str, Any], includes: dict[str, Any]) -> dict[str, Any] | None:
    return None
