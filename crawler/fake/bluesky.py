"""Fake Bluesky AppView: searchActors, getProfile, getAuthorFeed over a World."""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from crawler.fake.server import (
    FakePlatform,
    bad_request,
    decode_cursor,
    encode_cursor,
    matches,
    plan_page,
)
from crawler.fake.world import FakeAccount, FakePost, FakeRef


def _iso(when: Any) -> str:
    return when.isoformat().replace("+00:00", "Z")


def _cid(*parts: str) -> str:
    return "bafyrei" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def profile_view(a: FakeAccount, detailed: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "did": a.id,
        "handle": a.handle,
        "displayName": a.display_name,
        "description": a.bio,
        "createdAt": _iso(a.created_at),
        "indexedAt": _iso(a.created_at),
    }
    if detailed:
        view |= {"postsCount": len(a.posts), "followersCount": 10, "followsCount": 20}
    return view


def _ref_view(ref: FakeRef) -> dict[str, Any]:
    uri = f"at://{ref.author_id}/app.bsky.feed.post/{ref.post_id}"
    if not ref.available:
        return {"$type": "app.bsky.embed.record#viewNotFound", "uri": uri, "notFound": True}
    return {
        "uri": uri,
        "cid": _cid(uri),
        "author": {"did": ref.author_id, "handle": ref.author_handle},
        "record": {
            "$type": "app.bsky.feed.post",
            "text": ref.text,
            "createdAt": "2025-01-01T00:00:00Z",
        },
        "indexedAt": "2025-01-01T00:00:00Z",
    }


def feed_item(a: FakeAccount, p: FakePost) -> dict[str, Any]:
    item = _feed_item(a, p)
    if p.malformed:
        item["post"]["record"] = {"$type": "app.bsky.feed.post"}  # no text, no createdAt
    return item


def _feed_item(a: FakeAccount, p: FakePost) -> dict[str, Any]:
    author = {"did": a.id, "handle": a.handle, "displayName": a.display_name}
    if p.repost_of:
        original = FakeRef(
            p.repost_of.post_id, p.repost_of.author_id, p.repost_of.author_handle, p.repost_of.text
        )  # a feed only shows reposts of posts that still exist
        return {
            "post": _ref_view(original),
            "reason": {
                "$type": "app.bsky.feed.defs#reasonRepost",
                "by": author,
                "uri": f"at://{a.id}/app.bsky.feed.repost/{p.id}",
                "indexedAt": _iso(p.created_at),
            },
        }
    uri = f"at://{a.id}/app.bsky.feed.post/{p.id}"
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": p.text,
        "createdAt": _iso(p.created_at),
    }
    item: dict[str, Any] = {}
    if p.reply_to:
        # In a feed item's reply, a parent is a feed.defs#postView or #notFoundPost
        parent = _ref_view(p.reply_to)
        parent["$type"] = "app.bsky.feed.defs#" + (
            "notFoundPost" if parent.get("notFound") else "postView"
        )
        ref = {"uri": parent["uri"], "cid": _cid(parent["uri"])}
        record["reply"] = {"parent": ref, "root": ref}
        item["reply"] = {"parent": parent, "root": parent}
    view: dict[str, Any] = {
        "uri": uri,
        "cid": _cid(uri, p.text),
        "author": author,
        "record": record,
        "indexedAt": _iso(p.created_at),
    }
    if p.quote_of:
        quoted = _ref_view(p.quote_of)
        view["embed"] = {
            "$type": "app.bsky.embed.record#view",
            "record": {
                "$type": "app.bsky.embed.record#viewRecord",
                "uri": quoted["uri"],
                "author": quoted.get("author", {}),
                "value": quoted.get("record", {}),
            }
            if p.quote_of.available
            else quoted,
        }
    return {"post": view, **item}


def build_app(state: FakePlatform) -> Starlette:
    world = state.world

    def gone(a: FakeAccount | None, actor: str) -> Response | None:
        if a is None:
            return bad_request("Profile not found")  # the AppView's exact words
        if a.deleted:
            return JSONResponse(
                {"error": "AccountDeactivated", "message": "Account is deactivated"}, 400
            )
        if a.suspended:
            return JSONResponse(
                {"error": "AccountTakedown", "message": "Account has been suspended"}, 400
            )
        return None

    def search(request: Request) -> Response:
        q, limit = request.query_params.get("q", ""), int(request.query_params.get("limit", 25))
        hits = [
            a
            for a in world.accounts["bluesky"]
            if not (a.deleted or a.suspended) and matches(q, a.handle, a.display_name, a.bio)
        ]
        start, _ = decode_cursor(request.query_params.get("cursor"))
        page = hits[start : start + limit]
        body: dict[str, Any] = {"actors": [profile_view(a) for a in page]}
        if start + limit < len(hits):
            body["cursor"] = encode_cursor((start + limit, ""))
        return JSONResponse(body)

    def get_profile(request: Request) -> Response:
        actor = request.query_params.get("actor", "")
        a = world.find("bluesky", actor)
        return gone(a, actor) or JSONResponse(profile_view(a, detailed=True))  # type: ignore[arg-type]

    def author_feed(request: Request) -> Response:
        actor = request.query_params.get("actor", "")
        a = world.find("bluesky", actor)
        problem = gone(a, actor)
        if problem or a is None:
            return problem or bad_request("no actor")
        limit = int(request.query_params.get("limit", 50))
        if not 1 <= limit <= 100:
            return bad_request("limit must be between 1 and 100")
        posts = a.newest_first()
        start, mode = decode_cursor(request.query_params.get("cursor"))
        lo, hi, nxt = plan_page(len(posts), start, limit, mode, state.faults)
        body: dict[str, Any] = {"feed": [feed_item(a, p) for p in posts[lo:hi]]}
        if nxt:
            body["cursor"] = encode_cursor(nxt)
        return JSONResponse(body)

    route = state.route
    return Starlette(
        routes=[
            route("/xrpc/app.bsky.actor.searchActors", search),
            route("/xrpc/app.bsky.actor.getProfile", get_profile),
            route("/xrpc/app.bsky.feed.getAuthorFeed", author_feed),
        ]
    )
