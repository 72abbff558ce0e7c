"""Bluesky: the mapper and the source against real AppView responses (the atproto AppView's own
test snapshots; ids normalised there as user(n)/record(n)/cids(n)), the errors the AppView code
raises, and the fake answering in the same shapes."""

from __future__ import annotations

import httpx
import pytest
from real_payloads import body, doc, paths, replay

from crawler.fake.bluesky import feed_item, profile_view
from crawler.fake.world import FakeRef
from crawler.mapping import bluesky
from crawler.mapping.fields import Holder
from crawler.run import make_source
from crawler.sources import AccountGone, SourceError
from crawler.transport import CrawlStats

ALICE = Holder("user(0)", "alice.test")
# The AppView's errors (bsky/src/api/app/bsky/actor/getProfile.ts, feed/getAuthorFeed.ts):
# XRPC error bodies are {"error": name, "message": text}, status 400.
TAKEDOWN = {"error": "AccountTakedown", "message": "Account has been suspended"}
DEACTIVATED = {"error": "AccountDeactivated", "message": "Account is deactivated"}
NOT_FOUND = {"error": "InvalidRequest", "message": "Profile not found"}
BAD_PARAM = {"error": "InvalidRequest", "message": 'Error: Params must have the property "actor"'}


def _relations(item: dict) -> list[str]:
    return [c["relation"] for c in bluesky.post(item, ALICE).context]


def test_author_feed_items_map_with_their_context():
    feed = body("bluesky/author_feed")["feed"]
    mapped = [bluesky.post(item, ALICE) for item in feed]
    assert [f.text for f in mapped] == [i["post"]["record"]["text"] for i in feed]
    assert _relations(feed[0]) == ["reply"] and _relations(feed[1]) == ["quote"]
    assert all(f.signal == f"cid:{i['post']['cid']}" for f, i in zip(mapped, feed, strict=True))


def test_reposts_and_quotes_with_media():
    feed = body("bluesky/author_feed_reposts")["feed"]
    repost = bluesky.post(feed[0], Holder("user(2)", "carol.test"))
    assert repost.is_repost and repost.text == "" and repost.platform_id == feed[0]["reason"]["uri"]
    assert _relations(feed[2]) == ["quote"]  # recordWithMedia: words quoted beside media


def test_an_embedded_list_is_not_a_quote():
    item = body("bluesky/post_embeds_list")["feed"][0]
    [entry] = bluesky.post(item, ALICE).context
    assert entry["relation"] == "embed" and entry["kind"] == "app.bsky.graph.defs#listView"
    assert entry["text"] == item["post"]["embed"]["record"]["name"]


def test_profiles_map():
    assert bluesky.profile(body("bluesky/profile")).handle == "dan.test"
    assert [bluesky.profile(a).platform_id for a in body("bluesky/search_actors")["actors"]]


@pytest.mark.parametrize("error", [TAKEDOWN, DEACTIVATED, NOT_FOUND])
def test_gone_errors_mean_gone(error, clock):
    routes = {
        "/xrpc/app.bsky.actor.getProfile": {"status": 400, "body": error},
        "/xrpc/app.bsky.feed.getAuthorFeed": {"status": 400, "body": error},
    }
    with replay(routes) as url:
        source = make_source("bluesky", url, CrawlStats(), clock)
        with pytest.raises(AccountGone):
            source.get_profile("did:plc:x")
        with pytest.raises(AccountGone):
            source.feed({"did": "did:plc:x"}, None, None, 5)


def test_a_parameter_error_is_not_a_deletion(clock):
    with (
        replay({"/xrpc/app.bsky.feed.getAuthorFeed": {"status": 400, "body": BAD_PARAM}}) as url,
        pytest.raises(SourceError, match="400"),
    ):
        make_source("bluesky", url, CrawlStats(), clock).feed({"did": "did:plc:x"}, None, None, 5)


def test_source_reads_recorded_responses(clock):
    routes = {
        "/xrpc/app.bsky.actor.getProfile": doc("bluesky/profile"),
        "/xrpc/app.bsky.feed.getAuthorFeed": doc("bluesky/author_feed"),
        "/xrpc/app.bsky.actor.searchActors": doc("bluesky/search_actors"),
    }
    with replay(routes) as url:
        source = make_source("bluesky", url, CrawlStats(), clock)
        assert source.get_profile("dan.test") == body("bluesky/profile")
        feed = source.feed({"did": "user(0)"}, None, None, 50)
        found = source.search_accounts("alice", None, 25)
    assert feed.items == body("bluesky/author_feed")["feed"] and feed.cursor is None
    assert found.items == body("bluesky/search_actors")["actors"]


def test_the_fake_answers_in_the_real_shapes(world, fake):
    real_items = paths(body("bluesky/author_feed")["feed"]) | paths(
        body("bluesky/author_feed_reposts")["feed"]
    )
    account = next(a for a in world.accounts["bluesky"] if a.posts)
    post = next(p for p in account.posts if not p.repost_of)
    post.quote_of = FakeRef("3abc", "did:plc:other", "other.test", "quoted words")
    post.reply_to = FakeRef("3abd", "did:plc:other", "other.test", "parent words")
    assert paths([feed_item(account, post)]) - real_items == set()
    assert (
        paths(profile_view(account, detailed=True))
        - (
            paths(body("bluesky/profile"))
            | {"description", "displayName", "createdAt", "indexedAt"}
        )
        == set()
    )  # profileViewDetailed fields
    account.suspended = True
    other = next(a for a in world.accounts["bluesky"] if a is not account)
    other.deleted = True
    with fake("bluesky", world) as (_, url):
        answers = [
            httpx.get(f"{url}/xrpc/app.bsky.actor.getProfile", params={"actor": actor})
            for actor in (account.id, other.id, "did:plc:nobody")
        ]
    assert [(r.status_code, r.json()) for r in answers] == [
        (400, TAKEDOWN),
        (400, DEACTIVATED),
        (400, NOT_FOUND),
    ]
