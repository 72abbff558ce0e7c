"""Which words drove a label, shown to analysts with their character spans.

- TF-IDF baseline: exact linear attribution. A post's logit for a label is a sum over features of
  coefficient × feature value; each feature's share goes to the word(s) it came from (a word
  unigram to its word, a bigram half to each word, a character n-gram to the word under its
  middle character), so a word's weight is the sum of its features' coefficient × value.
- Other kinds (the transformer, the ensemble): leave-one-word-out occlusion; a word's weight is
  how far the label's score falls without it.

Stopwords, URL fragments and handles are never shown: they carry no meaning an analyst can act on
(and the scorer drops URLs and masks handles before featurising anyway). Explanations are
computed on the cleaned text and mapped back to spans of the original text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from classifier.base import PostClassifier
from classifier.features import _TOKEN, FastTfidf, _normalise, hashed_char_ngrams
from classifier.scoring import clean
from classifier.tfidf import TfidfLogReg
from probity.models.review import LABELS

WORD = re.compile(r"[\w'’*#@-]+")
MAX_WORDS = 80  # beyond the encoder's window a word cannot matter much; caps the cost
NOT_SHOWN = frozenset(ENGLISH_STOP_WORDS) | {
    "t",
    "co",
    "http",
    "https",
    "www",
    "amp",
    "rt",
    "user",
    "s",
    "m",
    "ll",
    "ve",
    "d",
    "re",
    "im",
    "u",
}


def is_content_word(word: str) -> bool:
    w = word.lower().strip("'’#-*")
    return bool(w) and w not in NOT_SHOWN and not w.startswith("@") and not w.isdigit()


def word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in WORD.finditer(text)][:MAX_WORDS]


def linear_word_weights(model: TfidfLogReg, text: str, label_index: int) -> dict[str, float]:
    """word (lower case) → summed coefficient × feature value for one label of the baseline."""
    vec = model.vectorizer_
    assert isinstance(vec, FastTfidf)
    coef = model.coef_[label_index]
    split = len(vec.vocabulary_)
    weights: dict[str, float] = {}
    tokens = _TOKEN.findall(text.lower())
    words = vec._word_block([text])
    contribution = {
        int(c): float(coef[c] * v) for c, v in zip(words.indices, words.data, strict=True)
    }
    grams: list[tuple[int, list[str]]] = []
    for i, tok in enumerate(tokens):
        grams.append((vec.vocabulary_.get(tok, -1), [tok]))
        if i + 1 < len(tokens):
            grams.append((vec.vocabulary_.get(f"{tok} {tokens[i + 1]}", -1), [tok, tokens[i + 1]]))
    occurrences: dict[int, int] = {}
    for col, _ in grams:
        if col in contribution:
            occurrences[col] = occurrences.get(col, 0) + 1
    for col, owners in grams:
        if col in contribution:
            share = contribution[col] / occurrences[col] / len(owners)
            for w in owners:
                weights[w] = weights.get(w, 0.0) + share
    # character n-grams: attribute each occurrence to the word under its middle byte
    norm = _normalise(text)
    raw = norm.encode("utf-8")
    word_of_byte = np.full(len(raw), -1, dtype=np.int64)
    names: list[str] = []
    for m in _TOKEN.finditer(norm):
        start, end = len(norm[: m.start()].encode()), len(norm[: m.end()].encode())
        word_of_byte[start:end] = len(names)
        names.append(m.group(0))
    chars = vec._char_block([text])
    char_contribution = {
        int(c): float(coef[split + c] * v) for c, v in zip(chars.indices, chars.data, strict=True)
    }
    per_n = [
        (n, vec.char_column_[hashed_char_ngrams([text], (n, n))[1]])
        for n in range(vec.char_ngram_range[0], vec.char_ngram_range[1] + 1)
    ]
    # a bucket's value is shared by all its occurrences, across every n of the block
    total = np.bincount(
        np.concatenate([c[c >= 0] for _, c in per_n] + [np.zeros(0, dtype=np.int64)]),
        minlength=len(vec.char_idf_),
    )
    for n, cols in per_n:
        for start, col in enumerate(cols.tolist()):
            if col < 0 or col not in char_contribution:
                continue
            middle = word_of_byte[min(start + n // 2, len(raw) - 1)]
            if middle < 0:  # the middle is a space: the nearer word on either side
                left = word_of_byte[start]
                middle = left if left >= 0 else word_of_byte[min(start + n - 1, len(raw) - 1)]
            if middle >= 0:
                w = names[middle]
                weights[w] = weights.get(w, 0.0) + char_contribution[col] / max(int(total[col]), 1)
    return weights


def _span_in(original: str, word: str, used: set[tuple[int, int]]) -> tuple[int, int] | None:
    for m in re.finditer(re.escape(word), original, re.IGNORECASE):
        if m.span() not in used:
            return m.span()
    return None


def _explain_linear(
    model: TfidfLogReg, text: str, wanted: Sequence[str], top_k: int
) -> dict[str, list[dict[str, Any]]]:
    cleaned = clean(text)
    out: dict[str, list[dict[str, Any]]] = {}
    for label in wanted:
        weights = linear_word_weights(model, cleaned, LABELS.index(label))
        ranked = sorted(
            ((w, word) for word, w in weights.items() if w > 0 and is_content_word(word)),
            reverse=True,
        )
        items: list[dict[str, Any]] = []
        used: set[tuple[int, int]] = set()
        for w, word in ranked:
            span = _span_in(text, word, used)
            if span is None:
                continue
            used.add(span)
            items.append(
                {
                    "text": text[span[0] : span[1]],
                    "start": span[0],
                    "end": span[1],
                    "weight": round(w, 4),
                }
            )
            if len(items) == top_k:
                break
        out[label] = items
    return out


def explain(
    model: PostClassifier,
    texts: Sequence[str],
    labels: Sequence[Sequence[str]],
    base_scores: np.ndarray | None = None,
    top_k: int = 5,
) -> list[dict[str, list[dict[str, Any]]]]:
    """For each text, ``{label: [{"text", "start", "end", "weight"}, …]}`` for its labels only."""
    texts = list(texts)
    if isinstance(model, TfidfLogReg) and isinstance(
        getattr(model, "vectorizer_", None), FastTfidf
    ):
        return [
            _explain_linear(model, t, wanted, top_k) if wanted else {}
            for t, wanted in zip(texts, labels, strict=True)
        ]
    cleaned = [clean(t) for t in texts]
    if base_scores is None:
        base_scores = model.predict_proba(cleaned)
    variants: list[str] = []
    owners: list[tuple[int, tuple[int, int]]] = []
    for i, (text, wanted) in enumerate(zip(cleaned, labels, strict=True)):
        if not wanted:
            continue
        for start, end in word_spans(text):
            if is_content_word(text[start:end]):
                variants.append(text[:start] + text[end:])
                owners.append((i, (start, end)))
    results: list[dict[str, list[dict[str, Any]]]] = [{} for _ in texts]
    if not variants:
        return results
    raw = model.predict_proba(cleaned)  # occlusion compares like with like (uncalibrated)
    scores = model.predict_proba(variants)
    by_text: dict[int, list[tuple[tuple[int, int], np.ndarray]]] = {}
    for (i, span), row in zip(owners, scores, strict=True):
        by_text.setdefault(i, []).append((span, row))
    for i, items in by_text.items():
        for label in labels[i]:
            j = LABELS.index(label)
            weighted = sorted(
                ((float(raw[i, j] - row[j]), cleaned[i][s:e]) for (s, e), row in items),
                reverse=True,
            )
            shown: list[dict[str, Any]] = []
            used: set[tuple[int, int]] = set()
            for w, word in weighted:
                found = _span_in(texts[i], word, used) if w > 0 else None
                if found is None:
                    continue
                span = found
                used.add(span)
                shown.append(
                    {
                        "text": texts[i][span[0] : span[1]],
                        "start": span[0],
                        "end": span[1],
                        "weight": round(w, 4),
                    }
                )
                if len(shown) == top_k:
                    break
            results[i][label] = shown
    return results
