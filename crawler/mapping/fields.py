"""Shared shapes and helpers for the per-platform raw → row mappings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


class MalformedItem(ValueError):
    """A raw item lacks a field the mapping needs; it is kept raw, logged and skipped."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ProfileFields:
    platform_id: str
    handle: str
    display_name: str
    bio: str
    url: str
    protected: bool = False  # X: posts not public


@dataclass(frozen=True)
class Holder:
    """The account a post belongs to, as the mappers need it."""

    platform_id: str
    handle: str = ""


@dataclass(frozen=True)
class PostFields:
    platform_id: str
    text: str  # the account holder's own words only ("" for a repost)
    url: str
    created_at: datetime | None
    is_repost: bool
    context: list[dict[str, Any]]
    content_warning: str = ""  # Mastodon spoiler_text: the author's words, shown apart
    edited_at: datetime | None = None  # the platform says the post was edited then (Mastodon)
    signal: str = ""  # the platform's edit signal as captured (edited_at, record CID, edit history)
    edit_of: str | None = None  # X: the id of the original post this one is an edit of


def require(data: Any, *path: str) -> Any:
    """data[path0][path1]…, or MalformedItem naming the missing field."""
    value = data
    for i, key in enumerate(path):
        if not isinstance(value, dict) or value.get(key) in (None, ""):
            raise MalformedItem(f"missing field {'.'.join(path[: i + 1])}", ".".join(path[: i + 1]))
        value = value[key]
    return value


def parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))  # Python 3.11+ reads a trailing Z
    except ValueError as exc:
        raise MalformedItem(f"unreadable timestamp {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def context_entry(
    relation: str, platform_id: str, author_id: str, author_handle: str, text: str, account_id: str
) -> dict[str, Any]:
    """Someone's words shown as context; marks whether they are the account holder's own."""
    return {
        "relation": relation,
        "platform_id": platform_id,
        "author_id": author_id,
        "author_handle": author_handle,
        "text": text,
        "is_account_holder": bool(author_id) and author_id == account_id,
    }
