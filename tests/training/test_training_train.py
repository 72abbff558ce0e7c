"""A tiny end-to-end training run from a TOML config, with and without OLID, and its config errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from classifier import registry
from classifier.base import read_envelope
from classifier.kinds import load_model
from cli import app
from probity.db import session_scope
from probity.errors import ConfigurationError
from probity.models.review import LABELS
from training.config import REPO_ROOT, load_config
from training.train import train_from_config

TINY = REPO_ROOT / "training" / "configs" / "tiny.toml"


def _fake_olid(root, n=40):
    d = root / "tweeteval-offensive"
    d.mkdir(parents=True)
    for split in ("train", "val", "test"):
        texts = [
            f"@user you are a total idiot number {i}" if i % 2 else f"@user nice game today {i}"
            for i in range(n)
        ]
        (d / f"{split}_text.txt").write_text("\n".join(texts) + "\n")
        (d / f"{split}_labels.txt").write_text("\n".join(str(i % 2) for i in range(n)) + "\n")
    return root


def test_tiny_run_writes_a_complete_model_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PROBITY_SHARED_DATA_DIR", str(tmp_path / "absent"))
    result = train_from_config(TINY, models_dir=tmp_path / "models", publish_card=False)
    folder = result.path
    assert folder.parent == tmp_path / "models" and folder.name == result.version
    for name in ("model.json", "config.toml", "metrics.json", "model_card.md"):
        assert (folder / name).exists(), name
    assert (folder / "config.toml").read_text() == TINY.read_text()
    envelope = read_envelope(folder)
    assert set(envelope["thresholds"]) == set(LABELS) and "olid_threshold" not in envelope
    metrics = json.loads((folder / "metrics.json").read_text())
    assert (
        metrics["data"]["train"] == 300
        and metrics["data"]["olid_train"] == 0
        and "olid" not in metrics
    )
    for split in ("dev", "test"):
        assert set(metrics[split]["labels"]) == set(LABELS)
        assert 0 <= metrics[split]["macro_f1"] <= 1
        assert "calibration" in metrics[split] and "confusions" in metrics[split]
    assert metrics["test"]["macro_f1"] > 0.3  # learnt something even from 300 posts
    card = (folder / "model_card.md").read_text()
    assert "human review" in card and "Known limitations" in card and result.version in card
    # the thresholds in the card are the saved ones
    assert f"{envelope['thresholds']['protocol']:.4f}" in card
    assert load_model(folder).predict_proba(["a post"]).shape == (1, 4)


def test_with_shared_data_the_card_reports_olid_test_once(tmp_path, monkeypatch):
    monkeypatch.setenv("PROBITY_SHARED_DATA_DIR", str(_fake_olid(tmp_path / "shared")))
    result = train_from_config(TINY, models_dir=tmp_path / "models", publish_card=False)
    olid = result.metrics["olid"]
    assert result.metrics["data"]["olid_train"] == 40
    assert olid["test_n"] == 40 and olid["test_macro_f1"] > 0.9  # the fake set is separable
    assert read_envelope(result.path)["olid_threshold"] == olid["threshold"]
    assert "OLID" in (result.path / "model_card.md").read_text()


def test_cli_train_registers_an_inactive_version(tmp_path, monkeypatch, use_database):
    monkeypatch.setenv("PROBITY_SHARED_DATA_DIR", str(tmp_path / "absent"))
    result = CliRunner().invoke(app, ["train", "--config", str(TINY)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["active"] is False
    with session_scope() as session:
        row = registry.get_version(session, out["version"])
        try:
            assert row.active is False and registry.active_version(session) is None
        finally:
            session.delete(row)


def test_config_errors_are_specific(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[model]\nkind = "tfidf-logreg"\n[data]\nolid = "maybe"\n')
    with pytest.raises(ConfigurationError, match="'olid' must be 'auto' or 'off'"):
        load_config(bad)
    bad.write_text('[model]\nkind = "tfidf-logreg"\n[optimiser]\nlr = 1\n')
    with pytest.raises(ConfigurationError, match="unknown section"):
        load_config(bad)
    bad.write_text("[model]\n")
    with pytest.raises(ConfigurationError, match="needs 'kind'"):
        load_config(bad)
    bad.write_text("name = [1")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        load_config(bad)


def test_evaluate_command_reports_metrics_for_a_labelled_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PROBITY_SHARED_DATA_DIR", str(tmp_path / "absent"))
    folder = train_from_config(TINY, models_dir=tmp_path / "models", publish_card=False).path
    data = tmp_path / "eval.jsonl"
    data.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {
                    "id": "1",
                    "text": "Fucking scumbag kicked off in custody again",
                    "labels": ["offensive"],
                },
                {"id": "2", "text": "Lovely community event in the park today", "labels": []},
            ]
        )
    )
    result = CliRunner().invoke(app, ["evaluate", "--model", str(folder), "--data", str(data)])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["n"] == 2 and set(metrics["labels"]) == set(LABELS)
    assert metrics["model_version"] == result_version(folder)


def result_version(folder):
    return read_envelope(folder)["version"]


def test_reviewed_examples_join_the_training_data(tmp_path, monkeypatch):
    monkeypatch.setenv("PROBITY_SHARED_DATA_DIR", str(tmp_path / "absent"))
    reviewed = [
        {
            "id": f"reviewed-{i}",
            "text": f"Reviewed post number {i} about a shift",
            "labels": [],
            "platform": "x",
            "kind": "negative",
            "split": "train",
        }
        for i in range(5)
    ]
    result = train_from_config(
        TINY, reviewed=reviewed, models_dir=tmp_path / "m", publish_card=False
    )
    assert result.metrics["data"]["reviewed"] == 5
    assert "reviewed decisions added: 5" in (result.path / "model_card.md").read_text()


def test_ensemble_members_resolve_to_the_newest_trained_model_of_a_kind(tmp_path):
    from training.train import resolve_member

    for version in ("tiny-20260101T000000", "tiny-20260301T000000", "other-20260201T000000"):
        d = tmp_path / version
        d.mkdir()
        (d / "model.json").write_text(json.dumps({"kind": "tfidf-logreg", "version": version}))
        (d / "metrics.json").write_text("{}")
    assert resolve_member("latest:tfidf-logreg", tmp_path) == str(tmp_path / "tiny-20260301T000000")
    assert resolve_member("other-20260201T000000", tmp_path) == str(
        tmp_path / "other-20260201T000000"
    )
    with pytest.raises(ConfigurationError, match="no trained transformer"):
        resolve_member("latest:transformer", tmp_path)


def test_the_card_describes_the_ngram_ranges_the_config_trained_with():
    from training.model_card import _description

    baseline = load_config(REPO_ROOT / "training" / "configs" / "baseline.toml")
    words = baseline.params["word_ngram_range"]
    assert f"word {words[0]}–{words[1]}-grams" in _description("tfidf-logreg", baseline)
    # the tiny config sets no ranges: the estimator's defaults are described
    assert "word 1–2-grams and character 2–5-grams" in _description(
        "tfidf-logreg", load_config(TINY)
    )
    # labels fitted NB-LR style are named; the tiny config has none
    for label in baseline.params.get("nb_labels", []):
        assert f"`{label}`" in _description("tfidf-logreg", baseline)
    assert "NB-LR" not in _description("tfidf-logreg", load_config(TINY))
