"""Calibration and the review operating point, set for the team rather than for the dev split.

- ``fit_calibration``: per label, Platt scaling of the (window-max) raw score, fitted on dev
  positives and negatives plus real everyday dev negatives (Davidson dev part, OLID val), each
  group weighted to the stated deployment mix: a share ``p_l`` of posts carry the label, ``p - p_l``
  carry another label or are look-alikes (the project dev rows without the label), ``1 - p`` are
  everyday posts (the real negatives). A calibrated score is then the probability of the label
  at prevalence ``p``, and the four labels' scores are comparable risks.
- ``choose_operating_point``: one risk threshold for every label, the lowest whose expected
  review volume, ``1000 · (p · R + (1 - p) · FPR)`` flags per 1,000 posts, fits the team's
  capacity. R is any-label recall on dev positives and FPR the any-label flag rate on the real
  everyday dev negatives. Neither uses the test parts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from classifier.scoring import Calibration, logit
from probity.models.review import LABELS


def fit_calibration(raw_dev: np.ndarray, Y_dev: np.ndarray, raw_real: np.ndarray,
                    prevalence: float) -> Calibration:
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
        w = np.r_[np.full(pos.sum(), p_l / pos.sum()),
                  np.full(other.sum(), (prevalence - p_l) / max(other.sum(), 1)),
                  np.full(len(raw_real), (1 - prevalence) / max(len(raw_real), 1))]
        lr = LogisticRegression(C=100.0).fit(logit(x)[:, None], y, sample_weight=w * len(w))
        params[label] = (float(lr.coef_[0, 0]), float(lr.intercept_[0]))
    return Calibration(prevalence, params)


@dataclass(frozen=True)
class OperatingPoint:
    threshold: float  # one calibrated-risk threshold for every label
    prevalence: float
    capacity_per_1000: float
    dev_recall_any: float
    dev_real_flag_rate_any: float
    expected_flags_per_1000: float
    dev_positives: int
    dev_real_negatives: int

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def choose_operating_point(cal_dev: np.ndarray, Y_dev: np.ndarray, cal_real: np.ndarray,
                           prevalence: float, capacity_per_1000: float) -> OperatingPoint:
    positive = Y_dev.sum(1) > 0
    risk_pos = cal_dev[positive].max(1) if positive.any() else np.zeros(0)
    risk_neg = cal_real.max(1) if len(cal_real) else np.zeros(0)

    def volume(t: float) -> tuple[float, float, float]:
        r = float((risk_pos >= t).mean()) if len(risk_pos) else 0.0
        f = float((risk_neg >= t).mean()) if len(risk_neg) else 0.0
        return r, f, 1000 * (prevalence * r + (1 - prevalence) * f)

    candidates = np.unique(np.r_[risk_pos, risk_neg, 1.0])
    chosen = 1.0
    for t in candidates:  # ascending: the first that fits has the highest recall
        if volume(float(t))[2] <= capacity_per_1000:
            chosen = float(t)
            break
    # halfway to the next lower candidate, so tiny numeric differences do not flip decisions
    lower = candidates[candidates < chosen]
    cut = float((chosen + lower[-1]) / 2) if len(lower) else chosen
    r, f, v = volume(cut)
    return OperatingPoint(cut, prevalence, capacity_per_1000, r, f, v, int(positive.sum()), len(risk_neg))


def thresholds_for(op: OperatingPoint) -> dict[str, float]:
    return {label: op.threshold for label in LABELS}
