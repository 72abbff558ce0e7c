"""Baseline: TF-IDF over word 1–2-grams and character 2–5-grams, one logistic regression per label.

The four per-label regressions are stored as one coefficient matrix so scoring a batch is a
single sparse matrix product. When OLID is given as auxiliary data, a fifth regression on the
same features learns "OLID offensive" (OLID's broader notion, mild swearing included) without
touching the codebook's ``offensive`` weights.

Labels listed in ``nb_labels`` are fitted NB-LR style (Wang & Manning 2012): each feature is
scaled by its log-count ratio between the label's positives and negatives before the
regression, so a feature that is much more common in one class starts with more weight. The
scaling is folded into the stored coefficients (coefficient × ratio), so scoring, saving and
explanations are the same as for an unscaled label.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from classifier.base import AuxData, DevData, PostClassifier
from classifier.features import FastTfidf
from probity.models.review import LABELS


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def nb_log_count_ratio(X: sparse.spmatrix, y: np.ndarray, smoothing: float) -> np.ndarray:
    """Per feature, log of (share of positive documents with it) / (share of negative documents
    with it), each smoothed by ``smoothing`` documents and normalised to a distribution (NB-SVM,
    Wang & Manning 2012, over binarised features)."""
    present = sparse.csr_matrix(X, copy=True)
    present.data = np.ones_like(present.data)
    positive = y == 1
    p = smoothing + np.asarray(present[positive].sum(axis=0)).ravel()
    q = smoothing + np.asarray(present[~positive].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)


class TfidfLogReg(PostClassifier):
    kind = "tfidf-logreg"

    def __init__(
        self,
        word_ngram_range: tuple[int, int] | list[int] = (1, 2),
        char_ngram_range: tuple[int, int] | list[int] = (2, 5),
        max_features: int = 150_000,
        min_df: int = 1,
        C: float = 8.0,
        class_weight: str | None = "balanced",
        aux_C: float = 1.0,
        max_aux_examples: int | None = None,
        featurizer: str = "fast",
        nb_labels: Sequence[str] = (),
        nb_smoothing: float = 1.0,
    ) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.max_features = max_features
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight
        self.aux_C = aux_C
        self.max_aux_examples = max_aux_examples
        self.featurizer = featurizer  # "fast" (classifier.features) or "sklearn" (TfidfVectorizer)
        self.nb_labels = nb_labels  # labels whose features are scaled by the NB log-count ratio
        self.nb_smoothing = nb_smoothing  # added to every feature's document count per class

    def _vectorizer(self) -> FeatureUnion | FastTfidf:
        if self.featurizer == "fast":
            return FastTfidf(
                (self.word_ngram_range[0], self.word_ngram_range[1]),
                (self.char_ngram_range[0], self.char_ngram_range[1]),
                self.max_features,
                self.min_df,
            )
        if self.featurizer != "sklearn":
            raise ValueError(f"featurizer must be 'fast' or 'sklearn', not {self.featurizer!r}")
        common = {
            "sublinear_tf": True,
            "min_df": self.min_df,
            "lowercase": True,
            "max_features": self.max_features,
            "dtype": np.float32,
        }
        return FeatureUnion(
            [
                (
                    "word",
                    TfidfVectorizer(
                        analyzer="word",
                        ngram_range=tuple(self.word_ngram_range),
                        token_pattern=r"(?u)\b\w[\w']*\b",
                        **common,
                    ),
                ),
                (
                    "char",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=tuple(self.char_ngram_range), **common
                    ),
                ),
            ]
        )

    def fit(
        self,
        texts: Sequence[str],
        Y: np.ndarray,
        *,
        dev: DevData | None = None,
        aux: AuxData | None = None,
    ) -> Self:
        Y = np.asarray(Y)
        unknown = set(self.nb_labels) - set(LABELS)
        if unknown:
            raise ValueError(f"nb_labels: unknown labels {sorted(unknown)}")
        aux_texts: list[str] = []
        aux_y = np.zeros(0)
        if aux is not None:
            aux_texts, aux_y = list(aux[0]), np.asarray(aux[1])
            if self.max_aux_examples is not None:
                aux_texts, aux_y = (
                    aux_texts[: self.max_aux_examples],
                    aux_y[: self.max_aux_examples],
                )
        vectorizer = self._vectorizer().fit(list(texts) + aux_texts)
        self.vectorizer_ = vectorizer
        self._fit_label_regressions(list(texts), vectorizer.transform(list(texts)).tocsr(), Y)
        self.aux_coef_: np.ndarray | None = None
        self.aux_intercept_: float | None = None
        if len(aux_texts) and len(set(aux_y.tolist())) == 2:
            lr = LogisticRegression(
                C=self.aux_C, class_weight="balanced", solver="liblinear", max_iter=1000
            )
            lr.fit(vectorizer.transform(aux_texts), aux_y)
            self.aux_coef_ = lr.coef_[0].astype(np.float32)
            self.aux_intercept_ = float(lr.intercept_[0])
        return self

    def _fit_label_regressions(self, texts: list[str], X: sparse.csr_matrix, Y: np.ndarray) -> None:
        """Sets ``coef_`` and ``intercept_``: one regression per label over the TF-IDF blocks."""
        self.coef_, self.intercept_, _ = self._label_regressions(X, Y)

    def _label_regressions(
        self, X: sparse.csr_matrix, Y: np.ndarray, extra: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One logistic regression per label over the TF-IDF blocks (scaled by the NB ratio for
        ``nb_labels``) joined with any ``extra`` dense columns: (TF-IDF coefficients with the
        ratio folded in, intercepts, extra columns' coefficients)."""
        n = X.shape[1]
        coef = np.zeros((len(LABELS), n), dtype=np.float32)
        extra_coef = np.zeros((len(LABELS), 0 if extra is None else extra.shape[1]), np.float32)
        intercept = np.zeros(len(LABELS), dtype=np.float32)
        for j in range(len(LABELS)):
            if Y[:, j].min() == Y[:, j].max():  # one class only (tiny data): constant score
                intercept[j] = 6.0 if Y[0, j] else -6.0
                continue
            ratio = (
                nb_log_count_ratio(X, Y[:, j], self.nb_smoothing)
                if LABELS[j] in self.nb_labels
                else None
            )
            Xj = X if ratio is None else X.multiply(ratio).tocsr()
            if extra is not None:
                Xj = sparse.hstack([Xj, sparse.csr_matrix(extra)]).tocsr()
            lr = LogisticRegression(
                C=self.C, class_weight=self.class_weight, solver="liblinear", max_iter=1000
            )
            lr.fit(Xj, Y[:, j])
            weights = lr.coef_[0]
            coef[j] = weights[:n] if ratio is None else weights[:n] * ratio
            extra_coef[j] = weights[n:]
            intercept[j] = lr.intercept_[0]
        return coef, intercept, extra_coef

    def word_coefficients(self) -> np.ndarray:
        """The TF-IDF coefficients explanations attribute to words, (4, features)."""
        self._check_fitted()
        return self.coef_

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        self._check_fitted()
        return self.vectorizer_.transform(list(texts)).tocsr()

    def _linear(self, texts: Sequence[str], weights: np.ndarray) -> np.ndarray:
        """X @ weights.T, block by block for the fast featurizer (no matrix concatenation)."""
        self._check_fitted()
        texts = list(texts)
        if isinstance(self.vectorizer_, FastTfidf):
            split = len(self.vectorizer_.vocabulary_)
            words = self.vectorizer_._word_block(texts) @ weights[:, :split].T
            chars = self.vectorizer_._char_block(texts) @ weights[:, split:].T
            return np.asarray(words + chars)
        return np.asarray(self.transform(texts) @ weights.T)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self._check_fitted()
        return _sigmoid(self._linear(texts, self.coef_) + self.intercept_).astype(np.float64)

    def predict_aux_proba(self, texts: Sequence[str]) -> np.ndarray | None:
        self._check_fitted()
        if self.aux_coef_ is None:
            return None
        z = self._linear(texts, self.aux_coef_[None, :])[:, 0] + self.aux_intercept_
        return _sigmoid(z).astype(np.float64)

    def _save_state(self, directory: Path) -> None:
        # The fitted vocabulary is a pickle (joblib); model folders are trusted local files,
        # written by `probity train`, never accepted from outside.
        joblib.dump(self.vectorizer_, directory / "vectorizer.joblib", compress=3)
        arrays: dict[str, Any] = {"coef": self.coef_, "intercept": self.intercept_}
        if self.aux_coef_ is not None:
            arrays.update(aux_coef=self.aux_coef_, aux_intercept=np.array([self.aux_intercept_]))
        np.savez_compressed(directory / "weights.npz", **arrays)

    def _load_state(self, directory: Path) -> None:
        self.vectorizer_ = joblib.load(directory / "vectorizer.joblib")
        with np.load(directory / "weights.npz") as arrays:
            self.coef_ = arrays["coef"]
            self.intercept_ = arrays["intercept"]
            self.aux_coef_ = arrays.get("aux_coef")
            self.aux_intercept_ = (
                float(arrays["aux_intercept"][0]) if "aux_intercept" in arrays else None
            )
