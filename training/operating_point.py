"""Calibration and the review operating point, set for the team rather than for the dev split.

- ``fit_calibration``: per label, Platt scaling of the (window-max) raw score, fitted on dev
  positives and negatives plus real everyday dev negatives (Davidson dev part, OLID val), each
  group weighted to the stated deployment mix: a share ``p_l`` of posts carry the label, ``p - p_l``
  carry another label or are look-alikes (the project dev rows without the label), ``1 - p`` are
  everyday posts (the real negatives). A calibrated score is then the probability of the label
  at prevalence ``p``, and the four labels' scores are comparable risks.
- ``choose_operating_point``: per-label thresholds whose expected review volume,
  ``1000 · (p · R + (1 - p) · FPR)`` flags per 1,000 posts, fits the team's capacity, with
  any-label recall R on dev positives at least a stated floor, and the best dev macro-F1 among
  those. R is measured on dev positives and FPR (any label) on the real everyday dev negatives.
  Neither uses the test parts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from classifier.scoring import Calibration, logit
from probity.models.review import LABELS


def fit_calibration(
    raw_dev: np.ndarray, Y_dev: np.ndarray, raw_real: np.ndarray, prevalence: float
) -> Calibration:
    params: dict[str, tuple[float, float]] = {}
    positives_any = max(int((Y_dev.sum(1) > 0).sum()), 1)
    for j, label in enumerate(LABELS):
        pos = Y_dev[:, j] == 1
        if not pos.any():
            params[label] = (1.0, float(np.log(prevalence / (1 - prevalence))))
            continue
        p_l = prevalence * pos.sum() / positives_any  # the label's share of inappropriate posts
        other = ~pos
        x = np.r_[raw_dev[pos, j], raw_dev[other, j], raw_real[:, j]]
        y = np.r_[np.ones(pos.sum()), np.zeros(other.sum() + len(raw_real))]
        w = np.r_[
            np.full(pos.sum(), p_l / pos.sum()),
            np.full(other.sum(), (prevalence - p_l) / max(other.sum(), 1)),
            np.full(len(raw_real), (1 - prevalence) / max(len(raw_real), 1)),
        ]
        lr = LogisticRegression(C=100.0).fit(logit(x)[:, None], y, sample_weight=w * len(w))
        params[label] = (float(lr.coef_[0, 0]), float(lr.intercept_[0]))
    return Calibration(prevalence, params)


@dataclass(frozen=True)
class OperatingPoint:
    thresholds: dict[str, float]  # per label, on calibrated scores
    prevalence: float
    capacity_per_1000: float
    min_recall_any: float
    dev_recall_any: float
    dev_real_flag_rate_any: float
    expected_flags_per_1000: float
    dev_macro_f1: float
    dev_positives: int
    dev_real_negatives: int
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _macro_f1(Y: np.ndarray, pred: np.ndarray) -> float:
    tp = (pred & (Y == 1)).sum(0)
    denominator = pred.sum(0) + Y.sum(0)
    return float(np.mean(np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 0.0)))


def choose_operating_point(
    cal_dev: np.ndarray,
    Y_dev: np.ndarray,
    cal_real: np.ndarray,
    prevalence: float,
    capacity_per_1000: float,
    min_recall_any: float = 0.85,
) -> OperatingPoint:
    """Per-label thresholds: the best dev macro-F1 among those whose expected volume fits the
    capacity and whose dev any-label recall is at least ``min_recall_any``.

    Start: one common threshold, the lowest that fits the capacity (the most recall the capacity
    allows). Then coordinate ascent on each label's threshold over a grid of score quantiles.
    If even the start misses the recall floor, the floor is dropped and the rule says so.
    """
    Y = np.asarray(Y_dev).astype(bool)
    positive = Y.any(1)

    def volume(th: np.ndarray) -> tuple[float, float, float]:
        r = float((cal_dev[positive] >= th).any(1).mean()) if positive.any() else 0.0
        f = float((cal_real >= th).any(1).mean()) if len(cal_real) else 0.0
        return r, f, 1000 * (prevalence * r + (1 - prevalence) * f)

    start = np.full(len(LABELS), 1.0)
    for t in np.unique(np.r_[cal_dev.max(1), cal_real.max(1) if len(cal_real) else []]):
        if volume(np.full(len(LABELS), t))[2] <= capacity_per_1000:
            start = np.full(len(LABELS), float(t))
            break
    floor = min_recall_any if volume(start)[0] >= min_recall_any else 0.0

    def objective(th: np.ndarray) -> float:
        r, _, v = volume(th)
        if v > capacity_per_1000 or r < floor:
            return -1.0
        return _macro_f1(Y, cal_dev >= th)

    grid = np.unique(np.quantile(np.r_[cal_dev.ravel(), cal_real.ravel()], np.linspace(0, 1, 301)))
    best, current = start.copy(), objective(start)
    for _ in range(3):
        improved = False
        for j in range(len(LABELS)):
            for g in grid:
                trial = best.copy()
                trial[j] = g
                value = objective(trial)
                if value > current + 1e-9:
                    best, current, improved = trial, value, True
        if not improved:
            break
    # halfway to the next lower score on dev or real dev, so tiny numeric differences between
    # machines do not flip a decision for the example at the cut
    cuts = {}
    for j, label in enumerate(LABELS):
        scores = np.r_[cal_dev[:, j], cal_real[:, j] if len(cal_real) else []]
        lower = scores[scores < best[j]]
        cuts[label] = float((best[j] + lower.max()) / 2) if len(lower) else float(best[j])
    th = np.array([cuts[label] for label in LABELS])
    r, f, v = volume(th)
    rule = (
        "best dev macro-F1 within the capacity and the recall floor"
        if floor
        else "best dev macro-F1 within the capacity (recall floor unreachable at this capacity)"
    )
    return OperatingPoint(
        cuts,
        prevalence,
        capacity_per_1000,
        min_recall_any,
        r,
        f,
        v,
        _macro_f1(Y, cal_dev >= th),
        int(positive.sum()),
        len(cal_real),
        rule,
    )
