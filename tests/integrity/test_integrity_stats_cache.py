"""`PROBITY_STATS_CACHE_SECONDS`: statistics computed once per scope and period, never shared
between scopes, recomputed when stale, and computed once when many ask at the same moment."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.services.stats_cache import StatsCache
from probity import db, keys
from probity.models import KeyRole
from probity.settings import get_settings, reset_settings_cache

PERIOD = {"date_from": "2011-09-01", "date_to": "2012-05-31"}
HEADER = "X-Probity-Stats-Computed-At"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_fresh_figures_are_reused_and_stale_ones_recomputed() -> None:
    clock, calls = Clock(), []
    cache = StatsCache(30, clock=clock)

    def compute() -> dict:
        calls.append(1)
        return {"n": len(calls)}

    first, at = cache.get("national", compute)
    clock.now += 29.9
    again, at_again = cache.get("national", compute)
    assert (first, again, at_again, len(calls)) == ({"n": 1}, {"n": 1}, at, 1)
    clock.now += 0.1
    assert cache.get("national", compute)[0] == {"n": 2}
    assert cache.get("kent", compute)[0] == {"n": 3}  # another scope never reads this one's


def test_a_caller_changing_its_copy_leaves_the_cached_figures_alone() -> None:
    cache = StatsCache(30, clock=Clock())
    cache.get("k", lambda: {"by": {"x": 1}})[0]["by"]["x"] = 99
    assert cache.get("k", lambda: {"by": {"x": 2}})[0] == {"by": {"x": 1}}


def test_zero_seconds_computes_every_time() -> None:
    calls: list[int] = []
    cache = StatsCache(0)

    def compute() -> dict:
        calls.append(1)
        return {"n": len(calls)}

    assert [cache.get("k", compute)[0]["n"] for _ in range(3)] == [1, 2, 3]


def test_many_at_once_compute_once() -> None:
    cache, calls, barrier = StatsCache(30), [], threading.Barrier(12)

    def compute() -> dict:
        calls.append(1)
        time.sleep(0.2)  # a slow aggregate: the others arrive while it runs
        return {"n": 1}

    results: list[dict] = []

    def ask() -> None:
        barrier.wait()
        results.append(cache.get("national", compute)[0])

    threads = [threading.Thread(target=ask) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and results == [{"n": 1}] * 12


@pytest.fixture
def cached_client(sample_database_url, monkeypatch):
    monkeypatch.setenv("PROBITY_DATABASE_URL", sample_database_url)
    monkeypatch.setenv("PROBITY_STATS_CACHE_SECONDS", "300")
    reset_settings_cache()
    with TestClient(create_app(get_settings())) as c:
        yield c
    reset_settings_cache()


def _key(url: str, role: str, force_id: str | None = None) -> dict[str, str]:
    with db.session_scope(db.get_engine(url)) as session:
        return {
            "Authorization": f"Bearer {keys.create_key(session, KeyRole(role), force_id=force_id).key}"
        }


def test_through_the_api_each_force_gets_its_own_cached_figures(
    cached_client, sample_database_url
) -> None:
    wilts = _key(sample_database_url, "force", "wiltshire")
    kent = _key(sample_database_url, "force", "kent")
    analyst = _key(sample_database_url, "analyst")
    w1 = cached_client.get("/api/v1/stats", params=PERIOD, headers=wilts)
    k1 = cached_client.get("/api/v1/stats", params=PERIOD, headers=kent)
    n1 = cached_client.get("/api/v1/stats", params=PERIOD, headers=analyst)
    w2 = cached_client.get("/api/v1/stats", params=PERIOD, headers=wilts)
    assert {r.status_code for r in (w1, k1, n1, w2)} == {200}
    assert w1.json()["scope"]["force"] == "wiltshire" and k1.json()["scope"]["force"] == "kent"
    assert n1.json()["scope"]["force"] == "national"
    assert w1.json()["investigations"]["total"] == 57  # the uncached figure (test_integrity_api)
    assert w2.json() == w1.json() and w2.headers[HEADER] == w1.headers[HEADER]
    # a force key asking for another force is refused before the cache is asked
    assert (
        cached_client.get("/api/v1/stats", params={"force_id": "kent"}, headers=wilts).status_code
        == 404
    )
