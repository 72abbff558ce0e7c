"""Mastodon: the mapper and the source against real recorded responses (Mastodon.py cassettes),
and the fake answering in the same shapes."""

from __future__ import annotations

import httpx
import pytest
from crawl_helpers import raw_account
from real_payloads import body, doc, paths, replay

from crawler.evidence import text_sha256
from crawler.fake.mastodon import account_json, status_json
from crawler.fake.server import Faults
from crawler.fake.world import FakeRef
from crawler.mapping import mastodon
from crawler.mapping.fields import Holder
from crawler.run import make_source
from crawler.sources import AccountGone, BaseSource, SourceError
from crawler.transport import CrawlStats

HOLDER = Holder("http://localhost:3000/ap/users/117020565966271181", "mastodonpy_test")


def test_quote_fallback_is_not_the_authors_text():
    raw = body("mastodon/status_quote")
    assert raw["content"].startswith('<p class="quote-inline">RE: ')
    fields = mastodon.post(raw, HOLDER)
    assert fields.text == "yoooooooo"
    assert text_sha256(fields.text) == text_sha256("yoooooooo")
    [quote] = fields.context
    assert quote["relation"] == "quote" and quote["text"] == "Toot!"
    assert quote["platform_id"] == raw["quote"]["quoted_status"]["uri"]


def test_content_warning_is_kept_as_its_own_field():
    fields = mastodon.post(body("mastodon/status_content_warning"), HOLDER)
    assert fields.content_warning == "Content warning" and fields.text == "Toot!"


def test_edited_at_is_the_edit_signal():
    before = mastodon.post(body("mastodon/status_before_edit"), HOLDER)
    after = mastodon.post(body("mastodon/status_edited"), HOLDER)
    assert (
        before.platform_id == after.platform_id and before.edited_at is None and not before.signal
    )
    assert after.text.endswith("Kate") and before.text.endswith("VS Code")
    assert after.edited_at is not None and after.signal == "edited_at:2026-08-01T13:54:00.695Z"


def test_reblog_and_reply():
    reblog = mastodon.post(body("mastodon/status_reblog"), HOLDER)
    assert reblog.is_repost and reblog.text == "" and reblog.context[0]["relation"] == "repost"
    assert reblog.context[0]["text"] == "Toot!" and reblog.platform_id.endswith("/activity")
    reply = mastodon.post(body("mastodon/status_reply"), HOLDER)
    assert reply.context[0]["relation"] == "reply"
    assert reply.context[0]["platform_id"] == body("mastodon/status_reply")["in_reply_to_id"]


def test_profiles_and_a_page_of_statuses_map():
    profile = mastodon.profile(body("mastodon/account_lookup"))
    assert profile.platform_id == HOLDER.platform_id and profile.handle == "mastodonpy_test"
    assert profile.bio == "I walk funny"
    assert [mastodon.profile(a).handle for a in body("mastodon/search_v2")["accounts"]]
    page = body("mastodon/account_statuses_page")
    assert len({mastodon.post(s, HOLDER).platform_id for s in page}) == len(page) == 5


def test_source_reads_recorded_responses(clock):
    lookup_ok, lookup_404 = doc("mastodon/account_lookup"), doc("mastodon/account_lookup_not_found")
    statuses = doc("mastodon/account_statuses_page")
    routes = {
        "/api/v1/accounts/lookup": [({"acct": "mastodonpy_test"}, lookup_ok), ({}, lookup_404)],
        "/api/v2/search": doc("mastodon/search_v2"),
        "/api/v1/accounts/117020565966271181/statuses": statuses,
    }
    with replay(routes) as url:
        source = make_source("mastodon", url, CrawlStats(), clock)
        assert source.get_profile("mastodonpy_test") == lookup_ok["body"]
        with pytest.raises(AccountGone, match="404"):
            source.get_profile("kljadklajsdkljlkjlkjlkjasdasd")
        page = source.search_accounts("mastodonpy_test", None, 40)
        assert page.items == doc("mastodon/search_v2")["body"]["accounts"] and page.cursor is None
        feed = source.feed({"id": "117020565966271181"}, None, None, 5)
    assert feed.items == statuses["body"]  # stored exactly as received
    assert feed.cursor == "limit=5&max_id=117020581882406424"


def test_search_without_a_token_never_sends_offset_and_says_so(world, fake, clock):
    platform = "mastodon"
    with fake(platform, world) as (state, url):
        source = make_source(platform, url, CrawlStats(), clock)
        assert isinstance(source, BaseSource) and not source.authenticated
        page = source.search_accounts("user", None, 2)  # more than 2 accounts match
        assert len(page.items) == 2 and page.cursor is None and page.truncated
        with pytest.raises(SourceError, match="PROBITY_MASTODON_TOKEN"):
            source.search_accounts("user", "2", 2)
        assert all("offset" not in q for _, q in state.requests)
        # the fake refuses what Mastodon refuses
        refused = httpx.get(
            f"{url}/api/v2/search", params={"q": "user", "type": "accounts", "offset": 0}
        )
        assert refused.status_code == 401
        assert refused.json() == {
            "error": "Search queries pagination is not supported without authentication"
        }


def test_search_pages_with_a_token_for_that_instance(world, fake, clock, monkeypatch):
    from probity.settings import reset_settings_cache

    with fake("mastodon", world) as (state, url):
        monkeypatch.setenv("PROBITY_MASTODON_TOKEN", f'{{"{url}/": "user-token"}}')
        reset_settings_cache()
        source = make_source("mastodon", url, CrawlStats(), clock)
        first = source.search_accounts("user", None, 2)
        second = source.search_accounts("user", first.cursor, 2)
    assert (
        isinstance(source, BaseSource)
        and source.authenticated
        and first.cursor == "2"
        and not first.truncated
    )
    assert {a["id"] for a in first.items}.isdisjoint(
        {a["id"] for a in second.items}
    ) and second.items
    assert state.requests[-1][1]["offset"] == "2"


def test_suspended_account_statuses_are_200_empty_like_mastodon(world, fake, clock):
    account = next(a for a in world.accounts["mastodon"] if a.posts)
    account.suspended = True
    with fake("mastodon", world, Faults()) as (state, url):
        page = make_source("mastodon", url, CrawlStats(), clock).feed(
            raw_account("mastodon", account), None, None, 5
        )
    assert page.items == [] and state.statuses == [200]


def test_the_fake_answers_in_the_real_shapes(world):
    real_status = set().union(
        *(
            paths(body(f"mastodon/{n}"))
            for n in (
                "status_quote",
                "status_content_warning",
                "status_edited",
                "status_reblog",
                "status_reply",
            )
        )
    )
    real_account = paths(body("mastodon/account_lookup"))
    account, post = next(
        (a, p) for a in world.accounts["mastodon"] for p in a.posts if not p.repost_of
    )
    post.quote_of = FakeRef("1", "2", "someone", "quoted words")
    post.content_warning = "cw"
    fake_status = paths(status_json(account, post))
    assert fake_status - real_status == set()
    assert paths(account_json(account)) - real_account == set()
    # the quote fallback is there, as on a real server, and the mapper strips it
    assert mastodon.post(status_json(account, post), Holder("x")).text == post.text
