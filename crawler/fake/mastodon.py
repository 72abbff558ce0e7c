"""Fake Mastodon instance: v2 search, accounts/lookup, account statuses with Link pagination."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from crawler.fake.server import FakePlatform, mastodon_rate_headers, matches, plan_page
from crawler.fake.world import FakeAccount, FakePost, FakeRef

DOMAIN = "mastodon.example"  # ActivityPub ids live on the instance's domain, not the API address


def _iso(when: Any) -> str:
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def account_json(a: FakeAccount) -> dict[str, Any]:
    body = {
        "id": a.id,
        "username": a.handle,
        "acct": a.handle,
        "display_name": a.display_name,
        "note": f"<p>{escape(a.bio)}</p>",
        "url": f"https://{DOMAIN}/@{a.handle}",
        "uri": f"https://{DOMAIN}/users/{a.handle}",
        "created_at": _iso(a.created_at),
        "statuses_count": len(a.posts),
        "locked": False,
        "bot": False,
    }
    if a.suspended:
        body["suspended"] = True
    return body


def _ref_status(ref: FakeRef) -> dict[str, Any]:
    return {
        "id": ref.post_id,
        "uri": f"https://{DOMAIN}/users/{ref.author_handle}/statuses/{ref.post_id}",
        "content": f"<p>{escape(ref.text)}</p>",
        "created_at": "2025-01-01T00:00:00.000Z",
        "account": {
            "id": ref.author_id,
            "acct": ref.author_handle,
            "uri": f"https://{DOMAIN}/users/{ref.author_handle}",
        },
    }


def status_json(a: FakeAccount, p: FakePost) -> dict[str, Any]:
    uri = f"https://{DOMAIN}/users/{a.handle}/statuses/{p.id}"
    body: dict[str, Any] = {
        "id": p.id,
        "uri": uri,
        "url": f"https://{DOMAIN}/@{a.handle}/{p.id}",
        "created_at": _iso(p.created_at),
        "content": f"<p>{escape(p.text)}</p>",
        "account": account_json(a),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "reblog": None,
        "visibility": "public",
        "sensitive": bool(p.content_warning),
        "spoiler_text": p.content_warning,
        "language": "en",
        "edited_at": _iso(p.edited_at) if p.edited_at else None,
    }
    if p.repost_of:
        body |= {"uri": uri + "/activity", "content": "", "reblog": _ref_status(p.repost_of)}
    if p.reply_to:
        body |= {
            "in_reply_to_id": p.reply_to.post_id,
            "in_reply_to_account_id": p.reply_to.author_id,
        }
    if p.quote_of:
        body["quote"] = (
            {"state": "accepted", "quoted_status": _ref_status(p.quote_of)}
            if p.quote_of.available
            else {"state": "deleted", "quoted_status": None}
        )
        # Mastodon 4.4+ prepends a fallback link for clients without quote support.
        link = f"https://{DOMAIN}/@{p.quote_of.author_handle}/{p.quote_of.post_id}"
        body["content"] = (
            f'<p class="quote-inline">RE: <a href="{link}" target="_blank" rel="nofollow noopener">'
            f"{link}</a></p>" + body["content"]
        )
    if p.malformed:
        for key in ("uri", "content", "created_at"):
            body.pop(key)
    return body


def build_app(state: FakePlatform) -> Starlette:
    world = state.world
    state.rate_style = mastodon_rate_headers

    def search(request: Request) -> Response:
        params = request.query_params
        # Api::V2::SearchController#validate_search_params!: without a user token, any offset
        # (even 0) or resolve is refused.
        if not request.headers.get("authorization", "").startswith("Bearer "):
            if "offset" in params:
                return JSONResponse(
                    {"error": "Search queries pagination is not supported without authentication"},
                    401,
                )
            if params.get("resolve", "").lower() in ("1", "true"):
                return JSONResponse(
                    {
                        "error": "Search queries that resolve remote resources are not "
                        "supported without authentication"
                    },
                    401,
                )
        if params.get("type") != "accounts":
            return JSONResponse({"accounts": [], "statuses": [], "hashtags": []})
        limit, offset = min(int(params.get("limit", 20)), 40), int(params.get("offset", 0))
        hits = [
            a
            for a in world.accounts["mastodon"]
            if not (a.deleted or a.suspended)
            and matches(params.get("q", ""), a.handle, a.display_name, a.bio)
        ]
        return JSONResponse(
            {
                "accounts": [account_json(a) for a in hits[offset : offset + limit]],
                "statuses": [],
                "hashtags": [],
            }
        )

    def lookup(request: Request) -> Response:
        a = world.find("mastodon", request.query_params.get("acct", "").split("@")[0])
        if a is None or a.deleted:
            return JSONResponse({"error": "Record not found"}, 404)
        return JSONResponse(account_json(a))

    def statuses(request: Request) -> Response:
        a = world.find("mastodon", request.path_params["id"])
        if a is None or a.deleted:
            return JSONResponse({"error": "Record not found"}, 404)
        if a.suspended:
            return JSONResponse([])  # Mastodon hides a suspended account's statuses: 200 []
        params = request.query_params
        limit = min(int(params.get("limit", 20)), 40)
        posts = a.newest_first()
        if params.get("since_id"):
            posts = [p for p in posts if int(p.id) > int(params["since_id"])]
        start = 0
        if params.get("max_id"):
            start = next(
                (i for i, p in enumerate(posts) if int(p.id) < int(params["max_id"])), len(posts)
            )
        if params.get("page_mode", "").startswith("tail"):
            start = len(posts)
        lo, hi, nxt = plan_page(len(posts), start, limit, params.get("page_mode", ""), state.faults)
        response = JSONResponse([status_json(a, p) for p in posts[lo:hi]])
        if nxt:
            # max_id of the next page is the id just above the next position (exclusive bound)
            next_max = (
                posts[nxt[0] - 1].id if 0 < nxt[0] <= len(posts) else posts[-1].id if posts else "0"
            )
            query = {"limit": str(limit), "max_id": next_max} | (
                {"page_mode": nxt[1]} if nxt[1] else {}
            )
            base = str(request.base_url).rstrip("/")
            response.headers["Link"] = f'<{base}{request.url.path}?{urlencode(query)}>; rel="next"'
        return response

    route = state.route
    return Starlette(
        routes=[
            route("/api/v2/search", search),
            route("/api/v1/accounts/lookup", lookup),
            route("/api/v1/accounts/{id}/statuses", statuses),
        ]
    )
