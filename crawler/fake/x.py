"""Fake X API v2: users/by/username and users/:id/tweets with next_token pagination."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from crawler.fake.server import (
    FakePlatform,
    decode_cursor,
    encode_cursor,
    plan_page,
    x_rate_headers,
)
from crawler.fake.world import FakeAccount, FakePost

NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"
NOT_AUTHORIZED = "https://api.twitter.com/2/problems/not-authorized-for-resource"
SHORT = 280  # a longer post's text is cut here; the whole text is in note_tweet


def _iso(when: Any) -> str:
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def user_json(a: FakeAccount) -> dict[str, Any]:
    return {
        "id": a.id,
        "username": a.handle,
        "name": a.display_name,
        "description": a.bio,
        "created_at": _iso(a.created_at),
        "protected": a.protected,
    }


def tweet_json(a: FakeAccount, p: FakePost) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": p.id,
        "text": p.text,
        "created_at": _iso(p.created_at),
        "author_id": a.id,
        "conversation_id": p.id,
        "edit_history_tweet_ids": p.edit_history or [p.id],
    }
    if len(p.text) > SHORT:
        body |= {"text": p.text[: SHORT - 1] + "…", "note_tweet": {"text": p.text}}
    refs = [("replied_to", p.reply_to), ("quoted", p.quote_of), ("retweeted", p.repost_of)]
    body["referenced_tweets"] = [{"type": kind, "id": ref.post_id} for kind, ref in refs if ref]
    if not body["referenced_tweets"]:
        del body["referenced_tweets"]
    if p.reply_to:
        body["in_reply_to_user_id"] = p.reply_to.author_id
    if p.repost_of:
        body["text"] = f"RT @{p.repost_of.author_handle}: {p.repost_of.text}"
    if p.malformed:
        del body["text"], body["created_at"]
    return body


POST_WORDS = {
    "referenced_tweets": "referenced_posts",
    "note_tweet": "note_post",
    "edit_history_tweet_ids": "edit_history_post_ids",
}


def in_post_words(body: dict[str, Any]) -> dict[str, Any]:
    """The same answer in the current OpenAPI document's naming (posts, not tweets)."""
    data = [{POST_WORDS.get(k, k): v for k, v in item.items()} for item in body.get("data", [])]
    out = {**body, **({"data": data} if "data" in body else {})}
    if "includes" in body:
        includes = dict(body["includes"])
        includes["posts"] = includes.pop("tweets", [])
        out["includes"] = includes
    return out


def _not_found(kind: str, value: str, parameter: str) -> dict[str, Any]:
    return {
        "value": value,
        "detail": f"Could not find {kind} with {parameter}: [{value}].",
        "title": "Not Found Error",
        "resource_type": kind,
        "parameter": parameter,
        "resource_id": value,
        "type": NOT_FOUND,
    }


def build_app(state: FakePlatform) -> Starlette:
    world = state.world
    state.require_bearer = True
    state.rate_style = x_rate_headers

    def by_username(request: Request) -> Response:
        name = request.path_params["username"]
        a = world.find("x", name)
        if a is None or a.deleted:
            return JSONResponse({"errors": [_not_found("user", name, "username")]})
        if a.suspended:
            return JSONResponse(
                {
                    "errors": [
                        {
                            "value": name,
                            "detail": f"User has been suspended: [{name}].",
                            "title": "Forbidden",
                            "resource_type": "user",
                            "parameter": "username",
                            "resource_id": name,
                            "type": NOT_FOUND,
                        }
                    ]
                }
            )
        return JSONResponse({"data": user_json(a)})

    def tweets(request: Request) -> Response:
        user_id = request.path_params["id"]
        a = world.find("x", user_id)
        if a is None or a.deleted or a.suspended:
            return JSONResponse({"errors": [_not_found("user", user_id, "id")]})
        if a.protected:
            return JSONResponse(
                {
                    "errors": [
                        {
                            "resource_id": user_id,
                            "parameter": "id",
                            "resource_type": "user",
                            "section": "data",
                            "title": "Authorization Error",
                            "value": user_id,
                            "type": NOT_AUTHORIZED,
                            "detail": f"Sorry, you are not authorized to see the user with id: [{user_id}].",
                        }
                    ]
                }
            )
        params = request.query_params
        limit = int(params.get("max_results", 10))
        if not 5 <= limit <= 100:
            return JSONResponse(
                {
                    "title": "Invalid Request",
                    "detail": "max_results must be 5..100",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                },
                400,
            )
        posts = a.newest_first()[: state.faults.timeline_cap]
        if params.get("since_id"):
            posts = [p for p in posts if int(p.id) > int(params["since_id"])]
        start, mode = decode_cursor(params.get("pagination_token"))
        lo, hi, nxt = plan_page(len(posts), start, limit, mode, state.faults)
        page = posts[lo:hi]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta |= {"newest_id": page[0].id, "oldest_id": page[-1].id}
        if nxt:
            meta["next_token"] = encode_cursor(nxt)
        body: dict[str, Any] = {"meta": meta}
        if page:
            body["data"] = [tweet_json(a, p) for p in page]
            refs = [r for p in page for r in (p.reply_to, p.quote_of, p.repost_of) if r]
            found = [r for r in refs if r.available]
            if found:
                body["includes"] = {
                    "tweets": [
                        {"id": r.post_id, "text": r.text, "author_id": r.author_id} for r in found
                    ],
                    "users": [
                        {"id": r.author_id, "username": r.author_handle, "name": r.author_handle}
                        for r in {r.author_id: r for r in found}.values()
                    ],
                }
            missing = [r for r in refs if not r.available]
            if missing:  # a 200 with both data and errors
                body["errors"] = [
                    _not_found("tweet", r.post_id, "referenced_tweets.id") for r in missing
                ]
        return JSONResponse(in_post_words(body) if state.faults.x_naming == "post" else body)

    route = state.route
    return Starlette(
        routes=[
            route("/2/users/by/username/{username}", by_username),
            route("/2/users/{id}/tweets", tweets),
        ]
    )
