"""The schedule (cron, UTC, in code) of the planners, in the order ``probity run --once`` runs them
(all but the queue's own clean-up).

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
    (tasks.clean_job_queue, "45 4 * * *"),  # daily 04:45: old finished jobs removed
    (tasks.plan_reports, "0 6 * * 1"),  # Mondays 06:00: every force's report and the national one
)

# Housekeeping of the queue itself, kept out of a single pass: a pass leaves nothing old for it
# to remove (its in-process queue ends with the process; on PostgreSQL its jobs are deleted as
# they succeed, and its failed ones are what the operator reads next), and the demo has no use
# for it. Only the schedule runs it.
SCHEDULED_ONLY = frozenset({tasks.clean_job_queue.name})

# The order ``probity run --once`` runs the planners in: every other scheduled planner, once.
PIPELINE: tuple[Task[Any, Any, Any], ...] = tuple(
    task for task, _ in SCHEDULE if task.name not in SCHEDULED_ONLY
)


def install_schedule(app: procrastinate.App) -> None:
    """Register every planner's cron on ``app``: its workers then defer each when it falls due
    (each scheduled time once, however many workers). Installing twice changes nothing."""
    for task, cron in SCHEDULE:
        try:
            app.periodic(cron=cron)(task)
        except TaskAlreadyRegistered:
            log.debug("%s is already scheduled", task.name)
