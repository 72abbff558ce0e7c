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
    src = _write(tmp_path / "in.jsonl", [
        json.dumps({"id": "a1", "text": "Absolute fucking scumbag, should have given him a few digs",
                    "platform": "x", "ignored": [1, 2]}),
        json.dumps({"id": 42, "text": "Lovely morning at the school fete"}),
        "",
        json.dumps({"id": "c3", "text": ""}),
    ])
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["classify", "--in", str(src), "--out", str(out), "--model", str(tiny_model_dir)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    envelope = read_envelope(tiny_model_dir)
    assert [r["id"] for r in rows] == ["a1", 42, "c3"]
    for r in rows:
        assert set(r) == {"id", "labels", "scores", "model_version"}
        assert r["model_version"] == envelope["version"]
        assert set(r["scores"]) == set(LABELS) and all(0 <= s <= 1 for s in r["scores"].values())
        expected = [label for label in LABELS if r["scores"][label] >= envelope["thresholds"][label]]
        assert r["labels"] == expected


def test_explanations_on_request(tmp_path, tiny_model_dir):
    src = _write(tmp_path / "in.jsonl", [json.dumps({"id": "a", "text": "Fucking useless scumbag, gave him a few digs"})])
    out = tmp_path / "out.jsonl"
    runner.invoke(app, ["classify", "--in", str(src), "--out", str(out), "--model", str(tiny_model_dir), "--explain"])
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert set(row["explanation"]) == set(row["labels"])


def test_a_bad_line_rejects_the_file_with_line_and_field(tmp_path, tiny_model_dir):
    src = _write(tmp_path / "in.jsonl", [json.dumps({"id": "ok", "text": "fine"}), json.dumps({"id": "x"}),
                                         "{not json", json.dumps({"text": "no id"})])
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["classify", "--in", str(src), "--out", str(out), "--model", str(tiny_model_dir)])
    assert isinstance(result.exception, InputFileError)
    message = str(result.exception)
    assert "row 2, column 'text'" in message and "row 3: not valid JSON" in message and "row 4, column 'id'" in message
    assert not out.exists() and not (tmp_path / "out.jsonl.tmp").exists()


def test_without_model_the_active_version_is_used(tmp_path, use_database, tiny_model_dir):
    src = _write(tmp_path / "in.jsonl", [json.dumps({"id": "a", "text": "quiet shift"})])
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["classify", "--in", str(src), "--out", str(out)])
    assert isinstance(result.exception, registry.NoActiveModel)
    with session_scope() as session:
        version = registry.activate(session, registry.register(session, tiny_model_dir).version).version
    try:
        result = runner.invoke(app, ["classify", "--in", str(src), "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert json.loads(out.read_text())["model_version"] == version
    finally:
        with session_scope() as session:
            session.delete(registry.get_version(session, version))


@pytest.mark.slow
def test_classify_posts_command_is_idempotent(use_database, tiny_model_dir):
    from tests.classifier.conftest import make_posts
    from probity.models import Flag, Post, Prediction, PlatformAccount

    with session_scope() as session:
        ids = make_posts(session, ["Some fucking scumbag nicked my bike", "Quiet night, bed now"], handle="cli_case")
    try:
        first = runner.invoke(app, ["classify-posts", "--model", str(tiny_model_dir)])
        assert first.exit_code == 0, first.output
        assert json.loads(first.stdout)["classified"] >= 2
        again = json.loads(runner.invoke(app, ["classify-posts", "--model", str(tiny_model_dir)]).stdout)
        assert again["classified"] == 0
    finally:  # remove exactly what this test committed to the shared database
        with session_scope() as session:
            version = read_envelope(tiny_model_dir)["version"]
            row = registry.get_version(session, version)
            mine = session.query(Prediction.id).filter(Prediction.model_version_id == row.id)
            session.query(Flag).filter(Flag.prediction_id.in_(mine.scalar_subquery())).delete(
                synchronize_session=False)
            session.query(Prediction).filter(Prediction.model_version_id == row.id).delete()
            session.query(Post).filter(Post.id.in_(ids)).delete()
            session.query(PlatformAccount).filter(PlatformAccount.handle == "cli_case").delete()
            session.delete(row)
