"""classify-posts commits batch by batch: a run killed part-way keeps every committed batch,
loses the batch it was in, and the next run continues above the watermark without a duplicate.

These tests commit, so each uses a database of its own (``database_factory``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from classifier.registry import load_folder
from classifier.store import (
    classify_posts,
    classify_range,
    missed_below,
    pending_ranges,
    watermark,
)
from probity import db
from probity.models import Flag, Platform, PlatformAccount, Post, Prediction, utcnow
from tests.classifier.conftest import make_posts
from tests.classifier.test_classifier_store import POSTS

ROOT = Path(__file__).resolve().parents[2]
POST_COUNT = 40
BATCH = 4

# The child classifies in batches of BATCH and SIGKILLs itself inside batch KILL_IN, after that
# batch's predictions are written and before its flags and its commit: a crash mid-batch.
CHILD = """
import os, signal, sys
from pathlib import Path
import classifier.store as store
from classifier.registry import load_folder
from probity import db

url, folder, batch, kill_in = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
calls = 0
real_insert = store.insert_predictions

def insert_then_die(session, rows):
    global calls
    real_insert(session, rows)
    calls += 1
    if calls == kill_in:
        os.kill(os.getpid(), signal.SIGKILL)

store.insert_predictions = insert_then_die
engine = db.get_engine(url)
with db.session_scope(engine) as session:
    store.classify_posts(session, load_folder(folder), batch_size=batch, audit_share=0.5)
"""


def _texts(n: int) -> list[str]:
    return [f"{POSTS[i % len(POSTS)]} (post {i})" for i in range(n)]


def _state(url: str) -> tuple[list[tuple[int, list[str]]], list[tuple[int, str]]]:
    """Every prediction (post, labels) and every flag (post, reason), in post order."""
    with db.session_scope(db.get_engine(url)) as session:
        predictions = [
            (post_id, list(labels))
            for post_id, labels in session.execute(
                select(Prediction.post_id, Prediction.labels).order_by(Prediction.post_id)
            )
        ]
        flags = [
            (post_id, reason)
            for post_id, reason in session.execute(
                select(Flag.post_id, Flag.reason).order_by(Flag.post_id)
            )
        ]
    return predictions, flags


def _database_with_posts(database_factory, n: int) -> tuple[str, list[int]]:
    url = database_factory()
    with db.session_scope(db.get_engine(url)) as session:
        ids = make_posts(session, _texts(n))
    return url, ids


@pytest.mark.slow
def test_a_run_killed_mid_batch_keeps_committed_batches_and_a_rerun_adds_no_duplicate(
    database_factory, tiny_model_dir
):
    # The reference: one uninterrupted run over the same posts.
    reference_url, _ = _database_with_posts(database_factory, POST_COUNT)
    with db.session_scope(db.get_engine(reference_url)) as session:
        classify_posts(session, load_folder(tiny_model_dir), batch_size=BATCH, audit_share=0.5)
    expected = _state(reference_url)
    assert len(expected[0]) == POST_COUNT and expected[1]

    url, ids = _database_with_posts(database_factory, POST_COUNT)
    kill_in = 4  # batches 1-3 committed, batch 4 written but not committed
    child = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(tiny_model_dir), str(BATCH), str(kill_in)],
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    predictions, flags = _state(url)
    committed = ids[: BATCH * (kill_in - 1)]
    assert [post_id for post_id, _ in predictions] == committed  # nothing of batch 4 survived
    assert flags == [f for f in expected[1] if f[0] in set(committed)]

    with db.session_scope(db.get_engine(url)) as session:
        loaded = load_folder(tiny_model_dir)
        rerun = classify_posts(session, loaded, batch_size=BATCH, audit_share=0.5)
    assert rerun.classified == POST_COUNT - len(committed)  # it continued where the kill was
    assert _state(url) == expected  # same predictions and flags as one clean run, no duplicate
    with db.session_scope(db.get_engine(url)) as session:
        again = classify_posts(session, loaded, batch_size=BATCH, audit_share=0.5)
    assert again.classified == 0 and _state(url) == expected


def test_each_batch_is_committed_before_the_next_is_read(
    database_factory, tiny_model_dir, monkeypatch
):
    """Another connection sees batch 1's rows while the run is in its second batch."""
    url, ids = _database_with_posts(database_factory, 3 * BATCH)
    engine = db.get_engine(url)
    seen_by_others: list[int] = []
    from classifier import store

    real_classify_batch = store.classify_batch

    def observe(session, loaded, version_id, batch, **kwargs):
        with engine.connect() as other:  # a separate connection: committed rows only
            seen_by_others.append(
                other.execute(select(func.count()).select_from(Prediction)).scalar_one()
            )
        return real_classify_batch(session, loaded, version_id, batch, **kwargs)

    monkeypatch.setattr(store, "classify_batch", observe)
    with db.session_scope(engine) as session:
        stats = classify_posts(session, load_folder(tiny_model_dir), batch_size=BATCH)
    assert stats.classified == len(ids)
    assert seen_by_others == [0, BATCH, 2 * BATCH]


