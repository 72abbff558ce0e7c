"""Per-label decision thresholds for the review operating point, chosen on dev.

The review queue is where people decide, so missing a post costs more than showing one too
many: for each label we want recall ≥ ``target_recall`` (0.90) as long as precision stays at or
above ``min_precision``; among such thresholds we take the one with the best F1. When no
threshold reaches the target recall at that precision, we fall back to the F1-best threshold and
say so (``rule`` in the result), so the model card can report it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from probity.models.review import LABELS


@dataclass(frozen=True)
class Threshold:
    threshold: float
    precision: float
    recall: float
    f1: float
    rule: str  # "recall-target" | "best-f1" | "no-positives"

    def as_dict(self) -> dict[str, float | str]:
        return asdict(self)


def pr_curve(y: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(thresholds, precision, recall) at every distinct score, highest threshold first."""
    order = np.argsort(-scores, kind="stable")
    s, t = scores[order], y[order].astype(float)
    tp = np.cumsum(t)
    fp = np.cumsum(1 - t)
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]  # last index of each distinct score
    tp, fp, thr = tp[last], fp[last], s[last]
    precision = tp / np.maximum(tp + fp, 1)
    recall = tp / max(t.sum(), 1)
    return thr, precision, recall


def choose_threshold(
    y: np.ndarray, scores: np.ndarray, target_recall: float = 0.90, min_precision: float = 0.5
) -> Threshold:
    y = np.asarray(y).astype(int)
    scores = np.asarray(scores, dtype=float)
    if y.sum() == 0:
        return Threshold(0.5, 0.0, 0.0, 0.0, "no-positives")
    thr, precision, recall = pr_curve(y, scores)
    f1 = np.where(
        precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0
    )
    ok = (recall >= target_recall) & (precision >= min_precision)
    if ok.any():
        i = int(np.argmax(np.where(ok, f1, -1)))
        rule = "recall-target"
    else:
        i = int(np.argmax(f1))
        rule = "best-f1"
    # Place the cut halfway to the next lower score so that tiny numeric differences
    # (quantised inference, another machine) do not flip the decision for the dev example at it.
    lower = thr[i + 1] if i + 1 < len(thr) else thr[i] - 1e-3
    cut = float((thr[i] + lower) / 2)
    return Threshold(cut, float(precision[i]), float(recall[i]), float(f1[i]), rule)


def choose_thresholds(
    Y: np.ndarray, scores: np.ndarray, target_recall: float = 0.90, min_precision: float = 0.5
) -> dict[str, Threshold]:
    return {
        label: choose_threshold(Y[:, j], scores[:, j], target_recall, min_precision)
        for j, label in enumerate(LABELS)
    }


def apply_thresholds(scores: np.ndarray, thresholds: dict[str, float]) -> np.ndarray:
    cuts = np.array([thresholds[label] for label in LABELS])
    return (scores >= cuts).astype(np.int8)
