"""From raw post text to calibrated per-label risks: clean, window, score, calibrate.

Every path that scores posts (training's evaluation, ``probity classify``, stored posts) goes
through ``score_texts`` so that what was measured is what runs:

1. ``clean``: NUL and other control characters and lone surrogates are removed (they crash
   tokenisers and JSON writers); HTML entities are decoded; URLs are dropped and @-handles become
   ``@user``, so neither a link nor a handle can carry a label (the corpus's authors wrote
   almost none, while real everyday posts are full of them).
2. a post with no words left (an emoji, a link or a handle alone) scores 0 for every label;
   ``windows``: a long post is also scored sentence window by sentence window and the label's
   score is the maximum, so 300 harmless characters after a slur do not dilute it.
3. ``Calibration``: per-label Platt scaling fitted on a realistic mix (dev positives and real
   everyday negatives, weighted to a stated prevalence), so a score reads as the probability of
   the label at that prevalence, and scores of different labels are comparable risks.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from classifier.base import PostClassifier
from classifier.language import detect_language
from probity.models.review import LABELS

URL = re.compile(r"(?:https?://|www\.)\S+|\bt\.co/\S+|\bURL\b", re.IGNORECASE)
HANDLE = re.compile(r"(?<![\w@])@\w{1,30}")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
WINDOW_WORDS = 60  # posts longer than this are also scored window by window
EPS = 1e-6


def clean(text: str) -> str:
    """Text safe to featurise: no control characters or lone surrogates, no URLs, handles as
    ``@user``, whitespace collapsed."""
    text = SURROGATE.sub("", CONTROL.sub(" ", text))
    text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    text = URL.sub(" ", text)
    text = HANDLE.sub("@user", text)
    return " ".join(text.split())


def windows(text: str, max_words: int = WINDOW_WORDS) -> list[str]:
    """The cleaned text itself, plus runs of whole sentences of at most ``max_words`` words when
    the text is longer than that (a sentence longer than the limit is cut into pieces)."""
    words = text.split()
    if len(words) <= max_words:
        return [text]
    pieces: list[str] = []
    for sentence in SENTENCE.split(text):
        sw = sentence.split()
        pieces += [" ".join(sw[i : i + max_words]) for i in range(0, len(sw), max_words)]
    out: list[str] = [text]
    current: list[str] = []
    for piece in pieces:
        if current and len(current) + len(piece.split()) > max_words:
            out.append(" ".join(current))
            current = []
        current += piece.split()
    if current:
        out.append(" ".join(current))
    return out


def has_words(text: str) -> bool:
    """Whether a cleaned text has anything to read: a letter outside ``@user`` handles."""
    return any(ch.isalpha() for ch in text.replace("@user", ""))


def raw_scores(model: PostClassifier, texts: Sequence[str]) -> np.ndarray:
    """Uncalibrated scores of cleaned texts: the maximum over each text's windows. A text with
    no words (emoji, punctuation, a removed link or a handle alone) scores 0 for every label:
    the codebook judges what a post says, and a lone emoji says nothing a person would refer."""
    owners: list[int] = []
    variants: list[str] = []
    for i, text in enumerate(texts):
        if not has_words(text):
            continue
        for w in windows(text):
            owners.append(i)
            variants.append(w)
    out = np.zeros((len(texts), len(LABELS)))
    if not variants:
        return out
    scores = model.predict_proba(variants)
    np.maximum.at(out, np.asarray(owners), scores)
    return out


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p / (1 - p))


@dataclass(frozen=True)
class Calibration:
    """Per-label Platt scaling: calibrated = sigmoid(a · logit(raw) + b)."""

    prevalence: float
    params: dict[str, tuple[float, float]]

    def apply(self, raw: np.ndarray) -> np.ndarray:
        a = np.array([self.params[label][0] for label in LABELS])
        b = np.array([self.params[label][1] for label in LABELS])
        return 1.0 / (1.0 + np.exp(-(_logit(raw) * a + b)))

    def raw_threshold(self, label: str, threshold: float) -> float:
        """The raw score whose calibrated score is ``threshold`` (the inverse of ``apply``)."""
        a, b = self.params[label]
        z = (float(_logit(np.array(threshold))) - b) / a
        return float(1.0 / (1.0 + np.exp(-z)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": "platt",
            "prevalence": self.prevalence,
            "labels": {k: [float(a), float(b)] for k, (a, b) in self.params.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Calibration | None:
        if not d:
            return None
        return cls(
            float(d["prevalence"]), {k: (float(v[0]), float(v[1])) for k, v in d["labels"].items()}
        )


def score_texts(
    model: PostClassifier, texts: Sequence[str], calibration: Calibration | None
) -> np.ndarray:
    """Calibrated (when the model has a calibration) per-label scores of raw post texts."""
    return _score_cleaned(model, [clean(t) for t in texts], calibration)


def _score_cleaned(
    model: PostClassifier, cleaned: Sequence[str], calibration: Calibration | None
) -> np.ndarray:
    raw = raw_scores(model, cleaned)
    return calibration.apply(raw) if calibration is not None else raw


def logit(p: np.ndarray) -> np.ndarray:
    return _logit(np.asarray(p, dtype=float))


@dataclass
class Outcome:
    """What happened to one post: scored (scores and labels), unscored (another language), or
    failed (``error`` says why; the caller reports it with the post's id and skips it)."""

    language: str
    scores: np.ndarray | None = None
    labels: list[str] | None = None
    error: str | None = None

    @property
    def status(self) -> str:
        return "failed" if self.error else "unscored" if self.scores is None else "scored"

    @property
    def risk(self) -> float:
        return float(self.scores.max()) if self.scores is not None and len(self.scores) else 0.0


def classify_texts(
    model: PostClassifier,
    calibration: Calibration | None,
    thresholds: dict[str, float],
    texts: Sequence[str],
) -> list[Outcome]:
    """Score a batch of posts; English posts get scores and labels, other languages are left
    unscored, and a post that cannot be scored gets an error instead of failing the batch."""
    cuts = np.array([thresholds[label] for label in LABELS])
    outcomes: list[Outcome] = []
    cleaned: list[str] = []  # each text cleaned once, for the language check and the model
    for text in texts:
        try:
            cleaned.append(clean(text))
            outcomes.append(Outcome(language=detect_language(cleaned[-1])))
        except Exception as exc:  # noqa: BLE001 - one odd post must not stop the others
            cleaned += [""] * (len(outcomes) + 1 - len(cleaned))
            outcomes.append(Outcome(language="und", error=f"{type(exc).__name__}: {exc}"))
    todo = [i for i, o in enumerate(outcomes) if o.language == "en" and o.error is None]
    try:
        batch_scores: list[np.ndarray | None] = list(
            _score_cleaned(model, [cleaned[i] for i in todo], calibration)
        )
    except Exception:  # noqa: BLE001 - find the post(s) at fault, score the rest
        batch_scores = []
        for i in todo:
            try:
                batch_scores.append(_score_cleaned(model, [cleaned[i]], calibration)[0])
            except Exception as exc:  # noqa: BLE001
                outcomes[i].error = f"{type(exc).__name__}: {exc}"
                batch_scores.append(None)
    for i, row in zip(todo, batch_scores, strict=True):
        if row is not None:
            outcomes[i].scores = row
            outcomes[i].labels = [label for j, label in enumerate(LABELS) if row[j] >= cuts[j]]
    return outcomes
