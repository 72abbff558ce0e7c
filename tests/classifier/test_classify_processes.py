"""classify-posts --processes N: N processes share the id ranges and the result is the same
predictions and flags as one process, with nothing twice; a second run adds nothing."""

from __future__ import annotations

import logging

import pytest

from classifier.parallel import classify_posts_parallel
from classifier.registry import load_folder
from classifier.store import classify_posts
from probity import db
from probity.errors import ConfigurationError
from tests.classifier.test_classifier_batches import _database_with_posts, _state

POST_COUNT = 30
BATCH = 4


@pytest.mark.parametrize("model_dir", ["tiny_model_dir", "tiny_minilm_model_dir"])
def test_two_processes_classify_each_post_once_as_one_would(
    database_factory, model_dir, engine_name, caplog, request
):
    """For the baseline and for the default's kind, whose spawned processes each build their
    own sentence encoder."""
    if engine_name != "postgresql":
        pytest.skip("several writing processes: PostgreSQL only")
    folder = request.getfixturevalue(model_dir)
    reference_url, _ = _database_with_posts(database_factory, POST_COUNT)
    with db.session_scope(db.get_engine(reference_url)) as session:
        classify_posts(session, load_folder(folder), batch_size=BATCH, audit_share=0.5)
    expected = _state(reference_url)

    url, ids = _database_with_posts(database_factory, POST_COUNT)
    loaded = load_folder(folder)
    caplog.set_level(logging.INFO, logger="classifier.parallel")
    stats = classify_posts_parallel(loaded, 2, url=url, batch_size=BATCH, audit_share=0.5)
    assert stats.classified == POST_COUNT
    assert "8 id range(s) of 4 posts to classify in 2 process(es)" in caplog.text
    predictions, flags = _state(url)
    assert [post_id for post_id, _ in predictions] == ids  # each post once
    assert (predictions, flags) == expected
    again = classify_posts_parallel(loaded, 2, url=url, batch_size=BATCH, audit_share=0.5)
    assert again.classified == 0 and _state(url) == expected


def test_several_processes_on_sqlite_are_refused(database_factory, tiny_model_dir, engine_name):
    if engine_name != "sqlite":
        pytest.skip("the SQLite refusal")
    url, _ = _database_with_posts(database_factory, 3)
    with pytest.raises(ConfigurationError, match="needs PostgreSQL"):
        classify_posts_parallel(load_folder(tiny_model_dir), 2, url=url)
