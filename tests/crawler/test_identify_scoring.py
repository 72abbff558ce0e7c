"""The scoring function, the labelled profile set, and the acceptance figures measured on it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from crawler.identify import Verdict
from crawler.identify.io import read_profiles
from crawler.identify.scoring import DEFAULT_LABELLED, Truth, evaluate, read_truths, score, split_of
from probity.errors import InputFileError
from probity.forces import FORCE_IDS


def v(si: bool, force: str | None = None, role: str | None = None) -> Verdict:
    return Verdict(si, force, role, 0.9, [], "serving" if si else "no-police-claim")


def test_score_counts_precision_recall_and_force_accuracy_on_found_true_positives() -> None:
    truths = {
        "a": Truth(True, "kent", "officer"),
        "b": Truth(True, None, "pcso"),
        "c": Truth(True, "essex", "staff"),
        "d": Truth(False, None, None),
        "e": Truth(False, None, None),
        "f": Truth(True, "btp", "officer"),
    }
    verdicts = {
        "a": v(True, "kent", "officer"),  # TP, force right
        "b": v(True, None, "pcso"),  # TP, null-vs-null counts as right
        "c": v(True, "kent", "staff"),  # TP, force wrong
        "d": v(True, None, "officer"),  # FP
        "e": v(False),  # TN
        "f": v(False),  # FN: not counted in force accuracy
    }
    s = score(truths, verdicts)
    assert (s.true_positive, s.false_positive, s.false_negative, s.true_negative) == (3, 1, 1, 1)
    assert s.precision == pytest.approx(3 / 4)
    assert s.recall == pytest.approx(3 / 4)
    assert s.force_accuracy == pytest.approx(2 / 3)
    assert s.role_accuracy == pytest.approx(1.0)
    assert {e["id"] for e in s.errors} == {"c", "d", "f"}


def test_score_refuses_missing_verdicts() -> None:
    with pytest.raises(ValueError, match="no verdict"):
        score({"a": Truth(True, None, None)}, {})


def test_split_is_stable_and_roughly_even() -> None:
    assert split_of("lp-0001") == split_of("lp-0001")
    halves = Counter(split_of(f"lp-{i:04d}") for i in range(1000))
    assert 400 < halves["dev"] < 600


def test_truth_columns_are_validated(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    row = {"id": "1", "platform": "x", "handle": "h", "display_name": "d", "bio": "b"}
    path.write_text(
        json.dumps({**row, "self_identified": True, "force": "kent-police", "role": "cop"}) + "\n"
    )
    with pytest.raises(InputFileError) as err:
        read_truths(read_profiles(path), str(path))
    assert "column 'force': unknown force id 'kent-police'" in str(err.value)
    assert "column 'role': unknown role 'cop'" in str(err.value)


# --- the labelled set itself (issue item 10) --------------------------------------------------


@pytest.fixture(scope="module")
def labelled() -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in DEFAULT_LABELLED.read_text(encoding="utf-8").splitlines()]


def test_labelled_set_size_and_hard_negatives(labelled: list[dict]) -> None:  # type: ignore[type-arg]
    kinds = Counter(r["kind"] for r in labelled)
    assert len(labelled) >= 400
    assert kinds["hard_negative"] >= 150
    assert all(r["kind"] in ("serving", "hard_negative", "negative") for r in labelled)
    assert all(r["self_identified"] == (r["kind"] == "serving") for r in labelled)


def test_labelled_set_covers_every_force_and_role(labelled: list[dict]) -> None:  # type: ignore[type-arg]
    serving = [r for r in labelled if r["self_identified"]]
    forces = Counter(r["force"] for r in serving if r["force"])
    assert set(forces) == FORCE_IDS
    assert min(forces.values()) >= 5
    roles = Counter(r["role"] for r in serving)
    assert all(roles[role] >= 20 for role in ("officer", "special", "pcso", "staff"))
    assert sum(1 for r in serving if r["force"] is None) >= 10


def test_labelled_set_covers_every_rejection_class(labelled: list[dict]) -> None:  # type: ignore[type-arg]
    reasons = Counter(r["reason"] for r in labelled if r["kind"] == "hard_negative")
    for reason in (
        "retired",
        "family",
        "official-account",
        "other-jurisdiction",
        "recruit",
        "idiom",
        "fiction",
        "no-police-claim",
    ):
        assert reasons[reason] >= 10, reason


# --- the acceptance criterion, measured by the real function on the real file ----------------


@pytest.mark.slow
def test_acceptance_figures_on_the_labelled_set() -> None:
    whole = evaluate(DEFAULT_LABELLED, "all")
    assert whole.n >= 400
    assert whole.precision >= 0.95, whole.summary()
    assert whole.recall >= 0.95, whole.summary()
    assert whole.force_accuracy >= 0.95, whole.summary()
    for name in ("profiles_fresh.jsonl", "profiles_fresh2.jsonl"):
        fresh = evaluate(DEFAULT_LABELLED.with_name(name), "all")
        assert fresh.precision >= 0.95 and fresh.recall >= 0.95, (name, fresh.summary())
        assert fresh.force_accuracy >= 0.95, (name, fresh.summary())
    held_out = evaluate(DEFAULT_LABELLED, "test")
    assert held_out.precision >= 0.95 and held_out.recall >= 0.95, held_out.summary()
    assert held_out.force_accuracy >= 0.95, held_out.summary()
