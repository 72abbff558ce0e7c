"""`probity classify`: input and output formats, errors, the active default model."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from classifier import registry
from classifier.base import read_envelope
from cli import app
from probity.db import session_scope
from probity.errors import InputFileError
from probity.models.review import LABELS

runner = CliRunner()


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_output_lines_carry_id_labels_scores_and_version(tmp_path, tiny_model_dir):
    src = _write(
        tmp_path / "in.jsonl",
        [
            json.dumps(
                {
                    "id": "a1",
                    "text": "Absolute fucking scumbag, should have given him a few digs",
                    "platform": "x",
                    "ignored": [1, 2],
                }
            ),
            json.dumps({"id": 42, "text": "Lovely morning at the school fete"}),
            "",
            json.dumps({"id": "c3", "text": ""}),
        ],
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app, ["classify", "--in", str(src), "--out", str(out), "--model", str(tiny_model_dir)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    envelope = read_envelope(tiny_model_dir)
    assert [r["id"] for r in rows] == ["a1", 42, "c3"]
    for r in rows:  # status, language and risk were added on purpose (issue #10)
        assert set(r) == {"id", "status", "language", "labels", "scores", "risk", "model_version"}
        assert r["model_version"] == envelope["version"] and r["status"] == "scored"
        assert r["risk"] == max(r["scores"].values())
        assert set(r["scores"]) == set(LABELS) and all(0 <= s <= 1 for s in r["scores"].values())
        expected = [
            label for label in LABELS if r["scores"][label] >= envelope["thresholds"][label]
        ]
        assert r["labels"] == expected


def test_explanations_on_request(tmp_path, tiny_model_dir):
    src = _write(
        tmp_path / "in.jsonl",
        [json.dumps({"id": "a", "text": "Fucking useless scumbag, gave him a few digs"})],
    )
    out = tmp_path / "out.jsonl"
    runner.invoke(
        app,
        [
            "classify",
            "--in",
            str(src),
            "--out",
            str(out),
            "--model",
            str(tiny_model_dir),
            "--explain",
        ],
    )
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert set(row["explanation"]) == set(row["labels"])


def test_a_bad_line_rejects_the_file_with_line_and_field(tmp_path, tiny_model_dir):
    src = _write(
        tmp_path / "in.jsonl",
        [
            json.dumps({"id": "ok", "text": "fine"}),
            json.dumps({"id": "x"}),
            "{not json",
            json.dumps({"text": "no id"}),
        ],
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app, ["classify", "--in", str(src), "--out", str(out), "--model", str(tiny_model_dir)]
    )
    assert isinstance(result.exception, InputFileError)
    message = str(result.exception)
    assert (
        "row 2, column 'text'" in message
        and "row 3: not valid JSON" in message
        and "row 4, column 'id'" in message
    )
    assert not out.exists() and not (tmp_path / "out.jsonl.tmp").exists()


def test_without_model_the_active_version_is_used(tmp_path, use_database, tiny_model_dir):
    src = _write(tmp_path / "in.jsonl", [json.dumps({"id": "a", "text": "quiet shift"})])
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["classify", "--in", str(src), "--out", str(out)])
    assert isinstance(result.exception, registry.NoActiveModel)
    with session_scope() as session:
        version = registry.activate(
            session, registry.register(session, tiny_model_dir).version
        ).version
    try:
        result = runner.invoke(app, ["classify", "--in", str(src), "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert json.loads(out.read_text())["model_version"] == version
    finally:
        with session_scope() as session:
            session.delete(registry.get_version(session, version))


@pytest.mark.slow
def test_classify_posts_command_is_idempotent(use_database, tiny_model_dir):
    from sqlalchemy import select

    from probity.models import (
        Flag,
        PlatformAccount,
        Post,
        PostVersion,
        Prediction,
        VersionPrediction,
    )
    from tests.classifier.conftest import make_posts

    with session_scope() as session:
        ids = make_posts(
            session,
            ["Some fucking scumbag nicked my bike", "Quiet night, bed now"],
            handle="cli_case",
        )
    try:
        first = runner.invoke(app, ["classify-posts", "--model", str(tiny_model_dir)])
        assert first.exit_code == 0, first.output
        assert json.loads(first.stdout)["classified"] >= 2
        again = json.loads(
            runner.invoke(app, ["classify-posts", "--model", str(tiny_model_dir)]).stdout
        )
        assert again["classified"] == 0 and again["edited_versions_classified"] == 0
        # the quiet post is edited after capture: its new text is classified, once
        edit = "You absolute fucking scumbag, I will find you"
        with session_scope() as session:
            session.add(PostVersion(post_id=ids[1], text=edit, text_sha256="e" * 64))
        edited = json.loads(
            runner.invoke(app, ["classify-posts", "--model", str(tiny_model_dir)]).stdout
        )
        assert edited["classified"] == 0 and edited["edited_versions_classified"] == 1
        with session_scope() as session:
            [labels] = session.scalars(
                select(VersionPrediction.labels)
                .join(PostVersion, PostVersion.id == VersionPrediction.post_version_id)
                .where(PostVersion.post_id == ids[1])
            ).all()
        assert labels  # the edit is what carries a label now
        third = json.loads(
            runner.invoke(app, ["classify-posts", "--model", str(tiny_model_dir)]).stdout
        )
        assert third["edited_versions_classified"] == 0
    finally:  # remove exactly what this test committed to the shared database
        with session_scope() as session:
            version = read_envelope(tiny_model_dir)["version"]
            row = registry.get_version(session, version)
            mine = session.query(Prediction.id).filter(Prediction.model_version_id == row.id)
            session.query(Flag).filter(Flag.prediction_id.in_(mine.scalar_subquery())).delete(
                synchronize_session=False
            )
            session.query(VersionPrediction).filter(
                VersionPrediction.model_version_id == row.id
            ).delete()
            session.query(PostVersion).filter(PostVersion.post_id.in_(ids)).delete()
            session.query(Prediction).filter(Prediction.model_version_id == row.id).delete()
            session.query(Post).filter(Post.id.in_(ids)).delete()
            session.query(PlatformAccount).filter(PlatformAccount.handle == "cli_case").delete()
            session.delete(row)


def test_odd_text_is_cleaned_and_other_languages_are_written_unscored(tmp_path, tiny_model_dir):
    # a NUL, control characters and a lone surrogate are valid JSON: they used to crash the run
    src = _write(
        tmp_path / "in.jsonl",
        [
            json.dumps({"id": "nul", "text": "quiet\u0000 night\u0007 on earlies"}),
            json.dumps({"id": "sur\ud800", "text": "broken \udc00 emoji half"}),
            json.dumps({"id": "cy", "text": "Mae hi wedi bod yn ddiwrnod hir yn y gwaith heddiw"}),
            json.dumps({"id": "ur", "text": "یہ بہت برا ہے اور میں تھک گیا ہوں"}),
        ],
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app, ["classify", "--in", str(src), "--out", str(out), "--model", str(tiny_model_dir)]
    )
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert set(rows) == {"nul", "sur\ud800", "cy", "ur"}
    assert rows["nul"]["status"] == rows["sur\ud800"]["status"] == "scored"
    assert (rows["cy"]["status"], rows["cy"]["language"], rows["cy"]["scores"]) == (
        "unscored",
        "cy",
        None,
    )
    assert (rows["ur"]["status"], rows["ur"]["language"]) == ("unscored", "ur")


def test_a_post_that_cannot_be_scored_is_skipped_and_the_rest_written(
    tmp_path, tiny_model_dir, caplog
):
    from classifier.files import classify_file

    loaded = registry.load_folder(tiny_model_dir)
    real_predict = loaded.model.predict_proba

    def predict(texts):  # the model fails on one post only (as a tokenizer bug would)
        if any("poison" in t for t in texts):
            raise ValueError("cannot featurise")
        return real_predict(texts)

    loaded.model.predict_proba = predict  # type: ignore[method-assign]
    src = _write(
        tmp_path / "in.jsonl",
        [
            json.dumps({"id": i, "text": t})
            for i, t in enumerate(["quiet shift", "poison pill", "bed now"])
        ],
    )
    out = tmp_path / "out.jsonl"
    stats = classify_file(src, out, loaded)
    assert [r["id"] for r in map(json.loads, out.read_text().splitlines())] == [0, 2]
    assert stats.failed == [("1", "ValueError: cannot featurise")]
    assert "post 1 could not be scored" in caplog.text
