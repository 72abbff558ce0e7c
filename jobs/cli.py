"""``probity worker`` and ``probity run``: thin wrappers over :mod:`jobs.queue`."""

from __future__ import annotations

import json

import typer

QUEUE = typer.Option(
    [],
    "--queue",
    "-q",
    help="Work only this queue (repeatable): discover, crawl, classify, maintenance",
)
CONCURRENCY = typer.Option(1, "--concurrency", "-c", min=1, help="Jobs run at once (threads)")


SCHEDULE = typer.Option(
    True, "--schedule/--no-schedule", help="Also defer the scheduled jobs when they fall due"
)


def worker(
    queue: list[str] = QUEUE, concurrency: int = CONCURRENCY, schedule: bool = SCHEDULE
) -> None:
    """Run background jobs and the schedule from the PostgreSQL queue (any number of machines)."""
    from jobs.queue import run_worker
    from jobs.tasks import QUEUES

    unknown = sorted(set(queue) - set(QUEUES))
    if unknown:
        raise typer.BadParameter(
            f"unknown queue(s) {', '.join(unknown)}: expected {', '.join(QUEUES)}"
        )
    run_worker(queue or None, concurrency, schedule=schedule)


def run(
    once: bool = typer.Option(
        False,
        "--once",
        help="Run every scheduled stage once (discover, graph … classify, retention, anchor, "
        "reports) with all the jobs it defers, then exit",
    ),
) -> None:
    """Run the pipeline in this process: the schedule, or with --once a single pass.

    --once prints one JSON line: each stage's seconds and, per platform, its crawl jobs'
    requests and counts."""
    from jobs.queue import run_once, run_schedule

    if once:
        typer.echo(json.dumps(run_once().as_dict()))
    else:
        run_schedule()
