"""Classification as jobs (jobs/tasks.py): one job per range of post ids, each range classified
by exactly one job, in one transaction; planning again while nothing is pending adds nothing."""

from __future__ import annotations

import logging
import re

import pytest
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.testing import InMemoryConnector
from sqlalchemy import func, select

from classifier.registry import activate, register
from jobs.app import app
from jobs.queue import run_once
from jobs.tasks import CLASSIFY_BATCH, plan_classify, plan_crawl
from probity.db import get_engine, session_scope
from probity.models import Prediction
from probity.settings import reset_settings_cache
from tests.classifier.conftest import make_posts

TEXTS = [
    "Some fucking clown set the bins alight again, catch you soon you absolute scumbag",
    "Lovely morning at the school fete, thanks to everyone who came to say hello",
    "This force is a joke, senior management couldn't organise a brew round",
]
CLASSIFIED = re.compile(r"classified (\d+) post\(s\)")


def test_batches_are_each_classified_once_by_two_concurrent_jobs(
    database_factory, tiny_model_dir, monkeypatch, caplog
):
    url = database_factory()
    monkeypatch.setenv("PROBITY_DATABASE_URL", url)
    reset_settings_cache()
    n = 2 * CLASSIFY_BATCH + 40  # three id ranges
    with session_scope(get_engine(url)) as session:
        ids = make_posts(session, [TEXTS[i % 3] for i in range(n)], repost_at={5, 700})
        activate(session, register(session, tiny_model_dir).version)
    caplog.set_level(logging.INFO)

    run_once(concurrency=2, stages=["plan_classify"])

    batches = [int(m) for m in CLASSIFIED.findall(caplog.text)]
    assert len(batches) >= 3 and sum(batches) == n - 2  # no post scored twice, reposts skipped
    with session_scope(get_engine(url)) as session:
        predicted = session.scalars(select(Prediction.post_id)).all()
        assert sorted(predicted) == sorted(set(ids) - {ids[5], ids[700]})

    caplog.clear()
    run_once(stages=["plan_classify"])  # nothing pending: no job, no prediction added
    assert "classification: 0 batch job(s) deferred" in caplog.text
    with session_scope(get_engine(url)) as session:
        assert session.scalar(select(func.count()).select_from(Prediction)) == n - 2


def test_planning_again_while_the_batches_wait_adds_no_job(
    database_factory, tiny_model_dir, monkeypatch
):
    """The schedule firing while the last run's batches are still queued piles nothing up."""
    url = database_factory()
    monkeypatch.setenv("PROBITY_DATABASE_URL", url)
    reset_settings_cache()
    with session_scope(get_engine(url)) as session:
        make_posts(session, [TEXTS[i % 3] for i in range(CLASSIFY_BATCH + 1)])
        activate(session, register(session, tiny_model_dir).version)
    queue = InMemoryConnector()
    with app.replace_connector(queue), app.open():
        assert plan_classify(timestamp=0) == 2
        assert plan_classify(timestamp=600) == 0  # both ranges still wait: queueing locks
        plan_crawl.configure().defer(timestamp=0)
        with pytest.raises(AlreadyEnqueued):  # nor does a planner wait twice in the queue
            plan_crawl.configure().defer(timestamp=1800)
    waiting = sorted(
        job["args"]["first_id"]
        for job in queue.jobs.values()
        if job["task_name"] == "classify_batch"
    )
    assert waiting == [1, CLASSIFY_BATCH + 1]