def test_a_post_committed_below_the_watermark_is_still_classified(database_factory, tiny_model_dir):
    """On PostgreSQL a post whose id was drawn early can commit after later ones were
    classified; the next run finds it below the watermark instead of skipping it forever."""
    url, ids = _database_with_posts(database_factory, 6)
    engine = db.get_engine(url)
    loaded = load_folder(tiny_model_dir)
    with db.session_scope(engine) as session:
        late = session.get(Post, ids[2])
        assert late is not None
        late.deleted_at = utcnow()  # out of the run, as if not committed yet
    with db.session_scope(engine) as session:
        assert classify_posts(session, loaded, audit_share=0.0).classified == 5
    with db.session_scope(engine) as session:
        version_id = session.scalar(select(Prediction.model_version_id).limit(1))
        assert version_id is not None
        assert watermark(session, version_id) == ids[-1]
        late = session.get(Post, ids[2])
        assert late is not None
        late.deleted_at = None  # now committed (or restored): below the watermark
    with db.session_scope(engine) as session:
        assert missed_below(session, version_id, ids[-1]) == [ids[2]]
        assert classify_posts(session, loaded, audit_share=0.0).classified == 1
    predictions, _ = _state(url)
    assert [post_id for post_id, _ in predictions] == ids


def test_posts_added_after_a_run_are_the_only_ones_the_next_run_reads(
    database_factory, tiny_model_dir
):
    url, _ = _database_with_posts(database_factory, 5)
    engine = db.get_engine(url)
    loaded = load_folder(tiny_model_dir)
    with db.session_scope(engine) as session:
        assert classify_posts(session, loaded, batch_size=2).classified == 5
    with db.session_scope(engine) as session:
        account = session.scalar(select(PlatformAccount))
        assert account is not None
        newer = [
            Post(
                platform=Platform.bluesky,
                platform_id=f"at://later/{i}",
                account_id=account.id,
                text=text,
                text_sha256=f"{i:064d}",
            )
            for i, text in enumerate(POSTS[:3])
        ]
        session.add_all(newer)
    with db.session_scope(engine) as session:
        stats = classify_posts(session, loaded, batch_size=2)
    assert stats.classified == 3
    predictions, _ = _state(url)
    assert len(predictions) == len({post_id for post_id, _ in predictions}) == 8


def test_job_ranges_are_chosen_by_the_watermark_and_a_range_done_twice_adds_nothing(
    database_factory, tiny_model_dir
):
    """The jobs' planning and their ranges use classify-posts' selection: ranges above the
    watermark, ranges below it only where a post was missed (jobs run out of order)."""
    url, ids = _database_with_posts(database_factory, 12)
    engine = db.get_engine(url)
    loaded = load_folder(tiny_model_dir)
    size = 4
    ranges = sorted({(post_id - 1) // size for post_id in ids})
    with db.session_scope(engine) as session:
        first = classify_range(session, loaded, ids[0], ids[-1] // 2, audit_share=0.0)
        assert first.classified == sum(post_id <= ids[-1] // 2 for post_id in ids)
        version_id = session.scalar(select(Prediction.model_version_id).limit(1))
        assert version_id is not None
        assert pending_ranges(session, version_id, size) == [
            k for k in ranges if (k + 1) * size > ids[-1] // 2
        ]
    # the last range first (a second worker), then the middle: the first ranges' posts are done,
    # the rest below the new watermark are found as missed
    last_range = ranges[-1]
    with db.session_scope(engine) as session:
        classify_range(session, loaded, last_range * size + 1, (last_range + 1) * size)
    with db.session_scope(engine) as session:
        assert watermark(session, version_id) == ids[-1]
        waiting = pending_ranges(session, version_id, size)
        assert waiting == [k for k in ranges if (k + 1) * size > ids[-1] // 2 and k != last_range]
    with db.session_scope(engine) as session:
        done = sum(
            classify_range(session, loaded, k * size + 1, (k + 1) * size).classified
            for k in waiting
        )
        again = classify_range(session, loaded, ids[0], ids[-1]).classified
    assert again == 0  # a range whose posts all have predictions scores nothing
    with db.session_scope(engine) as session:
        assert pending_ranges(session, version_id, size) == []
        assert session.scalar(select(func.count()).select_from(Prediction)) == len(ids)
    assert first.classified + done + sum(
        1 for post_id in ids if last_range * size < post_id
    ) == len(ids)
