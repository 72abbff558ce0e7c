"""The schedule (cron, UTC, in code) of the planners, in the order ``probity run --once`` runs them.

Each stage's jobs finish before the next planner runs in a single pass: discovery by search, then
by the follow graph (it walks the accounts search found), then profiles and posts, then the
classification of what they brought. The schedule is registered on the app (Procrastinate's
``App.periodic``) only by the processes that keep it: ``probity worker`` (unless
``--no-schedule``) and ``probity run`` without ``--once``. A single pass (``run --once``, the
demo) never starts it, so no schedule can fire in the middle of the pass.
"""

from __future__ import annotations

import logging
from typing import Any

import procrastinate
from procrastinate.exceptions import TaskAlreadyRegistered
from procrastinate.tasks import Task

from jobs import tasks

log = logging.getLogger(__name__)

SCHEDULE: tuple[tuple[Task[Any, Any, Any], str], ...] = (
    (tasks.plan_discover, "0 2 * * *"),  # daily 02:00: every search query
    (tasks.plan_graph, "30 2 * * *"),  # daily 02:30: new follow lists; stale ones refreshed
    (tasks.plan_refresh, "0 3 * * *"),  # daily 03:00: every in-scope profile again
    (tasks.plan_crawl, "*/30 * * * *"),  # every 30 minutes: new posts (and the recent window)
    (tasks.plan_rewalk, "0 1 * * 0"),  # Sundays 01:00: whole feeds last walked 28+ days ago
    (tasks.plan_classify, "*/10 * * * *"),  # every 10 minutes: unclassified posts and edits
    (tasks.retention, "30 4 * * *"),  # daily 04:30: the retention schedule applied
    (tasks.anchor_audit, "5 0 * * *"),  # daily 00:05: the audit chain's head anchored
    (tasks.plan_reports, "0 6 * * 1"),  # Mondays 06:00: every force's report and the national one
)

# The order ``probity run --once`` runs the planners in: every scheduled planner, once.
PIPELINE: tuple[Task[Any, Any, Any], ...] = tuple(task for task, _ in SCHEDULE)


def install_schedule(app: procrastinate.App) -> None:
    """Register every planner's cron on ``app``: its workers then defer each when it falls due
    (each scheduled time once, however many workers). Installing twice changes nothing."""
    for task, cron in SCHEDULE:
        try:
            app.periodic(cron=cron)(task)
        except TaskAlreadyRegistered:
            log.debug("%s is already scheduled", task.name)
