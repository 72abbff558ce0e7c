import numpy as np

from classifier.thresholds import apply_thresholds, choose_threshold, pr_curve
from probity.models.review import LABELS


def test_threshold_reaches_the_recall_target_when_precision_allows():
    rng = np.random.default_rng(0)
    y = np.array([1] * 50 + [0] * 150)
    scores = np.r_[rng.uniform(0.4, 1.0, 50), rng.uniform(0.0, 0.5, 150)]
    t = choose_threshold(y, scores, target_recall=0.9, min_precision=0.5)
    assert t.rule == "recall-target"
    predicted = scores >= t.threshold
    recall = (predicted & (y == 1)).sum() / 50
    precision = (predicted & (y == 1)).sum() / predicted.sum()
    assert recall >= 0.9 and precision >= 0.5
    assert abs(recall - t.recall) < 1e-9 and abs(precision - t.precision) < 1e-9


def test_falls_back_to_best_f1_when_precision_floor_cannot_be_met():
    y = np.array([1, 0, 0, 0, 1, 0, 0, 0, 0, 1])
    scores = np.array([0.9, 0.95, 0.85, 0.8, 0.3, 0.7, 0.6, 0.5, 0.4, 0.1])
    t = choose_threshold(y, scores, target_recall=0.9, min_precision=0.9)
    assert t.rule == "best-f1"
    _, p, r = pr_curve(y, scores)
    f1 = 2 * p * r / np.maximum(p + r, 1e-12)
    assert abs(t.f1 - f1.max()) < 1e-9


def test_no_positives_gives_a_neutral_threshold():
    assert choose_threshold(np.zeros(5), np.linspace(0, 1, 5)).rule == "no-positives"


def test_apply_thresholds_is_per_label():
    scores = np.array([[0.5, 0.5, 0.5, 0.5]])
    cuts = dict(zip(LABELS, [0.4, 0.6, 0.5, 0.51], strict=True))
    assert apply_thresholds(scores, cuts).tolist() == [[1, 0, 1, 0]]


def test_wilson_interval_and_recall_estimate():
    from classifier.recall_estimate import recall_from_counts, wilson

    assert wilson(0, 0) is None
    interval = wilson(2, 40)
    assert interval is not None
    lo, hi = interval
    assert 0.01 < lo < 2 / 40 < hi < 0.17  # Wilson 95% for 2/40 is about 0.014-0.165
    est = recall_from_counts(
        audit_decided=100,
        audit_confirmed=1,
        model_flags=200,
        model_decided=100,
        model_confirmed=50,
        unflagged=9_000,
    )
    # 100 true among the flags; about 1% of 9,000 unflagged posts missed (90): recall 100/190
    assert abs(est["recall"] - 100 / 190) < 1e-9
    assert est["interval_95"][0] < est["recall"] < est["interval_95"][1]
    assert (
        recall_from_counts(
            audit_decided=0,
            audit_confirmed=0,
            model_flags=5,
            model_decided=5,
            model_confirmed=5,
            unflagged=100,
        )["recall"]
        is None
    )
