"""List pages, exports, evidence and statistics run a fixed number of SQL statements, whatever
the page size or the number of rows (no query per row: eager loading and SQL aggregation).

Statements are counted with a SQLAlchemy ``before_cursor_execute`` listener on the app's engine,
around one real request each; the same request with more rows must not cost more statements.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from apifixtures import create_flag
from sqlalchemy import event

from probity.audit_chainer import CHAINER_THREAD
from probity.db import get_engine
from probity.models import PlatformAccount, Post


@pytest.fixture
def count_statements(api_url: str) -> Callable[[], Any]:
    engine = get_engine(api_url)

    @contextmanager
    def counting() -> Iterator[list[str]]:
        seen: list[str] = []

        def on_execute(*args: Any) -> None:
            # the request's statements only: the audit chainer thread chains staged reads in
            # batches beside the requests, on its own schedule
            if threading.current_thread().name != CHAINER_THREAD:
                seen.append(args[2])  # the statement's text

        event.listen(engine, "before_cursor_execute", on_execute)
        try:
            yield seen
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)

    return counting


@pytest.fixture
def refer_many(client, db, headers) -> Callable[[str, int, int], list[int]]:
    """``n`` referrals of ``force``, each of an account with ``per_account`` confirmed posts."""
    analyst = headers("analyst")

    def refer(force: str, n: int, per_account: int = 2) -> list[int]:
        referral_ids = []
        for _ in range(n):
            with db() as session:
                first = create_flag(session, force, labels=("offensive", "protocol"))
                post = session.get_one(Post, first.post_id)
                account = session.get_one(PlatformAccount, post.account_id)
                flags = [first.id]
                flags += [
                    create_flag(session, force, account=account).id for _ in range(per_account - 1)
                ]
            for flag_id in flags:
                out = client.post(
                    f"/api/v1/flags/{flag_id}/decisions",
                    json={"action": "confirm"},
                    headers=analyst,
                )
                assert out.status_code == 201, out.text
            referral_ids.append(out.json()["referral_id"])
        return referral_ids

    return refer


def test_a_referral_list_page_costs_the_same_statements_at_any_page_size(
    client, headers, refer_many, count_statements
):
    refer_many("north-wales", 8)
    force = headers("force", "north-wales")
    client.get("/api/v1/referrals", params={"page_size": 1}, headers=force)  # key's last use
    costs = {}
    for size in (2, 8):
        with count_statements() as seen:
            out = client.get("/api/v1/referrals", params={"page_size": size}, headers=force)
        assert out.status_code == 200
        assert len(out.json()["items"]) == size
        costs[size] = len(seen)
    assert costs[2] == costs[8], costs


def test_a_referral_export_costs_the_same_statements_for_few_or_many_rows(
    client, headers, refer_many, count_statements
):
    refer_many("dyfed-powys", 1, per_account=1)
    refer_many("gloucestershire", 6, per_account=3)
    costs, rows = {}, {}
    for force in ("dyfed-powys", "gloucestershire"):
        h = headers("force", force)
        client.get("/api/v1/referrals", params={"page_size": 1}, headers=h)  # key's last use
        with count_statements() as seen:
            out = client.get("/api/v1/referrals/export", params={"format": "csv"}, headers=h)
        assert out.status_code == 200
        rows[force] = len(out.text.strip().splitlines()) - 1
        costs[force] = len(seen)
    assert rows["gloucestershire"] >= 18 > rows["dyfed-powys"] >= 1
    assert costs["dyfed-powys"] == costs["gloucestershire"], costs


def test_referral_evidence_costs_the_same_statements_for_one_item_or_many(
    client, headers, refer_many, count_statements
):
    (one,) = refer_many("cumbria", 1, per_account=1)
    (four,) = refer_many("cumbria", 1, per_account=4)
    h = headers("force", "cumbria")
    client.get("/api/v1/referrals", params={"page_size": 1}, headers=h)  # key's last use
    costs = {}
    for referral_id, items in ((one, 1), (four, 4)):
        with count_statements() as seen:
            out = client.get(f"/api/v1/referrals/{referral_id}", headers=h)
        assert out.status_code == 200 and len(out.json()["items"]) == items
        assert all(item["decisions"] and item["model"]["scores"] for item in out.json()["items"])
        costs[items] = len(seen)
    assert costs[1] == costs[4], costs


def test_a_queue_page_costs_the_same_statements_at_any_page_size(
    client, headers, make_flag, count_statements
):
    for _ in range(8):
        make_flag("durham", labels=("negativity",))
    analyst = headers("analyst")
    params = {"force_id": "durham", "label": "negativity"}
    client.get("/api/v1/flags", params={**params, "page_size": 1}, headers=analyst)
    costs = {}
    for size in (2, 8):
        with count_statements() as seen:
            out = client.get("/api/v1/flags", params={**params, "page_size": size}, headers=analyst)
        assert out.status_code == 200 and len(out.json()["items"]) == size
        assert all("negativity" in item["labels"] for item in out.json()["items"])
        costs[size] = len(seen)
    assert costs[2] == costs[8], costs


def test_national_statistics_cost_the_same_statements_with_more_referrals(
    client, headers, refer_many, count_statements
):
    analyst = headers("analyst")
    client.get("/api/v1/stats", headers=analyst)  # key's last use
    with count_statements() as before:
        first = client.get("/api/v1/stats", headers=analyst).json()
    refer_many("suffolk", 3, per_account=2)
    with count_statements() as after:
        second = client.get("/api/v1/stats", headers=analyst).json()
    social = second["social_media"]
    assert social["instances"] == first["social_media"]["instances"] + 6
    assert social["profiles_with_instances"] == first["social_media"]["profiles_with_instances"] + 3
    assert social["by_category"]["protocol"] == first["social_media"]["by_category"]["protocol"] + 3
    assert len(before) == len(after), (len(before), len(after))
