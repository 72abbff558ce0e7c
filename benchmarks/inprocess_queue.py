"""Draining n queued jobs from the in-process queue (``probity run --once`` and the demo on
SQLite): Procrastinate's InMemoryConnector against jobs.app.InProcessConnector.

Each job has its own lock, as the crawl's per-account jobs do; every fetch takes the first
waiting job and the job is deleted when it succeeds (``delete_jobs="successful"``).

Run: ``PYTHONPATH=. python benchmarks/inprocess_queue.py [--jobs 400 800 1600]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from procrastinate import types
from procrastinate.testing import InMemoryConnector

from jobs.app import InProcessConnector


async def drain(connector: InMemoryConnector, n: int) -> float:
    worker = (await connector.register_worker_one())["worker_id"]
    await connector.defer_jobs_all(
        [
            types.JobToDefer(
                queue_name="crawl",
                task_name="crawl_account",
                priority=0,
                lock=f"posts {i}",
                queueing_lock=f"posts {i}",
                args={},
                scheduled_at=None,
            )
            for i in range(n)
        ]
    )
    started = time.perf_counter()
    while (job := await connector.fetch_job_one(None, worker))["id"] is not None:
        await connector.finish_job_run(job["id"], "succeeded", True)
    assert not connector.jobs
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[400, 800, 1600])
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("jobs  InMemoryConnector (s)  InProcessConnector (s)")
    for n in args.jobs:
        before = asyncio.run(drain(InMemoryConnector(), n))
        after = asyncio.run(drain(InProcessConnector(), n))
        print(f"{n:>4}  {before:>21.2f}  {after:>22.2f}")


if __name__ == "__main__":
    main()
