"""The corpus checks of the issue: sizes, no templates (shared runs, near-duplicates), splits."""

from __future__ import annotations

import json

import pytest

from probity.errors import InputFileError
from probity.models.review import LABELS
from training.corpus import (
    DATASHEET_PATH,
    PARTS_DIR,
    PLATFORMS,
    build_corpus,
    counts,
    counts_markdown,
    load_corpus,
    load_parts,
    split_of,
)
from training.corpus_check import find_problems


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_corpus_meets_the_minimum_counts(corpus):
    c = counts(corpus)
    assert c["total"] >= 3000
    assert all(n >= 350 for n in c["per_label"].values()), c["per_label"]
    assert c["no_label"] >= 1200
    assert c["hard_negative"] >= 600
    assert c["multi_label"] >= 300


def test_no_two_examples_share_a_run_of_more_than_six_words_or_are_near_duplicates(corpus):
    problems = find_problems((r["id"], r["text"]) for r in corpus)
    assert problems == [], "\n".join(map(str, problems[:20]))


def test_the_checker_catches_a_seven_word_run_but_not_six():
    filler_a = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi"
    filler_b = "red orange yellow green blue indigo violet black white grey pink brown tan"
    run = "one two three four five six seven"
    seven = find_problems([("a", f"{filler_a} {run}"), ("b", f"{run} {filler_b}")])
    six = find_problems([("a", f"{filler_a} {run[:-6]}"), ("b", f"{run[:-6]} {filler_b}")])
    assert [p.kind for p in seven] == ["shared-run"] and six == []


def test_every_platform_voice_is_present(corpus):
    assert set(counts(corpus)["per_platform"]) == set(PLATFORMS)


def test_corpus_file_is_exactly_what_the_parts_build(corpus):
    if not any(PARTS_DIR.glob("*.jsonl")):
        pytest.skip("parts not in this checkout")
    assert build_corpus() == corpus


def test_splits_are_a_stable_hash_of_the_id_with_every_label_in_each(corpus):
    assert all(r["split"] == split_of(r["id"]) for r in corpus)
    c = counts(corpus)
    shares = {s: n / c["total"] for s, n in c["per_split"].items()}
    assert abs(shares["train"] - 0.8) < 0.03 and abs(shares["dev"] - 0.1) < 0.02
    for split, per_label in c["per_split_label"].items():
        assert all(n >= 20 for n in per_label.values()), (split, per_label)
    assert split_of("gov-0001") == split_of("gov-0001")  # no process-dependent hashing


def test_datasheet_counts_are_current(corpus):
    assert counts_markdown(counts(corpus)) in DATASHEET_PATH.read_text(encoding="utf-8")


def test_labels_are_in_codebook_order(corpus):
    assert all(r["labels"] == [label for label in LABELS if label in r["labels"]] for r in corpus)


def test_a_bad_part_is_rejected_with_row_and_field(tmp_path):
    good = {"id": "x-1", "text": "Quiet night.", "labels": [], "platform": "x", "kind": "negative"}
    bad = {
        "id": "x-2",
        "text": "Bad label",
        "labels": ["rude"],
        "platform": "x",
        "kind": "positive",
    }
    wrong_kind = {
        "id": "x-3",
        "text": "Hm",
        "labels": [],
        "platform": "myspace",
        "kind": "positive",
    }
    (tmp_path / "p.jsonl").write_text("\n".join(json.dumps(r) for r in (good, bad, wrong_kind)))
    with pytest.raises(InputFileError) as info:
        load_parts(tmp_path)
    message = str(info.value)
    assert "row 2, column 'labels'" in message
    assert "row 3, column 'platform'" in message and "row 3, column 'kind'" in message


def test_duplicate_ids_across_parts_are_rejected(tmp_path):
    row = {"id": "dup", "text": "Quiet night.", "labels": [], "platform": "x", "kind": "negative"}
    (tmp_path / "a.jsonl").write_text(json.dumps(row))
    (tmp_path / "b.jsonl").write_text(json.dumps({**row, "text": "Another night."}))
    with pytest.raises(InputFileError, match="duplicate id dup"):
        load_parts(tmp_path)
