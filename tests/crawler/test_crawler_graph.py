"""Discovery by the social graph against the fake platforms: what is found, what is asked,
the budget stop and resume, no candidate identified twice, and provenance."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from crawl_helpers import account_key, crawl
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from cli import app
from crawler.fake.apps import graph_index
from crawler.fake.graph import served_list
from crawler.fake.server import Faults, Injected
from crawler.fake.world import FakeAccount, World
from crawler.graph import run_graph
from crawler.identify import identify
from crawler.transport import TransportError
from probity.models import CrawlCheckpoint, ExcludedAccount, PlatformAccount

PLATFORMS = ["bluesky", "mastodon", "x"]
WHEN = datetime(2025, 1, 1, tzinfo=UTC)
PAGE = 5


def _account(platform: str, n: int, bio: str, name: str | None = None) -> FakeAccount:
    stem = name or f"user{n:03d}"
    handle = f"{stem}.bsky.social" if platform == "bluesky" else stem
    ident = f"did:plc:{n:024d}" if platform == "bluesky" else str(10**17 + n)
    return FakeAccount(id=ident, handle=handle, display_name=stem, bio=bio, created_at=WHEN)


def graph_world(platform: str) -> tuple[World, dict[str, FakeAccount]]:
    """A force account; 12 officers who follow it (3 of them follow colleagues); an officer who
    follows nobody but whom a colleague follows; one who follows only a colleague; one nobody
    links to; retired officers and family who follow the force; an ordinary account."""
    seed = _account(
        platform, 0, "Official account of Kent Police. Do not report crime here.", "kent_police"
    )
    people = {"seed": seed}
    officers = [
        _account(platform, i, "Police Constable with Kent Police. Views my own.")
        for i in range(1, 13)
    ]
    for o in officers:
        o.follows.append(seed.id)
    silent = _account(platform, 13, "PCSO with Kent Police, neighbourhood team.")  # follows nobody
    officers[0].follows.append(silent.id)
    colleague_only = _account(platform, 14, "Police Constable with Kent Police. Runner.")
    colleague_only.follows.append(officers[1].id)
    isolated = _account(platform, 15, "Police Constable with Kent Police. Dog dad.")
    negatives = [
        _account(platform, 20 + i, bio)
        for i, bio in enumerate(
            (
                "Retired Kent Police officer. 30 years served.",
                "Proud police wife. Husband is a PC with Kent Police.",
                "Retired Kent Police officer, now gardening.",
                "Crime reporter covering Kent Police and the courts.",
            )
        )
    ]
    for n in negatives:
        n.follows.append(seed.id)
    negatives[1].follows.append(officers[2].id)  # family follow their officer
    ordinary = _account(platform, 30, "Gardener and cat person.")
    ordinary.follows.append(officers[3].id)
    officers[4].follows += [ordinary.id, officers[5].id, officers[6].id]
    people |= {"silent": silent, "colleague_only": colleague_only, "isolated": isolated}
    every = [seed, *officers, silent, colleague_only, isolated, *negatives, ordinary]
    world = World(seed=0, accounts={platform: every})
    people |= {f"officer{i}": o for i, o in enumerate(officers)}
    return world, people


def seed_of(platform: str) -> str:
    return "kent_police.bsky.social" if platform == "bluesky" else "kent_police"


class CountingIdentifier:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def __call__(self, profile: Any) -> Any:
        self.calls[profile.handle] += 1
        return identify(profile)


def walk(
    platform: str, url: str, engine: Engine, clock: Any, identifier: Any = None, **kw: Any
) -> Any:
    return run_graph(
        platform,
        base_url=url,
        engine=engine,
        clock=clock,
        seeds=[seed_of(platform)],
        identifier=identifier or CountingIdentifier(),
        identifier_version="test",
        page_size=PAGE,
        **kw,
    )


def in_scope(engine: Engine, platform: str) -> dict[str, str | None]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                select(PlatformAccount.platform_id, PlatformAccount.discovered_via).where(
                    PlatformAccount.platform == platform
                )
            ).all()
        )


def minimum(platform: str, world: World, engine: Engine, page: int = PAGE) -> int:
    """One lookup per seed, plus the pages needed to list every list the walk completed."""
    index = graph_index(world, platform).refresh()
    by_node = {a.id: a for a in world.accounts[platform]}
    with engine.connect() as conn:
        keys = list(
            conn.scalars(
                select(CrawlCheckpoint.key).where(
                    CrawlCheckpoint.scope == "graph", CrawlCheckpoint.complete.is_(True)
                )
            )
        )
        seeds = len(
            list(
                conn.scalars(
                    select(CrawlCheckpoint.key).where(CrawlCheckpoint.scope == "graph-seed")
                )
            )
        )
    total = seeds
    for key in keys:
        _, direction, node = key.split(" ")
        total += max(1, math.ceil(len(served_list(index, by_node[node], direction)) / page))
    return total


@pytest.mark.parametrize("platform", PLATFORMS)
def test_walk_finds_officers_through_follow_edges_with_the_minimum_requests(
    platform, fake, clock, crawl_engine
):
    world, people = graph_world(platform)
    with fake(platform, world) as (state, url):
        summary = walk(platform, url, crawl_engine, clock)
    found = in_scope(crawl_engine, platform)
    officers = {account_key(platform, a) for k, a in people.items() if k.startswith("officer")}
    expected = officers | {account_key(platform, people[k]) for k in ("silent", "colleague_only")}
    assert set(found) == expected  # isolated officer unreachable; negatives and the force excluded
    assert set(found.values()) == {"graph"}
    with crawl_engine.connect() as conn:
        assert (
            conn.scalar(select(ExcludedAccount.id).limit(1)) is not None
        )  # negatives: a hash only
    assert summary.counts["in_scope"] == len(expected) and summary.counts["budget_stopped"] == 0
    # only the force and in-scope accounts are expanded (never a negative), and no page is asked twice
    with crawl_engine.connect() as conn:
        nodes = {
            k.split(" ")[2]
            for k in conn.scalars(
                select(CrawlCheckpoint.key).where(CrawlCheckpoint.scope == "graph")
            )
        }
    reached = [
        a for k, a in people.items() if k.startswith("officer") or k in ("silent", "colleague_only")
    ]
    assert nodes == {people["seed"].id} | {a.id for a in reached}
    assert summary.stats.requests == minimum(platform, world, crawl_engine)
    assert 200 in state.statuses and set(state.statuses) == {200}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_budget_stops_the_walk_and_the_next_run_resumes_without_repeating(
    platform, fake, clock, crawl_engine
):
    world, _ = graph_world(platform)
    identifier = CountingIdentifier()
    with fake(platform, world) as (state, url):
        first = walk(platform, url, crawl_engine, clock, identifier, budget=6)
        assert first.counts["budget_stopped"] == 1 and first.stats.requests == 6
        partial = in_scope(crawl_engine, platform)
        second = walk(platform, url, crawl_engine, clock, identifier)
        assert second.counts["budget_stopped"] == 0
        third = walk(platform, url, crawl_engine, clock, identifier)
    assert third.stats.requests == 0  # every list complete: nothing asked again
    assert set(partial) < set(in_scope(crawl_engine, platform))
    assert len(in_scope(crawl_engine, platform)) == 14
    # stopping and resuming cost nothing extra: every page was fetched once
    assert first.stats.requests + second.stats.requests == minimum(platform, world, crawl_engine)
    assert max(identifier.calls.values()) == 1  # no candidate identified twice
    pages = Counter((path, tuple(sorted(q.items()))) for path, q in state.requests)
    assert max(pages.values()) == 1


@pytest.mark.parametrize("platform", PLATFORMS)
def test_known_candidates_are_not_identified_again_and_keep_their_provenance(
    platform, fake, clock, crawl_engine
):
    world, people = graph_world(platform)
    early = [people["officer0"], people["officer1"], people["officer2"]]
    with fake(platform, world) as (_, url):
        crawl("discover", platform, url, crawl_engine, clock, handles=[a.handle for a in early])
        identifier = CountingIdentifier()
        walk(platform, url, crawl_engine, clock, identifier)
    found = in_scope(crawl_engine, platform)
    for a in early:
        assert found[account_key(platform, a)] == "list"
        assert identifier.calls[a.handle] == 0
    assert Counter(found.values()) == {"list": 3, "graph": 11}


def test_fakes_answer_the_documented_list_shapes_and_limits(fake, clock):
    for platform in PLATFORMS:
        world, people = graph_world(platform)
        seed = people["seed"]
        with fake(platform, world) as (_, url):
            headers = {"Authorization": "Bearer t"}
            with httpx.Client(base_url=url, headers=headers) as client:
                if platform == "bluesky":
                    r = client.get(
                        "/xrpc/app.bsky.graph.getFollowers", params={"actor": seed.id, "limit": 101}
                    )
                    assert r.status_code == 400 and r.json()["error"] == "InvalidRequest"
                    body = client.get(
                        "/xrpc/app.bsky.graph.getFollowers",
                        params={"actor": seed.handle, "limit": 10},
                    ).json()
                    assert (
                        body["subject"]["did"] == seed.id
                        and len(body["followers"]) == 10
                        and body["cursor"]
                    )
                    assert {"did", "handle", "description"} <= set(body["followers"][0])
                    r = client.get(
                        "/xrpc/app.bsky.graph.getFollows", params={"actor": "did:plc:nobody"}
                    )
                    assert (
                        r.status_code == 400
                        and r.json()["message"] == "Actor not found: did:plc:nobody"
                    )
                elif platform == "mastodon":
                    r = client.get(f"/api/v1/accounts/{seed.id}/followers", params={"limit": 500})
                    assert r.status_code == 200 and len(r.json()) == 16  # capped at 80: all 16 fit
                    r = client.get(f"/api/v1/accounts/{seed.id}/followers", params={"limit": 10})
                    assert (
                        len(r.json()) == 10
                        and 'rel="next"' in r.headers["link"]
                        and 'rel="prev"' in r.headers["link"]
                    )
                    assert "max_id=" in r.headers["link"] and "x-ratelimit-remaining" in r.headers
                    seed.hide_network = True
                    r = client.get(f"/api/v1/accounts/{seed.id}/followers")
                    assert r.status_code == 200 and r.json() == []
                    assert client.get("/api/v1/accounts/999/following").status_code == 404
                else:
                    r = client.get(f"/2/users/{seed.id}/followers", params={"max_results": 1001})
                    assert r.status_code == 400
                    body = client.get(
                        f"/2/users/{seed.id}/followers", params={"max_results": 10}
                    ).json()
                    assert len(body["data"]) == 10 and body["meta"]["result_count"] == 10
                    nxt = client.get(
                        f"/2/users/{seed.id}/followers",
                        params={"max_results": 10, "pagination_token": body["meta"]["next_token"]},
                    ).json()
                    assert "previous_token" in nxt["meta"] and "next_token" not in nxt["meta"]
                    assert not {u["id"] for u in nxt["data"]} & {u["id"] for u in body["data"]}
                    assert "errors" in client.get("/2/users/1/followers").json()


def test_hidden_networks_and_suspended_accounts_list_nothing(fake, clock, crawl_engine):
    world, people = graph_world("mastodon")
    people["officer1"].hide_network = True  # colleague_only follows officer1: now unreachable
    people["officer3"].suspended = True
    with fake("mastodon", world) as (_, url):
        walk("mastodon", url, crawl_engine, clock)
    found = in_scope(crawl_engine, "mastodon")
    assert account_key("mastodon", people["colleague_only"]) not in found
    assert account_key("mastodon", people["officer3"]) not in found
    assert account_key("mastodon", people["officer1"]) in found


def test_bluesky_pages_can_be_short_when_followers_are_taken_down(fake, clock, crawl_engine):
    """The AppView drops taken-down followers after paging: a short page, then a cursor."""
    world, people = graph_world("bluesky")
    for k in ("officer10", "officer11"):  # newest follows of the force: 4 negatives, then these two
        people[k].suspended = True
    with fake("bluesky", world) as (_, url):
        body = httpx.get(
            f"{url}/xrpc/app.bsky.graph.getFollowers",
            params={"actor": people["seed"].id, "limit": 6},
        ).json()
        assert len(body["followers"]) == 4 and body["cursor"]
        walk("bluesky", url, crawl_engine, clock)
    found = in_scope(crawl_engine, "bluesky")
    assert account_key("bluesky", people["officer9"]) in found
    assert account_key("bluesky", people["officer10"]) not in found


def test_cli_crawl_graph_walks_within_the_budget_and_reports_on_stderr(fake, crawl_engine):
    world, _ = graph_world("x")
    with fake("x", world) as (state, url):
        result = CliRunner().invoke(
            app,
            [
                "crawl",
                "graph",
                "--platform",
                "x",
                "--base-url",
                url,
                "--seed",
                "kent_police",
                "--budget",
                "3",
            ],
        )
        assert result.exit_code == 0, result.output
        assert len(state.requests) == 3 and result.stdout == ""
        assert "budget stopped" in result.stderr
        bad = CliRunner().invoke(
            app, ["crawl", "graph", "--platform", "x", "--base-url", url, "--budget", "0"]
        )
    assert bad.exit_code != 0 and "at least 1 request" in str(bad.exception)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_walk_that_fails_mid_list_resumes_at_the_page_it_stopped(
    platform, fake, clock, crawl_engine
):
    world, _ = graph_world(platform)
    path = {"bluesky": "getFollowers", "mastodon": "/followers", "x": "/followers"}[platform]
    # the force's followers list has 4 pages of 5: its third page fails beyond the retry budget
    faults = Faults(inject=[Injected(match=path, kind="503", times=10, after=2)])
    with fake(platform, world, faults) as (state, url):
        with pytest.raises(TransportError):
            walk(platform, url, crawl_engine, clock)
        state.faults.inject.clear()
        walk(platform, url, crawl_engine, clock)
    assert len(in_scope(crawl_engine, platform)) == 14
    answered = Counter(
        (path, tuple(sorted(q.items())))
        for (path, q), status in zip(state.requests, state.statuses, strict=True)
        if status == 200
    )
    assert max(answered.values()) == 1  # no page fetched twice across the failure


@pytest.mark.parametrize("platform", PLATFORMS)
def test_refresh_reads_each_list_down_to_the_newest_entry_seen(platform, fake, clock, crawl_engine):
    world, people = graph_world(platform)
    with fake(platform, world) as (_, url):
        walk(platform, url, crawl_engine, clock)
        with crawl_engine.connect() as conn:
            lists = len(
                list(
                    conn.scalars(
                        select(CrawlCheckpoint.key).where(CrawlCheckpoint.scope == "graph")
                    )
                )
            )
        newcomer = _account(platform, 40, "Police Constable with Kent Police. New in post.")
        newcomer.follows.append(people["seed"].id)
        world.accounts[platform].append(newcomer)
        assert (
            walk(platform, url, crawl_engine, clock).stats.requests == 0
        )  # no refresh: nothing asked
        assert account_key(platform, newcomer) not in in_scope(crawl_engine, platform)
        refreshed = walk(platform, url, crawl_engine, clock, refresh=True)
    assert in_scope(crawl_engine, platform)[account_key(platform, newcomer)] == "graph"
    # one page per known list (the newest entry seen is on it), plus the newcomer's own two lists
    assert refreshed.stats.requests == lists + 2


@pytest.mark.parametrize("platform", PLATFORMS)
def test_team_accounts_met_on_the_walk_are_walked_like_seeds(platform, fake, clock, crawl_engine):
    """An officer who follows only their team's account (which the force follows) is found;
    a person who is excluded is still never expanded."""
    world, people = graph_world(platform)
    team = _account(
        platform,
        40,
        "Official account of Kent Police Roads Policing Unit. Do not report crime here: "
        "call 101 or 999.",
        "kent_rpu",
    )
    team_only = _account(platform, 41, "Roads policing officer, Kent Police. Views my own.")
    team_only.follows.append(team.id)
    people["seed"].follows.append(team.id)
    retired = next(a for a in world.accounts[platform] if a.bio.startswith("Retired"))
    behind_retired = _account(platform, 42, "Police Constable with Kent Police. Cyclist.")
    behind_retired.follows.append(retired.id)  # reachable only through a person: stays unfound
    world.accounts[platform] += [team, team_only, behind_retired]
    with fake(platform, world) as (_, url):
        summary = walk(platform, url, crawl_engine, clock)
        again = walk(platform, url, crawl_engine, clock)
    found = in_scope(crawl_engine, platform)
    assert (
        account_key(platform, team_only) in found
        and found[account_key(platform, team_only)] == "graph"
    )
    assert account_key(platform, behind_retired) not in found
    assert account_key(platform, team) not in found  # the team account itself is out of scope
    assert summary.counts["organisations"] >= 1
    with crawl_engine.connect() as conn:
        nodes = {
            k.split(" ")[2]
            for k in conn.scalars(
                select(CrawlCheckpoint.key).where(CrawlCheckpoint.scope == "graph")
            )
        }
    assert team.id in nodes and retired.id not in nodes
    assert again.stats.requests == 0  # every list complete, the team's too
