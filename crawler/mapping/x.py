"""X raw → fields. Users keyed by numeric id; posts by id, with the referenced posts from includes.

Accepts the ``tweet`` and the ``post`` naming alike (``referenced_tweets``/``referenced_posts``,
``includes.tweets``/``includes.posts``, ``note_tweet``/``note_post``).
"""

from __future__ import annotations

from typing import Any

from crawler.mapping.fields import (
    Holder,
    PostFields,
    ProfileFields,
    context_entry,
    parse_time,
    require,
)

RELATIONS = {"replied_to": "reply", "quoted": "quote", "retweeted": "repost", "reposted": "repost"}


def profile(raw: dict[str, Any]) -> ProfileFields:
    username = require(raw, "username")
    return ProfileFields(
        platform_id=str(require(raw, "id")),
        handle=username,
        display_name=raw.get("name") or "",
        bio=raw.get("description") or "",
        url=f"https://x.com/{username}",
        protected=bool(raw.get("protected")),
    )


def references(raw: dict[str, Any]) -> list[dict[str, Any]]:
    return list(raw.get("referenced_tweets") or raw.get("referenced_posts") or [])


def included_posts(includes: dict[str, Any]) -> list[dict[str, Any]]:
    return list(includes.get("tweets") or []) + list(includes.get("posts") or [])


def includes_for(raw: dict[str, Any], includes: dict[str, Any]) -> dict[str, Any] | None:
    """The included objects one post references, each exactly as received (None: none)."""
    refs = {str(r.get("id")) for r in references(raw)}
    if not refs:
        return None
    posts = [p for p in included_posts(includes) if str(p.get("id")) in refs]
    authors = {str(p.get("author_id")) for p in posts} | {str(raw.get("in_reply_to_user_id"))}
    users = [u for u in includes.get("users") or [] if str(u.get("id")) in authors]
    key = "posts" if includes.get("posts") and not includes.get("tweets") else "tweets"
    return {key: posts, "users": users}


def full_text(raw: dict[str, Any]) -> str:
    """A post over 280 characters has its whole text in note_tweet (note_post); text is cut."""
    note = raw.get("note_tweet") or raw.get("note_post") or {}
    text = note.get("text") if isinstance(note, dict) else None
    return str(text) if text else str(require(raw, "text"))


def post(raw: dict[str, Any], holder: Holder, includes: dict[str, Any] | None = None) -> PostFields:
    tweet_id = str(require(raw, "id"))
    require(raw, "text")
    text = full_text(raw)
    created = parse_time(require(raw, "created_at"))
    tweets = {str(t.get("id")): t for t in included_posts(includes or {})}
    users = {str(u.get("id")): u for u in (includes or {}).get("users", [])}
    context, is_repost = [], False
    for ref in references(raw):
        relation = RELATIONS.get(ref.get("type", ""), ref.get("type", ""))
        target = tweets.get(str(ref.get("id")), {})  # absent when deleted: the 200 carried an error
        author_id = str(
            target.get("author_id")
            or (raw.get("in_reply_to_user_id") if relation == "reply" else "")
            or ""
        )
        context.append(
            context_entry(
                relation,
                str(ref.get("id", "")),
                author_id,
                users.get(author_id, {}).get("username", ""),
                full_text(target) if target.get("text") else "",
                holder.platform_id,
            )
        )
        is_repost = is_repost or relation == "repost"
    history = [
        str(i) for i in raw.get("edit_history_tweet_ids") or raw.get("edit_history_post_ids") or []
    ]
    # An edited post is a new id whose history starts with the original's id.
    edit_of = history[0] if len(history) > 1 and history[0] != tweet_id else None
    url = f"https://x.com/{holder.handle or 'i/web'}/status/{tweet_id}"
    return PostFields(
        tweet_id,
        "" if is_repost else text,
        url,
        created,
        is_repost,
        context,
        edit_of=edit_of,
        signal=f"edit_history:{','.join(history)}" if edit_of else "",
    )
