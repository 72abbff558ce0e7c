"""Running the tasks: ``probity worker`` (PostgreSQL) and ``probity run`` (in process).

A worker killed with SIGKILL leaves its job in ``doing``; it stops sending heartbeats, so after
``PROBITY_WORKER_STALLED_SECONDS`` any live worker puts the job back in the queue (the reaper
below). The retried job resumes from the checkpoint its predecessor committed last.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import procrastinate
import psycopg
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.schema import SchemaManager

from jobs.app import app, connector_for, is_postgresql, libpq_url
from jobs.usage import LEDGER
from probity.errors import ConfigurationError
from probity.settings import get_settings

log = logging.getLogger(__name__)
SCHEMA_LOCK = 0x70726F63  # advisory lock key: workers starting together apply the schema once


def ensure_schema(url: str) -> bool:
    """Apply Procrastinate's schema to the PostgreSQL database if it is missing; True if applied.

    Kept out of the Alembic history on purpose: it is Procrastinate's, versioned with it."""
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone() != (None,):
            return False
        conn.execute(SchemaManager.get_schema().encode())  # no parameters: '%' stays as is
    log.info("applied Procrastinate's schema (the job queue)")
    return True


async def _retry_stalled(procrastinate_app: procrastinate.App, stalled_seconds: float) -> None:
    """Put back in the queue the jobs of workers that stopped sending heartbeats (killed)."""
    manager = procrastinate_app.job_manager
    while True:
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_seconds):
            log.warning("job %s (%s) lost its worker: retrying it", job.id, job.task_name)
            try:
                await manager.retry_job(job)
            except Exception as exc:  # noqa: BLE001 - another worker retried it first
                log.info("job %s not retried here: %s", job.id, exc)
        await asyncio.sleep(max(0.5, stalled_seconds / 4))


def run_worker(queues: Iterable[str] | None, concurrency: int, *, schedule: bool = True) -> None:
    """Work the queues until stopped (SIGINT/SIGTERM finish the running jobs first).

    Every worker started with the schedule defers the jobs that fall due; Procrastinate records
    each (task, time) once, so N such workers still defer each scheduled run once."""
    settings = get_settings()
    url = settings.resolved_database_url
    if not is_postgresql(url):
        raise ConfigurationError(
            "probity worker needs PostgreSQL (PROBITY_DATABASE_URL=postgresql+psycopg://…); "
            "on the embedded SQLite database run the jobs in process: probity run"
        )
    if settings.worker_stalled_seconds < 3 * settings.worker_heartbeat_seconds:
        # a live worker whose heartbeat is merely late would have its running job retried
        raise ConfigurationError(
            f"PROBITY_WORKER_STALLED_SECONDS ({settings.worker_stalled_seconds}) must be at least "
            f"3 × PROBITY_WORKER_HEARTBEAT_SECONDS ({settings.worker_heartbeat_seconds})"
        )
    ensure_schema(url)

    async def work() -> None:
        async with app.open_async():
            reaper = asyncio.create_task(_retry_stalled(app, settings.worker_stalled_seconds))
            try:
                options: dict[str, Any] = {"queues": list(queues)} if queues else {}
                await app.run_worker_async(
                    **options,
                    concurrency=concurrency,
                    update_heartbeat_interval=settings.worker_heartbeat_seconds,
                    stalled_worker_timeout=settings.worker_stalled_seconds,
                    delete_jobs="successful",
                )
            finally:
                reaper.cancel()

    if schedule:
        from jobs.schedule import install_schedule

        install_schedule(app)
    with app.replace_connector(connector_for(url)):
        asyncio.run(work())


def run_schedule() -> None:
    """``probity run`` without --once: the schedule and its jobs in this process (SQLite)."""
    url = get_settings().resolved_database_url
    if is_postgresql(url):
        run_worker(None, 1)
        return
    from jobs.schedule import install_schedule

    install_schedule(app)
    with app.replace_connector(connector_for(url)):
        app.run_worker(concurrency=1, listen_notify=False, delete_jobs="successful")


async def _drain(concurrency: int) -> None:
    """Work until no job waits. A worker with ``wait=False`` stops as soon as one of its slots
    finds the queue empty, even while another slot's job (a planner) is still deferring more:
    so pass again until nothing is left."""
    while True:
        await app.run_worker_async(
            wait=False,
            concurrency=concurrency,
            listen_notify=False,
            install_signal_handlers=False,
            delete_jobs="successful",
        )
        if not list(await app.job_manager.list_jobs_async(status="todo")):
            return
        await asyncio.sleep(0.2)  # e.g. a job waiting for a lock another worker holds


@dataclass
class OnceResult:
    """What a single pass did, per planner: its seconds (the planner and all its jobs) and, per
    platform, the crawl jobs this process ran and what they spent (jobs/usage.py)."""

    seconds: dict[str, float] = field(default_factory=dict)
    usage: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)

    def requests(self, planner: str, platform: str) -> int:
        return self.usage.get(planner, {}).get(platform, {}).get("requests", 0)

    def as_dict(self) -> dict[str, Any]:
        return {"seconds": self.seconds, "usage": self.usage}


def run_once(concurrency: int = 1, stages: Iterable[str] | None = None) -> OnceResult:
    """Run each planner of the schedule once, in order, and every job it defers, then return.

    ``stages`` names the planners to run (default: all of them). On SQLite the queue is in
    memory; on PostgreSQL it is the shared queue (workers elsewhere may take some of the jobs:
    each runs once either way, and only those run here are in the usage)."""
    from jobs.schedule import PIPELINE

    wanted = set(stages) if stages is not None else None
    unknown = (wanted or set()) - {planner.name for planner in PIPELINE}
    if unknown:
        raise ConfigurationError(f"not a scheduled planner: {', '.join(sorted(unknown))}")

    url = get_settings().resolved_database_url
    if is_postgresql(url):
        ensure_schema(url)
    stamp = int(time.time())
    done = OnceResult()

    async def once() -> None:
        async with app.open_async():
            for planner in PIPELINE:
                if wanted is not None and planner.name not in wanted:
                    continue
                log.info("run --once: %s", planner.name)
                try:
                    await planner.defer_async(timestamp=stamp)
                except AlreadyEnqueued:
                    log.info("%s already queued: running what is queued", planner.name)
                started, before = time.monotonic(), LEDGER.snapshot()
                await _drain(concurrency)
                done.seconds[planner.name] = round(time.monotonic() - started, 2)
                done.usage[planner.name] = LEDGER.since(before)
                log.info(
                    "run --once: %s and its jobs done in %.1fs; %s",
                    planner.name,
                    done.seconds[planner.name],
                    done.usage[planner.name] or "no crawl job",
                )

    with app.replace_connector(connector_for(url)), _quiet_procrastinate():
        asyncio.run(once())
    return done


@contextmanager
def _quiet_procrastinate() -> Iterator[None]:
    """Procrastinate logs every job's start and end at INFO, and each crawl job its requests
    (`jobs.crawling`, useful in a long-running worker); in a single pass each planner's summary
    line says what its jobs did, and rendering thousands of lines cost the demo more than its
    queue did (7.7 s of 40 s at scale 0.1, profiled), burying its progress."""
    loggers = [logging.getLogger(name) for name in ("procrastinate", "jobs.crawling")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        if logger.getEffectiveLevel() >= logging.INFO:
            logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
