"""Which words drove a label: leave-one-word-out occlusion, the same for every model kind.

For each label a post receives, every word is removed in turn and the post re-scored; a word's
weight is how far the label's score falls without it. The words with the largest positive
weights (with their character spans, so the UI can highlight them) are stored with the
prediction and shown to analysts. Occlusion needs one extra scoring pass per word, so it runs
only for posts that got at least one label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from classifier.base import PostClassifier
from probity.models.review import LABELS

WORD = re.compile(r"[\w'’*#@-]+")
MAX_WORDS = 80  # beyond the encoder's window a word cannot matter much; caps the cost


def word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in WORD.finditer(text)][:MAX_WORDS]


def explain(model: PostClassifier, texts: Sequence[str], labels: Sequence[Sequence[str]],
            base_scores: np.ndarray | None = None, top_k: int = 5) -> list[dict[str, list[dict[str, Any]]]]:
    """For each text, ``{label: [{"text", "start", "end", "weight"}, …]}`` for its labels only."""
    texts = list(texts)
    if base_scores is None:
        base_scores = model.predict_proba(texts)
    variants: list[str] = []
    owners: list[tuple[int, tuple[int, int]]] = []
    for i, (text, wanted) in enumerate(zip(texts, labels, strict=True)):
        if not wanted:
            continue
        for start, end in word_spans(text):
            variants.append(text[:start] + text[end:])
            owners.append((i, (start, end)))
    results: list[dict[str, list[dict[str, Any]]]] = [{} for _ in texts]
    if not variants:
        return results
    scores = model.predict_proba(variants)
    by_text: dict[int, list[tuple[tuple[int, int], np.ndarray]]] = {}
    for (i, span), row in zip(owners, scores, strict=True):
        by_text.setdefault(i, []).append((span, row))
    for i, items in by_text.items():
        for label in labels[i]:
            j = LABELS.index(label)
            weighted = [(float(base_scores[i, j] - row[j]), span) for span, row in items]
            weighted.sort(key=lambda w: -w[0])
            results[i][label] = [
                {"text": texts[i][s:e], "start": s, "end": e, "weight": round(w, 4)}
                for w, (s, e) in weighted[:top_k] if w > 0
            ]
    return results
