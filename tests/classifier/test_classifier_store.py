"""Stored predictions per (post, model version); classifying again is a no-op; flags."""

from __future__ import annotations

import json
import shutil

from sqlalchemy import func, select

from classifier.registry import load_folder, register
from classifier.store import classify_posts
from probity.models import Flag, FlagStatus, Prediction
from tests.classifier.conftest import make_posts

POSTS = [
    "Some fucking clown set the bins alight again, catch you soon you absolute scumbag",
    "Cordon still up on Barnfield Road, body found in the back bedroom, suspect in the cells",
    "Lovely morning at the school fete, thanks to everyone who came to say hello",
    "This force is a joke, senior management couldn't organise a brew round",
]


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_classifying_twice_with_the_same_version_is_a_no_op(db_session, tiny_model_dir):
    ids = make_posts(db_session, POSTS)
    loaded = load_folder(tiny_model_dir)
    first = classify_posts(db_session, loaded, commit=False)
    assert first.classified == len(ids)
    predictions, flags = _count(db_session, Prediction), _count(db_session, Flag)
    stored = {p.post_id: (p.scores, p.labels) for p in db_session.scalars(select(Prediction))}
    second = classify_posts(db_session, loaded, commit=False)
    assert second.classified == 0
    assert (_count(db_session, Prediction), _count(db_session, Flag)) == (predictions, flags)
    assert {
        p.post_id: (p.scores, p.labels) for p in db_session.scalars(select(Prediction))
    } == stored


def test_flags_are_pending_carry_the_force_and_explanations(db_session, tiny_model_dir):
    ids = make_posts(db_session, POSTS, force_id="west-yorkshire")
    loaded = load_folder(tiny_model_dir)
    stats = classify_posts(
        db_session, loaded, audit_share=0.0, commit=False
    )  # audit flags: tested below
    predictions = {p.post_id: p for p in db_session.scalars(select(Prediction))}
    assert set(predictions) == set(ids)
    labelled = [pid for pid in ids if predictions[pid].labels]
    assert stats.flagged == len(labelled) and labelled
    for flag in db_session.scalars(select(Flag)):
        p = predictions[flag.post_id]
        assert flag.status == FlagStatus.pending
        assert flag.force_id == "west-yorkshire"
        assert flag.prediction_id == p.id and flag.labels == p.labels
        assert flag.max_score == max(p.scores[label] for label in p.labels)
        assert set(p.explanation) == set(p.labels)  # the words behind every label it got
        for spans in p.explanation.values():
            assert all(
                POSTS[ids.index(flag.post_id)][s["start"] : s["end"]] == s["text"] for s in spans
            )
    for pid in ids:
        if not predictions[pid].labels:
            assert predictions[pid].explanation is None
            assert db_session.scalar(select(Flag).where(Flag.post_id == pid)) is None


def test_a_new_version_predicts_again_but_keeps_the_existing_flag(
    db_session, tiny_model_dir, tmp_path
):
    make_posts(db_session, POSTS[:2])
    classify_posts(db_session, load_folder(tiny_model_dir), commit=False)
    flags_before = {f.post_id: f.id for f in db_session.scalars(select(Flag))}
    other = tmp_path / "other"
    shutil.copytree(tiny_model_dir, other)
    envelope = json.loads((other / "model.json").read_text())
    envelope["version"] = "tiny-other"
    (other / "model.json").write_text(json.dumps(envelope))
    stats = classify_posts(db_session, load_folder(other), commit=False)
    assert stats.classified == 2
    assert _count(db_session, Prediction) == 4
    assert {f.post_id: f.id for f in db_session.scalars(select(Flag))} == flags_before


def test_reposts_are_not_classified(db_session, tiny_model_dir):
    ids = make_posts(db_session, POSTS[:2], repost_at={1})
    row = register(db_session, tiny_model_dir)
    loaded = load_folder(tiny_model_dir)
    loaded.row = row
    assert classify_posts(db_session, loaded, commit=False).classified == 1
    assert db_session.scalar(select(Prediction.post_id)) == ids[0]


def test_other_languages_are_unscored_flags_and_a_share_of_the_rest_are_audit_flags(
    db_session, tiny_model_dir
):
    welsh = "Mae hi wedi bod yn ddiwrnod hir yn y gwaith heddiw, diolch i bawb"
    ids = make_posts(db_session, [*POSTS, welsh], force_id="dyfed-powys")
    loaded = load_folder(tiny_model_dir)
    stats = classify_posts(
        db_session, loaded, audit_share=1.0, commit=False
    )  # every unflagged post audited
    flags = {f.post_id: f for f in db_session.scalars(select(Flag))}
    predictions = {p.post_id: p for p in db_session.scalars(select(Prediction))}
    assert set(flags) == set(ids)  # labelled, audit or unscored: every post is in the queue
    unscored = flags[ids[-1]]
    assert (unscored.reason, unscored.language, unscored.labels) == ("unscored", "cy", [])
    assert loaded.calibration is not None
    assert unscored.risk == loaded.calibration.prevalence  # the prior: nothing else is known
    assert predictions[ids[-1]].scores == {} and predictions[ids[-1]].explanation == {
        "language": "cy"
    }
    for pid in ids[:-1]:
        flag, p = flags[pid], predictions[pid]
        assert flag.reason == ("model" if p.labels else "audit") and flag.language is None
        assert flag.risk == max(p.scores.values())  # the calibrated risk orders the queue
    assert (stats.unscored, stats.audit + stats.flagged) == (1, len(POSTS))
