"""Issue #17: the held-out profile files written by people who never read the rules.

``profiles_heldout_a.jsonl`` was scored once before any tuning on it (the first figure is in
docs/identification.md) and has been tuned on since, so its figures here are a regression check.
``profiles_heldout_b.jsonl`` was scored once after that tuning, then studied and tuned on for
``rules-2026.11.30.5``; it is checked here against its first figure, so a change to the rules
cannot make it worse. ``profiles_heldout_c.jsonl`` was kept untouched until ``rules-2026.11.30.5``
was finished, then scored once (docs/identification_heldout_c_first_run.json); it is no longer
untouched, and is checked here the same way: no worse than that first run.
``profiles_heldout_d.jsonl`` (a fourth writer) was kept untouched until ``rules-2026.11.30.6`` was
committed, then scored once (docs/identification_heldout_d_first_run.json); it is checked here
the same way: no worse than that first run. ``profiles_heldout_e.jsonl`` (a fifth writer) was
kept outside the repository until ``rules-2026.11.30.7`` was merged, then scored once
(docs/identification_heldout_e_first_run.json); checked the same way. ``profiles_extra_1.jsonl``
and ``profiles_extra_2.jsonl`` (two more writers) were scored once with ``rules-2026.11.30.7``
before ``rules-2026.11.30.8`` was begun (docs/identification_extra_N_first_run.json); checked the
same way.
``profiles_heldout_f.jsonl`` (a sixth writer) was kept untouched until ``rules-2026.11.30.8`` was
merged, then scored once (docs/identification_heldout_f_first_run.json); checked the same way.
``profiles_heldout_g.jsonl`` (a ninth writer) was kept outside the repository until
``rules-2026.11.30.9`` was merged, then scored once (docs/identification_heldout_g_first_run.json);
checked the same way.
``profiles_heldout_h.jsonl`` (a tenth writer) was kept untouched until ``rules-2026.11.30.10`` was
merged, then scored once (docs/identification_heldout_h_first_run.json): the first run that met
the issue's target; checked the same way, and its recorded first run against the target.
``profiles_heldout_i.jsonl`` and ``profiles_heldout_j.jsonl`` (an eleventh and a twelfth writer)
are kept untouched for the next two changes to the rules: the only test that may name them checks
that they parse.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from crawler.identify.io import ROLES, read_profiles
from crawler.identify.scoring import DEFAULT_LABELLED, evaluate

DATA = DEFAULT_LABELLED.parent
HELD_OUT_A = DATA / "profiles_heldout_a.jsonl"
HELD_OUT_B = DATA / "profiles_heldout_b.jsonl"
UNTOUCHED = ("profiles_heldout_i", "profiles_heldout_j")
TESTS = Path(__file__).resolve().parents[1]
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("name", UNTOUCHED)
def test_untouched_held_out_parses_and_is_never_scored_here(name: str) -> None:
    # guard only: the file is readable; no verdict is computed and its truth is not read
    rows = read_profiles(DATA / f"{name}.jsonl")
    assert len(rows) >= 300 and len({r.id for r in rows}) == len(rows)
    users = [p for p in TESTS.rglob("*.py") if name in p.read_text(encoding="utf-8")]
    assert users == [Path(__file__).resolve()], f"{name} must stay unscored; used in {users}"


# Each file's first run, read from its raw output in docs/: (data file, first-run output, identifier
# that scored it).
FIRST_RUNS = [
    ("profiles_heldout_h", "identification_heldout_h", "rules-2026.11.30.10"),
    ("profiles_heldout_g", "identification_heldout_g", "rules-2026.11.30.9"),
    ("profiles_heldout_f", "identification_heldout_f", "rules-2026.11.30.8"),
    ("profiles_extra_1", "identification_extra_1", "rules-2026.11.30.7"),
    ("profiles_extra_2", "identification_extra_2", "rules-2026.11.30.7"),
    ("profiles_heldout_e", "identification_heldout_e", "rules-2026.11.30.7"),
    ("profiles_heldout_d", "identification_heldout_d", "rules-2026.11.30.6"),  # commit 7458b21
    ("profiles_heldout_c", "identification_heldout_c", "rules-2026.11.30.5"),  # commit 58f0a7d
]


@pytest.mark.slow
@pytest.mark.parametrize(("data", "first_run", "identifier"), FIRST_RUNS)
def test_held_out_no_worse_than_its_first_run(data: str, first_run: str, identifier: str) -> None:
    first = json.loads((DOCS / f"{first_run}_first_run.json").read_text(encoding="utf-8"))
    assert first["identifier"] == identifier
    counts = first["all"]
    tp, fp, fn = counts["true_positive"], counts["false_positive"], counts["false_negative"]
    scores = evaluate(DATA / f"{data}.jsonl", "all")
    assert scores.precision >= tp / (tp + fp), scores.summary()
    assert scores.recall >= tp / (tp + fn), scores.summary()
    assert scores.force_accuracy >= counts["force_correct"] / tp, scores.summary()


def test_first_run_of_h_met_the_target() -> None:
    # issue #17's Done-when, as recorded when h was first scored (before any tuning on it); the
    # test above keeps later rules no worse than this on h
    first = json.loads((DOCS / "identification_heldout_h_first_run.json").read_text("utf-8"))
    counts = first["all"]
    assert first["identifier"] == "rules-2026.11.30.10"
    assert min(counts["precision"], counts["recall"], counts["force_accuracy"]) >= 0.97, counts


@pytest.mark.slow
def test_held_out_b_no_worse_than_its_first_run() -> None:
    # first run on rules-2026.11.30.4 (docs/identification_heldout_b_first_run.json)
    scores = evaluate(HELD_OUT_B, "all")
    assert scores.precision >= 130 / 137, scores.summary()  # 130 true, 7 false positives
    assert scores.recall >= 130 / 142, scores.summary()  # 12 missed
    assert scores.force_accuracy >= 0.99, scores.summary()


def test_held_out_a_is_a_real_held_out_set() -> None:
    rows = [
        json.loads(line)
        for line in HELD_OUT_A.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(rows) >= 300
    serving = [r for r in rows if r["self_identified"]]
    roles = Counter(r["role"] for r in serving)
    assert roles["staff"] >= 40 and set(roles) - {None} <= set(ROLES)
    assert len(rows) - len(serving) >= 100  # hard negatives and easy ones


@pytest.mark.slow
def test_held_out_a_figures_after_tuning() -> None:
    scores = evaluate(HELD_OUT_A, "all")
    assert scores.precision >= 0.97, scores.summary()
    assert scores.recall >= 0.97, scores.summary()
    assert scores.force_accuracy >= 0.97, scores.summary()
