"""The request budget workers share (jobs/budget.py): a token bucket in the database, taken
atomically, so concurrent workers together never spend more than one token allows."""

from __future__ import annotations

import threading

from jobs.budget import LocalBudget, SharedBudget, budget_for
from probity.db import make_engine

KEY = "bluesky https://bsky.example"


def test_concurrent_workers_never_take_more_than_the_bucket_holds(database_factory):
    url = database_factory()
    taken: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        # each thread its own engine and pool, as separate worker processes would have
        budget = SharedBudget(make_engine(url), KEY, per_minute=30)  # holds 30, refills 0.5/s
        for _ in range(10):
            wait = budget.try_take(at=1000.0)  # every take at the same instant: no refill
            with lock:
                taken.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(taken) == 60
    assert taken.count(0.0) == 30  # exactly the bucket, though 60 requests were asked for
    assert all(wait == 2.0 for wait in taken if wait)  # one token every 2 s at 30 a minute

    budget = SharedBudget(make_engine(url), KEY, per_minute=30)
    assert [budget.try_take(at=1005.0) for _ in range(3)] == [0.0, 0.0, 1.0]  # 5 s refilled 2.5
    assert budget.try_take(at=900.0) > 0  # a clock behind the bucket's gets nothing back


def test_take_sleeps_until_the_next_token_is_due(database_factory):
    url = database_factory()
    clock = {"now": 50.0}
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock["now"] += seconds

    budget = SharedBudget(
        make_engine(url), KEY, per_minute=60, now=lambda: clock["now"], sleep=sleep
    )
    for _ in range(63):  # 60 from the full bucket, then one a second
        budget.take()
    assert slept == [1.0, 1.0, 1.0]
    assert budget.waited == 3.0


def test_one_process_on_sqlite_keeps_the_same_bucket_in_memory(database_factory):
    """SQLite has one process (the worker refuses it): its threads share one in-memory bucket
    per key, with the same arithmetic; PostgreSQL keeps the bucket in the database."""
    engine = make_engine(database_factory())
    budget = budget_for(engine, KEY, per_minute=30)
    if engine.dialect.name == "postgresql":
        assert isinstance(budget, SharedBudget)
        return
    assert isinstance(budget, LocalBudget) and budget_for(engine, KEY, 30) is budget
    taken: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            wait = budget_for(engine, KEY, per_minute=30).try_take(at=1000.0)
            with lock:
                taken.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert taken.count(0.0) == 30 and all(wait == 2.0 for wait in taken if wait)
    assert [budget.try_take(at=1005.0) for _ in range(3)] == [0.0, 0.0, 1.0]  # 5 s refilled 2.5
    assert budget.try_take(at=900.0) > 0  # a clock behind the bucket's gets nothing back
    assert budget_for(engine, KEY, per_minute=60) is not budget  # a new limit: a new bucket
