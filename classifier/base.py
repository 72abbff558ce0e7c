"""The estimator contract every post classifier follows, and loading any saved model by kind.

Contract (scikit-learn style, so training and evaluation never care which model they hold):

- ``__init__`` only stores its keyword parameters, unchanged, under the same names;
- ``fit(texts, Y, *, dev=None, aux=None)`` learns fitted state into attributes ending in ``_``
  and returns ``self``. ``Y`` is an (n, 4) 0/1 matrix in ``LABELS`` order. ``dev`` is a held-out
  ``(texts, Y)`` pair some models use for early stopping or calibration (never for fitting
  weights). ``aux`` is optional related supervision: OLID ``(texts, y)`` for an auxiliary
  "OLID offensive" output, kept apart from the codebook's ``offensive``;
- ``predict_proba(texts)`` returns an (n, 4) float array of scores in [0, 1];
- ``predict_aux_proba(texts)`` returns the auxiliary OLID-offensive score, or None;
- ``save(directory)`` writes everything needed; ``load(directory)`` (a classmethod) restores it
  so that scores are identical.

Per-label decision thresholds are not the estimator's business: they are chosen on dev by
``classifier.thresholds`` and saved next to the model in ``model.json``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from probity.errors import ProbityError
from probity.labels import LABELS

MODEL_FILE = "model.json"  # kind, params, thresholds, version: written by every save()

AuxData = tuple[Sequence[str], np.ndarray]
DevData = tuple[Sequence[str], np.ndarray]


class NotFittedError(ProbityError):
    """predict/save was called on an estimator that has not been fitted or loaded."""


class ModelLoadError(ProbityError):
    """A model folder is missing, incomplete or of an unknown kind."""


_REGISTRY: dict[str, type[PostClassifier]] = {}


class PostClassifier:
    """Base class: parameter handling, the fitted check and the model.json envelope."""

    kind: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            _REGISTRY[cls.kind] = cls

    # -- parameters ---------------------------------------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values() if p.name != "self"]

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._param_names()}

    def fitted_attributes(self) -> list[str]:
        return sorted(k for k in vars(self) if k.endswith("_") and not k.startswith("_"))

    def _check_fitted(self) -> None:
        if not self.fitted_attributes():
            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit() or load() first")

    # -- the contract ---------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        Y: np.ndarray,
        *,
        dev: DevData | None = None,
        aux: AuxData | None = None,
    ) -> PostClassifier:
        raise NotImplementedError

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def predict_aux_proba(self, texts: Sequence[str]) -> np.ndarray | None:
        return None

    def predict_both(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray | None]:
        """Codebook scores and the auxiliary score (models that can, do it in one pass)."""
        return self.predict_proba(texts), self.predict_aux_proba(texts)

    def save(self, directory: Path) -> None:
        self._check_fitted()
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._save_state(directory)
        envelope = read_envelope(directory) if (directory / MODEL_FILE).exists() else {}
        envelope.update(
            {"kind": self.kind, "params": _jsonable(self.get_params()), "labels": list(LABELS)}
        )
        write_envelope(directory, envelope)

    @classmethod
    def load(cls, directory: Path) -> PostClassifier:
        envelope = read_envelope(Path(directory))
        if envelope.get("kind") != cls.kind:
            raise ModelLoadError(
                f"{directory}: holds a {envelope.get('kind')!r} model, not {cls.kind!r}"
            )
        model = cls(**envelope["params"])
        model._load_state(Path(directory))
        return model

    def _save_state(self, directory: Path) -> None:
        raise NotImplementedError

    def _load_state(self, directory: Path) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def read_envelope(directory: Path) -> dict[str, Any]:
    path = Path(directory) / MODEL_FILE
    if not path.exists():
        raise ModelLoadError(f"{directory}: not a model folder (no {MODEL_FILE})")
    return json.loads(path.read_text(encoding="utf-8"))


def write_envelope(directory: Path, envelope: dict[str, Any]) -> None:
    (Path(directory) / MODEL_FILE).write_text(
        json.dumps(envelope, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def model_class(kind: str) -> type[PostClassifier]:
    """The class registered for ``kind``. Implementations register themselves when their module
    is imported; ``classifier.kinds`` imports them all (this module imports none of them)."""
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise ModelLoadError(
            f"unknown model kind {kind!r}; known: {', '.join(sorted(_REGISTRY))}"
        ) from None


def make_model(kind: str, params: dict[str, Any] | None = None) -> PostClassifier:
    cls = model_class(kind)
    unknown = set(params or {}) - set(cls._param_names())
    if unknown:
        raise ModelLoadError(
            f"model kind {kind!r} has no parameter(s) {', '.join(sorted(unknown))}"
        )
    return cls(**(params or {}))


def load_model(directory: Path) -> PostClassifier:
    """Load any saved model, whatever its kind."""
    envelope = read_envelope(Path(directory))
    return model_class(envelope["kind"]).load(Path(directory))


def labels_to_matrix(label_sets: Sequence[Sequence[str]]) -> np.ndarray:
    Y = np.zeros((len(label_sets), len(LABELS)), dtype=np.int8)
    for i, labels in enumerate(label_sets):
        for label in labels:
            Y[i, LABELS.index(label)] = 1
    return Y
