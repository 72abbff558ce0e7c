"""A calibrated ensemble: per-label logistic stacking of already-trained members, fitted on dev.

Members are trained first (each from its own config); ``fit`` loads them and learns, for each
label, a logistic regression on the members' logits over the dev split. That both weighs the
members and calibrates the combined score (Platt scaling). The auxiliary OLID output is the mean
of the members' auxiliary logits. A saved ensemble holds copies of its members, so it is
self-contained.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from classifier.base import AuxData, DevData, ModelLoadError, PostClassifier, load_model
from probity.models.review import LABELS

EPS = 1e-6


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p / (1 - p))


class CalibratedEnsemble(PostClassifier):
    kind = "ensemble"

    def __init__(self, members: Sequence[str] = (), C: float = 1.0) -> None:
        self.members = members
        self.C = C

    def fit(
        self,
        texts: Sequence[str],
        Y: np.ndarray,
        *,
        dev: DevData | None = None,
        aux: AuxData | None = None,
    ) -> CalibratedEnsemble:
        if not self.members:
            raise ModelLoadError("an ensemble needs at least one member model folder")
        if dev is None or not len(dev[0]):
            raise ValueError("the ensemble is calibrated on dev: pass dev=(texts, Y)")
        self.members_ = [load_model(Path(m)) for m in self.members]
        Z = self._features(dev[0])
        Yd = np.asarray(dev[1])
        coef = np.zeros((len(LABELS), len(self.members_)))
        intercept = np.zeros(len(LABELS))
        for j in range(len(LABELS)):
            if Yd[:, j].min() == Yd[:, j].max():  # no positives on dev: plain mean of logits
                coef[j] = 1.0 / len(self.members_)
                continue
            lr = LogisticRegression(C=self.C).fit(Z[:, j, :], Yd[:, j])
            coef[j], intercept[j] = lr.coef_[0], lr.intercept_[0]
        self.coef_ = coef
        self.intercept_ = intercept
        return self

    def _features(self, texts: Sequence[str]) -> np.ndarray:
        """(n, labels, members) logits."""
        return np.stack([_logit(m.predict_proba(texts)) for m in self.members_], axis=2)

    def _combine(self, Z: np.ndarray) -> np.ndarray:
        z = np.einsum("nlm,lm->nl", Z, self.coef_) + self.intercept_
        return 1.0 / (1.0 + np.exp(-z))

    @staticmethod
    def _mean_aux(aux: list[np.ndarray | None]) -> np.ndarray | None:
        present = [a for a in aux if a is not None]
        if not present:
            return None
        return 1.0 / (1.0 + np.exp(-np.mean([_logit(a) for a in present], axis=0)))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self._check_fitted()
        return self._combine(self._features(list(texts)))

    def predict_aux_proba(self, texts: Sequence[str]) -> np.ndarray | None:
        self._check_fitted()
        return self._mean_aux([m.predict_aux_proba(list(texts)) for m in self.members_])

    def predict_both(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray | None]:
        self._check_fitted()
        both = [m.predict_both(list(texts)) for m in self.members_]
        Z = np.stack([_logit(scores) for scores, _ in both], axis=2)
        return self._combine(Z), self._mean_aux([aux for _, aux in both])

    def _save_state(self, directory: Path) -> None:
        for i, member in enumerate(self.members_):
            member.save(directory / f"member_{i}")
        np.savez(directory / "stacking.npz", coef=self.coef_, intercept=self.intercept_)

    def _load_state(self, directory: Path) -> None:
        self.members_ = [load_model(directory / f"member_{i}") for i in range(len(self.members))]
        with np.load(directory / "stacking.npz") as arrays:
            self.coef_ = arrays["coef"]
            self.intercept_ = arrays["intercept"]
