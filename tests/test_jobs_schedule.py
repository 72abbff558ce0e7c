"""The schedule (jobs/schedule.py): every planner once, with its cron, registered only when a
process asks for it; ``run --once`` runs the same planners in the same order."""

from __future__ import annotations

import procrastinate
from croniter import croniter  # type: ignore[import-untyped]
from procrastinate.testing import InMemoryConnector

from jobs.app import app as jobs_app
from jobs.schedule import PIPELINE, SCHEDULE, install_schedule


def test_installing_the_schedule_registers_each_planner_once_with_its_cron():
    app = procrastinate.App(connector=InMemoryConnector())
    assert not app.periodic_registry.periodic_tasks
    install_schedule(app)
    install_schedule(app)  # a second install changes nothing
    registered = {
        task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()
    }
    assert registered == {task.name: cron for task, cron in SCHEDULE}
    assert all(croniter.is_valid(cron) for cron in registered.values())
    # the queue's clean-up is scheduled daily but is not part of a single pass
    assert registered["clean_job_queue"] == "45 4 * * *"
    assert [task.name for task in PIPELINE] == [
        task.name for task, _ in SCHEDULE if task.name != "clean_job_queue"
    ]
    # every planner carries a queueing lock: a schedule firing while it waits adds nothing
    assert all(task.queueing_lock for task in PIPELINE)


def test_importing_the_jobs_starts_no_schedule():
    """A single pass (run --once, the demo) must not defer anything on its own."""
    assert not jobs_app.periodic_registry.periodic_tasks
