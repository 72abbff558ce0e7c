"""The job queue's own clean-up (jobs/maintenance.py ``clean_job_queue``): finished jobs carry
account and post ids, so succeeded ones go after ``PROBITY_JOBS_KEEP_HOURS`` and failed,
cancelled or aborted ones after ``PROBITY_JOBS_FAILED_KEEP_HOURS``; waiting and running jobs
stay whatever their age."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Connection, create_engine, text

from jobs.app import app, connector_for
from jobs.queue import ensure_schema
from jobs.tasks import clean_job_queue, crawl_account
from probity.errors import ConfigurationError
from probity.settings import Settings, reset_settings_cache

# (status the job ends in, hours since its last event) -> kept by a clean-up that keeps
# succeeded jobs 24 h and the other finished ones 240 h
CASES: dict[tuple[str, int], bool] = {
    ("succeeded", 30): False,
    ("succeeded", 2): True,
    ("failed", 30): True,  # older than the succeeded period, still there to diagnose
    ("failed", 300): False,
    ("cancelled", 300): False,
    ("aborted", 300): False,
    ("todo", 300): True,  # deferred long ago and still waiting: never removed
    ("doing", 300): True,  # running (or stalled, for the reaper to retry): never removed
}
STEPS = {  # the transitions to each status, as a worker makes them (each leaves an event)
    "succeeded": ("doing", "succeeded"),
    "failed": ("doing", "failed"),
    "aborted": ("doing", "aborted"),
    "cancelled": ("cancelled",),
    "doing": ("doing",),
    "todo": (),
}


def _set_status_and_age(conn: Connection, job_id: int, status: str, hours: int) -> None:
    for step in STEPS[status]:
        conn.execute(
            text(
                "UPDATE procrastinate_jobs SET status = CAST(:s AS procrastinate_job_status) "
                "WHERE id = :id"
            ),
            {"s": step, "id": job_id},
        )
    conn.execute(
        text(
            "UPDATE procrastinate_events SET at = now() - make_interval(hours => :h) "
            "WHERE job_id = :id"
        ),
        {"h": hours, "id": job_id},
    )


@pytest.mark.skipif(
    not os.environ.get("PROBITY_TEST_DATABASE_URL"),
    reason="the job queue is PostgreSQL's (Procrastinate): run with PROBITY_TEST_DATABASE_URL",
)
def test_old_finished_jobs_go_and_recent_waiting_and_running_ones_stay(
    database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = database_factory()
    ensure_schema(url)
    monkeypatch.setenv("PROBITY_JOBS_KEEP_HOURS", "24")
    monkeypatch.setenv("PROBITY_JOBS_FAILED_KEEP_HOURS", "240")
    reset_settings_cache()

    async def defer_jobs() -> dict[tuple[str, int], int]:
        ids = {}
        async with app.open_async():
            for n, case in enumerate(CASES):
                # a unit job as the planners defer it: its arguments name an account
                ids[case] = await crawl_account.defer_async(
                    platform="bluesky", base_url="https://bsky.example", account_id=1000 + n
                )
        return ids

    async def clean() -> None:
        async with app.open_async():
            await clean_job_queue.defer_async(timestamp=int(time.time()))
            # a worker of the maintenance queue only: the crawl jobs above are not run
            await app.run_worker_async(
                queues=["maintenance"],
                wait=False,
                concurrency=1,
                listen_notify=False,
                install_signal_handlers=False,
            )

    engine = create_engine(url)
    with app.replace_connector(connector_for(url)):
        ids = asyncio.run(defer_jobs())
        with engine.begin() as conn:
            for (status, hours), job_id in ids.items():
                _set_status_and_age(conn, job_id, status, hours)
        asyncio.run(clean())
    with engine.connect() as conn:
        remaining = set(conn.scalars(text("SELECT id FROM procrastinate_jobs")))
        with_events = set(conn.scalars(text("SELECT DISTINCT job_id FROM procrastinate_events")))
        cleaner = conn.execute(
            text(
                "SELECT status::text, count(*) FROM procrastinate_jobs "
                "WHERE task_name = 'clean_job_queue' GROUP BY 1"
            )
        ).all()
    engine.dispose()

    assert cleaner == [("succeeded", 1)]  # the clean-up ran, on the maintenance queue
    assert {case: ids[case] in remaining for case in CASES} == CASES
    removed = {ids[case] for case, kept in CASES.items() if not kept}
    assert not removed & with_events  # their events went with them


def test_failed_jobs_may_not_be_kept_shorter_than_succeeded_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Procrastinate removes succeeded jobs with the failed ones: a shorter period for failed
    jobs would silently shorten the succeeded jobs' period too."""
    monkeypatch.setenv("PROBITY_JOBS_KEEP_HOURS", "48")
    monkeypatch.setenv("PROBITY_JOBS_FAILED_KEEP_HOURS", "24")
    with pytest.raises(ConfigurationError, match="PROBITY_JOBS_FAILED_KEEP_HOURS"):
        Settings()
    monkeypatch.setenv("PROBITY_JOBS_FAILED_KEEP_HOURS", "48")
    assert Settings().jobs_failed_keep_hours == 48
