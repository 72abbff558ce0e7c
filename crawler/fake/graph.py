"""Fake follow-graph endpoints, in each platform's documented shape, over a World's follow edges.

- Bluesky ``app.bsky.graph.getFollowers`` / ``getFollows`` (lexicon: ``actor``, ``limit`` 1–100,
  default 50, opaque ``cursor``; output ``{subject, cursor?, followers|follows}`` of profileViews;
  an unknown, deactivated or taken-down actor is ``400 InvalidRequest "Actor not found: …"``, as
  in the AppView's own code).
- Mastodon ``GET /api/v1/accounts/:id/followers`` / ``following`` (``limit`` default 40, max 80;
  an array of Accounts; RFC 8288 ``Link`` header with ``rel="next"`` (``max_id``) and
  ``rel="prev"`` (``min_id``), whose ids are follow-record ids, not account ids; 200 ``[]`` when the
  owner hides their network or the account is suspended; 404 for an unknown id).
- X ``GET /2/users/:id/followers`` / ``following`` (``max_results`` 1–1000, default 100;
  ``pagination_token``; ``{data, meta: {result_count, next_token?, previous_token?}}``; a 200 with
  only ``errors`` for an unknown or suspended user).

Every list is served newest follow first, as the platforms do. Deleted and suspended accounts
never appear in a list. :func:`served_list` is the single definition of what a list holds, so the
demo's "minimum requests" counts exactly what the fake serves. Each platform's :class:`FakeGraph`
(its routes and list rules) is named by its :class:`~crawler.platforms.PlatformSpec`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from crawler.fake import bluesky, mastodon, x
from crawler.fake.server import FakePlatform, bad_request, decode_cursor, encode_cursor
from crawler.fake.world import FakeAccount, World

DIRECTIONS = ("followers", "follows")


@dataclass(frozen=True)
class FakeGraph:
    """How one platform's fake serves follow lists."""

    routes: Callable[[FakePlatform, GraphIndex], list[Any]]
    max_page: int  # the API's documented cap on a list page
    empty_when_hidden: bool = (
        False  # a hidden network or a suspended owner lists nothing (Mastodon)
    )
    drops_suspended_per_page: bool = (
        False  # suspended accounts are paged over, then dropped (Bluesky)
    )


class GraphIndex:
    """Accounts by id and followers by account, rebuilt when the world's edges change."""

    def __init__(self, world: World, platform: str, graph: FakeGraph):
        self.world, self.platform, self.graph = world, platform, graph
        self._signature: tuple[int, int] | None = None
        self.by_id: dict[str, FakeAccount] = {}
        self.followers: dict[str, list[FakeAccount]] = {}  # oldest follow first

    def refresh(self) -> GraphIndex:
        accounts = self.world.accounts.get(self.platform, [])
        signature = (len(accounts), sum(len(a.follows) for a in accounts))
        if signature != self._signature:
            self.by_id = {a.id: a for a in accounts}
            self.followers = {}
            for a in accounts:
                for target in a.follows:
                    self.followers.setdefault(target, []).append(a)
            self._signature = signature
        return self


def served_list(index: GraphIndex, account: FakeAccount, direction: str) -> list[FakeAccount]:
    """The follow records the platform pages over for ``account`` in ``direction``, newest first.

    Deleted accounts' follows are gone. Mastodon and X also leave suspended accounts out before
    paging; Bluesky's AppView pages over the follow records and drops taken-down accounts from
    each page afterwards, so a Bluesky page can be short while a cursor follows.
    """
    index.refresh()
    if index.graph.empty_when_hidden and (account.hide_network or account.suspended):
        return []
    if direction == "followers":
        people = list(index.followers.get(account.id, []))
    else:
        people = [index.by_id[t] for t in account.follows if t in index.by_id]
    keep_suspended = index.graph.drops_suspended_per_page
    return [p for p in reversed(people) if not p.deleted and (keep_suspended or not p.suspended)]


def add_graph_routes(app: Starlette, state: FakePlatform, graph: FakeGraph) -> None:
    app.router.routes.extend(graph.routes(state, GraphIndex(state.world, state.platform, graph)))


