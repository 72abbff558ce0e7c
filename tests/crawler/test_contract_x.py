"""X API v2: the mapper and the source against real recorded response pages (twarc's, from
twarc-csv's test data), both namings of the API, and the fake answering in the same shapes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from real_payloads import body, doc, paths, replay

from crawler.fake.world import FakeRef
from crawler.fake.x import tweet_json, user_json
from crawler.mapping import x
from crawler.mapping.fields import Holder
from crawler.run import make_source
from crawler.sources import AccountGone, AccountProtected
from crawler.transport import CrawlStats

HOLDER = Holder("1352661060663336960", "user04")
PROTECTED = {
    "errors": [
        {
            "resource_id": "9",
            "parameter": "id",
            "resource_type": "user",
            "section": "data",
            "title": "Authorization Error",
            "value": "9",
            "detail": "Sorry, you are not authorized to see the user with id: [9].",
            "type": "https://api.twitter.com/2/problems/not-authorized-for-resource",
        }
    ]
}


def _post_naming(page: dict[str, Any]) -> dict[str, Any]:
    """The same page in the current OpenAPI document's words (posts, not tweets)."""
    text = (
        json.dumps(page)
        .replace('"referenced_tweets"', '"referenced_posts"')
        .replace('"note_tweet"', '"note_post"')
        .replace('"edit_history_tweet_ids"', '"edit_history_post_ids"')
    )
    renamed = json.loads(text)
    if "includes" in renamed:
        renamed["includes"]["posts"] = renamed["includes"].pop("tweets", [])
    return renamed


@pytest.mark.parametrize("naming", ["tweet", "post"])
def test_a_real_timeline_page_maps_with_context_from_includes(naming):
    page = body("x/timeline_page") if naming == "tweet" else _post_naming(body("x/timeline_page"))
    includes = page["includes"]
    relations = set()
    for raw in page["data"]:
        fields = x.post(raw, HOLDER, x.includes_for(raw, includes))
        relations |= {c["relation"] for c in fields.context}
        if fields.is_repost:
            assert (
                fields.text == "" and fields.context[0]["text"]
            )  # the original's words, from includes
        else:
            assert fields.text == raw["text"]
    assert {"repost", "reply"} <= relations
    assert page["errors"][0]["detail"].startswith("User has been suspended")  # a real partial error


@pytest.mark.parametrize("naming", ["tweet", "post"])
def test_long_posts_keep_their_full_text(naming):
    page = (
        body("x/note_tweet_schema")
        if naming == "tweet"
        else _post_naming(body("x/note_tweet_schema"))
    )
    raw = page["data"][0]
    fields = x.post(raw, HOLDER)
    assert (
        len(raw["text"]) <= 280 < len(fields.text)
        and fields.text == (raw.get("note_tweet") or raw["note_post"])["text"]
    )


def _named(name: str, naming: str) -> dict[str, Any]:
    page = body(name)
    return page if naming == "tweet" else _post_naming(page)


@pytest.mark.parametrize("naming", ["tweet", "post"])
def test_an_edit_is_a_new_id_pointing_at_the_original(naming):
    before = x.post(_named("x/edited_before", naming)["data"][0], HOLDER)
    after = x.post(_named("x/edited_after", naming)["data"][0], HOLDER)
    assert before.edit_of is None  # the lookup of the original id answers the original
    assert after.edit_of == "1576994746135764992" == before.platform_id
    assert after.signal == "edit_history:1576994746135764992,1576994789110992896"
    assert before.text != after.text


def test_users_map():
    users = body("x/users_page")["data"]
    assert [x.profile(u).platform_id for u in users] == [u["id"] for u in users]
    assert all(x.profile(u).protected is False for u in users)


