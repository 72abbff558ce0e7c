"""The in-process queue (jobs/app.py) takes jobs exactly as Procrastinate's in-memory one does:
first by priority then id, only from the asked queues, only when due, never a job whose lock a
running job holds. Checked against Procrastinate's own connector on the same random queues."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

from procrastinate import types, utils
from procrastinate.testing import InMemoryConnector

from jobs.app import InProcessConnector


def _jobs(rng: random.Random) -> list[types.JobToDefer]:
    later = utils.utcnow() + timedelta(hours=1)
    return [
        types.JobToDefer(
            queue_name=rng.choice(["crawl", "classify"]),
            task_name="t",
            priority=rng.choice([0, 0, 1, 5]),
            lock=rng.choice([None, "a", "b", "c", f"own {i}"]),
            queueing_lock=None,
            args={"i": i},
            scheduled_at=later if rng.random() < 0.1 else None,
        )
        for i in range(60)
    ]


async def _choices(connector: InMemoryConnector, seed: int) -> list[int | None]:
    """Fetch with a random mix of finishing and not finishing: the ids taken, in order."""
    rng = random.Random(seed)
    worker = (await connector.register_worker_one())["worker_id"]
    await connector.defer_jobs_all(_jobs(rng))
    taken: list[int | None] = []
    running: list[int] = []
    for _ in range(80):
        queues = rng.choice([None, ["crawl"], ["classify"]])
        job = await connector.fetch_job_one(queues, worker)
        taken.append(job["id"])
        if job["id"] is not None:
            running.append(job["id"])
        if running and rng.random() < 0.6:
            await connector.finish_job_run(
                running.pop(rng.randrange(len(running))), "succeeded", True
            )
    return taken


def test_it_takes_the_same_jobs_as_procrastinates_in_memory_queue():
    for seed in range(20):
        ours = asyncio.run(_choices(InProcessConnector(), seed))
        theirs = asyncio.run(_choices(InMemoryConnector(), seed))
        assert ours == theirs
        assert None in ours and len({i for i in ours if i}) > 20  # locks and queues both bit


def test_a_job_waits_while_a_running_job_holds_its_lock():
    async def run() -> list[int | None]:
        connector = InProcessConnector()
        worker = (await connector.register_worker_one())["worker_id"]
        made = await connector.defer_jobs_all(
            [
                types.JobToDefer(
                    queue_name="crawl",
                    task_name="t",
                    priority=priority,
                    lock=lock,
                    queueing_lock=None,
                    args={},
                    scheduled_at=None,
                )
                for priority, lock in [(0, "posts 1"), (9, "posts 1"), (0, "posts 2")]
            ]
        )
        ids = [row["id"] for row in made]
        first = (await connector.fetch_job_one(None, worker))["id"]  # the priority-9 job
        second = (await connector.fetch_job_one(None, worker))["id"]  # not the other posts 1
        third = (await connector.fetch_job_one(None, worker))["id"]  # none: posts 1 is held
        await connector.finish_job_run(first, "succeeded", True)
        fourth = (await connector.fetch_job_one(None, worker))["id"]
        return [x if x is None else ids.index(x) for x in (first, second, third, fourth)]

    assert asyncio.run(run()) == [1, 2, None, 0]