def _bluesky(state: FakePlatform, index: GraphIndex) -> list[Any]:
    def lister(direction: str, key: str) -> Callable[[Request], Response]:
        def answer(request: Request) -> Response:
            params = request.query_params
            actor = params.get("actor", "")
            if not actor:
                return bad_request('Error: Params must have the property "actor"')
            a = index.refresh().by_id.get(actor) or state.world.find(state.platform, actor)
            if a is None or a.deleted or a.suspended:  # the AppView's words for all three
                return bad_request(f"Actor not found: {actor}")
            try:
                limit = int(params.get("limit", 50))
            except ValueError:
                return bad_request("Error: limit must be an integer")
            if not 1 <= limit <= 100:
                return bad_request(
                    "Error: limit can not be greater than 100"
                    if limit > 100
                    else "Error: limit can not be less than 1"
                )
            people = served_list(index, a, direction)
            start, _ = decode_cursor(params.get("cursor"))
            shown = [p for p in people[start : start + limit] if not p.suspended]
            body: dict[str, Any] = {
                "subject": bluesky.profile_view(a),
                key: [bluesky.profile_view(p) for p in shown],
            }
            if start + limit < len(people):
                body["cursor"] = encode_cursor((start + limit, ""))
            return JSONResponse(body)

        return answer

    return [
        state.route("/xrpc/app.bsky.graph.getFollowers", lister("followers", "followers")),
        state.route("/xrpc/app.bsky.graph.getFollows", lister("follows", "follows")),
    ]


def _mastodon(state: FakePlatform, index: GraphIndex) -> list[Any]:
    def lister(direction: str) -> Callable[[Request], Response]:
        def answer(request: Request) -> Response:
            a = index.refresh().by_id.get(request.path_params["id"])
            if a is None or a.deleted:
                return JSONResponse({"error": "Record not found"}, 404)
            params = request.query_params
            try:
                limit = min(max(int(params.get("limit", 40)), 1), index.graph.max_page)
            except ValueError:
                limit = 40
            people = served_list(index, a, direction)
            # Follow-record ids: the oldest follow gets the smallest, as a database sequence would.
            records = [(len(people) - i, p) for i, p in enumerate(people)]
            if params.get("max_id", "").isdigit():
                records = [r for r in records if r[0] < int(params["max_id"])]
            if params.get("since_id", "").isdigit():
                records = [r for r in records if r[0] > int(params["since_id"])]
            page = records[:limit]
            response = JSONResponse([mastodon.account_json(p) for _, p in page])
            base = f"{str(request.base_url).rstrip('/')}{request.url.path}"
            links = []
            if len(records) > limit:
                links.append(
                    f'<{base}?{urlencode({"limit": limit, "max_id": page[-1][0]})}>; rel="next"'
                )
            if page:
                links.append(
                    f'<{base}?{urlencode({"limit": limit, "min_id": page[0][0]})}>; rel="prev"'
                )
            if links:
                response.headers["Link"] = ", ".join(links)
            return response

        return answer

    return [
        state.route("/api/v1/accounts/{id}/followers", lister("followers")),
        state.route("/api/v1/accounts/{id}/following", lister("follows")),
    ]


def _x(state: FakePlatform, index: GraphIndex) -> list[Any]:
    def lister(direction: str) -> Callable[[Request], Response]:
        def answer(request: Request) -> Response:
            user_id = request.path_params["id"]
            a = index.refresh().by_id.get(user_id)
            if a is None or a.deleted or a.suspended:
                return JSONResponse({"errors": [x._not_found("user", user_id, "id")]})
            params = request.query_params
            try:
                limit = int(params.get("max_results", 100))
            except ValueError:
                limit = 0
            if not 1 <= limit <= 1000:
                return JSONResponse(
                    {
                        "title": "Invalid Request",
                        "status": 400,
                        "detail": "The `max_results` query parameter value is not between 1 and 1000",
                        "type": "https://api.twitter.com/2/problems/invalid-request",
                    },
                    400,
                )
            people = served_list(index, a, direction)
            start, _ = decode_cursor(params.get("pagination_token"))
            page = people[start : start + limit]
            meta: dict[str, Any] = {"result_count": len(page)}
            if start + limit < len(people):
                meta["next_token"] = encode_cursor((start + limit, ""))
            if start > 0:
                meta["previous_token"] = encode_cursor((max(0, start - limit), ""))
            body: dict[str, Any] = {"meta": meta}
            if page:
                body["data"] = [x.user_json(p) for p in page]
            return JSONResponse(body)

        return answer

    return [
        state.route("/2/users/{id}/followers", lister("followers")),
        state.route("/2/users/{id}/following", lister("follows")),
    ]


BLUESKY = FakeGraph(_bluesky, max_page=100, drops_suspended_per_page=True)
MASTODON = FakeGraph(_mastodon, max_page=80, empty_when_hidden=True)
X = FakeGraph(_x, max_page=1000)
