"""The Procrastinate app every task is registered on, and the connector for a database URL.

PostgreSQL holds the queue (no other service to run). The embedded SQLite default has no queue
Procrastinate can use, so there the same tasks run in process on an in-memory queue
(``probity run``). The module-level ``app`` takes its connector from the settings when first
imported, so Procrastinate's own CLI works too: ``procrastinate --app=jobs.app.app …``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import procrastinate
from procrastinate import utils
from procrastinate.testing import InMemoryConnector
from sqlalchemy.engine import make_url

from probity.settings import get_settings


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as psycopg's connection string (no ``+driver``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class InProcessConnector(InMemoryConnector):
    """Procrastinate's in-memory queue, taking the next job in time linear in the queue.

    Procrastinate's own (a test double) recomputes the running jobs' locks for every waiting
    job on every fetch, so draining n queued jobs costs n³: 1,600 jobs (the demo's crawl at
    scale 1) took 52 s, against 0.5 s here (benchmarks/inprocess_queue.py). The choice is the
    same: the first waiting job by priority then id, in the asked queues, due, whose lock no
    running job holds (tests/test_jobs_inprocess_queue.py checks it against Procrastinate's)."""

    async def fetch_job_one(self, queues: Iterable[str] | None, worker_id: int) -> dict[str, Any]:
        assert worker_id in self.workers, f"Worker {worker_id} not found"
        held, now = set(self.current_locks), utils.utcnow()
        waiting = [
            job
            for job in self.jobs.values()
            if job["status"] == "todo"
            and (queues is None or job["queue_name"] in queues)
            and (not job["scheduled_at"] or job["scheduled_at"] <= now)
            and job["lock"] not in held
        ]
        if not waiting:
            return {"id": None}
        job = min(waiting, key=lambda job: (-job["priority"], job["id"]))
        job["status"] = "doing"
        job["worker_id"] = worker_id
        self.events[job["id"]].append({"type": "started", "at": now})
        return job


def connector_for(url: str) -> procrastinate.BaseConnector:
    """PostgreSQL: the shared queue. Anything else: an in-process queue (lost at exit)."""
    if is_postgresql(url):
        return procrastinate.PsycopgConnector(conninfo=libpq_url(url))
    return InProcessConnector()


app = procrastinate.App(
    connector=connector_for(get_settings().resolved_database_url),
    import_paths=["jobs.tasks"],
)