@pytest.mark.parametrize("naming", ["tweet", "post"])
def test_source_stores_items_as_received_and_includes_apart(clock, naming):
    page = doc("x/timeline_page")
    if naming == "post":
        page = {**page, "body": _post_naming(page["body"])}
    user = {"status": 200, "headers": {}, "body": {"data": body("x/users_page")["data"][0]}}
    routes = {
        "/2/users/1352661060663336960/tweets": page,
        "/2/users/by/username/user00": user,
        "/2/users/9/tweets": {"status": 200, "body": PROTECTED},
        "/2/users/by/username/gone": {"status": 200, "body": {"errors": page["body"]["errors"]}},
    }
    with replay(routes) as url:
        source = make_source("x", url, CrawlStats(), clock)
        got = source.feed({"id": "1352661060663336960"}, None, None, 100)
        assert source.get_profile("user00") == user["body"]["data"]  # type: ignore[index]
        with pytest.raises(AccountProtected):
            source.feed({"id": "9"}, None, None, 5)
        with pytest.raises(AccountGone, match="suspended"):
            source.get_profile("gone")
    assert got.items == page["body"]["data"]  # no key added to a post
    assert (
        got.includes == page["body"]["includes"]
        and got.cursor == page["body"]["meta"]["next_token"]
    )
    # the page's context is found in either naming: replies and reposts with their texts
    relations = {
        (c["relation"], bool(c["text"]))
        for raw in got.items
        for c in x.post(raw, HOLDER, x.includes_for(raw, got.includes)).context
    }
    assert {("reply", True), ("repost", True)} <= relations


def test_the_fake_answers_in_the_real_shapes(world, fake):
    real = set().union(
        *(paths(body(f"x/{n}")["data"]) for n in ("timeline_page", "edited_after", "quoted_edit"))
    )
    real |= paths(body("x/note_tweet_schema")["data"])
    account = next(a for a in world.accounts["x"] if a.posts)
    post = next(p for p in account.posts if not p.repost_of)
    post.reply_to = FakeRef("1", "2", "someone", "parent words")
    post.text = "long " * 80
    assert paths([tweet_json(account, post)]) - real == set()
    assert paths([user_json(account)]) - paths(body("x/users_page")["data"]) == set()
    account.protected = True
    with fake("x", world) as (_, url):
        answer = httpx.get(
            f"{url}/2/users/{account.id}/tweets", headers={"Authorization": "Bearer t"}
        )
    assert answer.status_code == 200 and paths(answer.json()) == paths(PROTECTED)


@pytest.mark.parametrize("naming", ["tweet", "post"])
def test_a_crawl_in_either_naming_keeps_context_long_text_and_edits(
    naming, world, fake, clock, crawl_engine
):
    from crawl_helpers import account_key, crawl, first_crawl, in_scope_keys
    from sqlalchemy import select

    from crawler.fake.server import Faults
    from crawler.fake.world import edit_post
    from probity.db import session_scope
    from probity.models import Post, PostVersion

    with fake("x", world, Faults(x_naming=naming)) as (_, url):
        first_crawl("x", world, url, crawl_engine, clock)
        keys = in_scope_keys(crawl_engine, "x")
        account = next(a for a in world.accounts["x"] if account_key("x", a) in keys and a.posts)
        post = next(p for p in account.newest_first() if not p.repost_of and not p.malformed)
        original = post.id
        edit_post("x", account, post, "long " * 80)
        summary = crawl("posts", "x", url, crawl_engine, clock)
        served = httpx.get(
            f"{url}/2/users/{account.id}/tweets", headers={"Authorization": "Bearer t"}
        ).json()
    assert summary.counts["edited"] == 1 and summary.counts["new_posts"] == 0
    with session_scope(crawl_engine) as session:
        held = session.scalar(select(Post).where(Post.platform_id == original))
        assert held is not None
        [version] = session.scalars(select(PostVersion).where(PostVersion.post_id == held.id))
        assert version.text == "long " * 80  # the whole text, from note_tweet / note_post
        assert version.signal == f"edit_history:{original},{post.id}"
        contexts = [
            c
            for p in session.scalars(select(Post).where(Post.platform == "x"))
            for c in p.context or []
        ]
    assert {"reply", "quote", "repost"} <= {c["relation"] for c in contexts}
    assert any(c["text"] and c["author_handle"] for c in contexts)  # from includes, either naming
    words = (
        ("referenced_posts", "note_post")
        if naming == "post"
        else ("referenced_tweets", "note_tweet")
    )
    assert all(w in json.dumps(served) for w in words)  # the fake answered in that naming
