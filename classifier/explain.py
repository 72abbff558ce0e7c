"""Which words drove a label, shown to analysts with their character spans.

- TF-IDF baseline: exact linear attribution. A post's logit for a label is a sum over features of
  coefficient × feature value; each feature's share goes to the word(s) it came from (a word
  unigram to its word, a bigram half to each word, a character n-gram to the word under its
  middle character), so a word's weight is the sum of its features' coefficient × value.
  TF-IDF ⊕ MiniLM: the same over the joined regression's TF-IDF coefficients, the part of the
  logit that is a sum over words (the sentence embedding's part is not attributed to words;
  occlusion would embed every post once per word, which cost more than scoring in the demo).
- Other kinds (the transformer, the ensemble): leave-one-word-out occlusion; a word's weight is
  how far the label's score falls without it.

Stopwords, URL fragments and handles are never shown: they carry no meaning an analyst can act on
(and the scorer drops URLs and masks handles before featurising anyway). Explanations are
computed on the cleaned text and mapped back to spans of the original text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
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
    return _LinearAttribution(model, [text]).weights(0, [label_index])[label_index]


class _LinearAttribution:
    """Word weights of the baseline for a batch of (cleaned) texts.

    The feature blocks and every n's hashed character n-grams are computed once for the whole
    batch (one vectorised pass each, as scoring does), not once per post and label; each post's
    character n-grams are then attributed to words with array operations, not a Python loop."""

    def __init__(self, model: TfidfLogReg, texts: Sequence[str]) -> None:
        vec = model.vectorizer_
        assert isinstance(vec, FastTfidf)
        self.vec, self.coef, self.texts = vec, model.word_coefficients(), list(texts)
        self.split = len(vec.vocabulary_)
        self.words = vec._word_block(self.texts)
        self.chars = vec._char_block(self.texts)
        self.grams: list[tuple[int, np.ndarray, np.ndarray]] = []  # n, post of each, column
        for n in range(vec.char_ngram_range[0], vec.char_ngram_range[1] + 1):
            rows, buckets = hashed_char_ngrams(self.texts, (n, n))
            self.grams.append((n, rows, vec.char_column_[buckets]))

    def weights(self, i: int, label_indices: Sequence[int]) -> dict[int, dict[str, float]]:
        text = self.texts[i]
        out = {j: self._word_weights(i, text, j) for j in label_indices}
        self._add_char_weights(i, text, out)
        return out

    def _word_weights(self, i: int, text: str, label_index: int) -> dict[str, float]:
        vec, coef = self.vec, self.coef[label_index]
        lo, hi = self.words.indptr[i], self.words.indptr[i + 1]
        contribution = {
            int(c): float(coef[c] * v)
            for c, v in zip(self.words.indices[lo:hi], self.words.data[lo:hi], strict=True)
        }
        weights: dict[str, float] = {}
        tokens = _TOKEN.findall(text.lower())
        grams: list[tuple[int, list[str]]] = []
        for k, tok in enumerate(tokens):
            grams.append((vec.vocabulary_.get(tok, -1), [tok]))
            if k + 1 < len(tokens):
                pair = f"{tok} {tokens[k + 1]}"
                grams.append((vec.vocabulary_.get(pair, -1), [tok, tokens[k + 1]]))
        occurrences: dict[int, int] = {}
        for col, _ in grams:
            if col in contribution:
                occurrences[col] = occurrences.get(col, 0) + 1
        for col, owners in grams:
            if col in contribution:
                share = contribution[col] / occurrences[col] / len(owners)
                for w in owners:
                    weights[w] = weights.get(w, 0.0) + share
        return weights

    def _add_char_weights(self, i: int, text: str, out: dict[int, dict[str, float]]) -> None:
        """Each character n-gram's contribution goes to the word under its middle byte (the
        nearer word on either side when that is a space), shared by all its occurrences."""
        norm = _normalise(text)
        raw_length = len(norm.encode("utf-8"))
        word_of_byte = np.full(raw_length, -1, dtype=np.int64)
        names: list[str] = []
        ascii_only = norm.isascii()  # then a character's offset is its byte's
        for m in _TOKEN.finditer(norm):
            if ascii_only:
                start, end = m.start(), m.end()
            else:
                start, end = len(norm[: m.start()].encode()), len(norm[: m.end()].encode())
            word_of_byte[start:end] = len(names)
            names.append(m.group(0))
        lo, hi = self.chars.indptr[i], self.chars.indptr[i + 1]
        present, values = self.chars.indices[lo:hi], self.chars.data[lo:hi]  # sorted columns
        if not names or not len(present):
            return
        owners: list[np.ndarray] = []
        columns: list[np.ndarray] = []
        for n, rows, cols in self.grams:
            first, last = np.searchsorted(rows, [i, i + 1])
            mine = cols[first:last]  # this post's n-grams, in order of their first byte
            starts = np.arange(len(mine))
            middle = word_of_byte[np.minimum(starts + n // 2, raw_length - 1)]
            left = word_of_byte[starts]
            right = word_of_byte[np.minimum(starts + n - 1, raw_length - 1)]
            middle = np.where(middle >= 0, middle, np.where(left >= 0, left, right))
            owners.append(middle)
            columns.append(mine)
        owner, column = np.concatenate(owners), np.concatenate(columns)
        # a bucket's value is shared by all its occurrences, across every n of the block
        seen, occurrences = np.unique(column[column >= 0], return_counts=True)
        position = np.clip(np.searchsorted(present, column), 0, len(present) - 1)
        keep = (column >= 0) & (present[position] == column) & (owner >= 0)
        owner, column, position = owner[keep], column[keep], position[keep]
        shares = occurrences[np.searchsorted(seen, column)]
        for j, weights in out.items():
            contribution = self.coef[j][self.split + column] * values[position] / shares
            per_word = np.bincount(owner, weights=contribution, minlength=len(names))
            for k in np.unique(owner).tolist():
                weights[names[k]] = weights.get(names[k], 0.0) + float(per_word[k])


@lru_cache(maxsize=65536)
def _word_pattern(word: str) -> re.Pattern[str]:
    """A word's case-insensitive pattern, compiled once per process (re's own cache keeps 512
    patterns: a batch's explanations name thousands of different words)."""
    return re.compile(re.escape(word), re.IGNORECASE)


def _span_in(original: str, word: str, used: set[tuple[int, int]]) -> tuple[int, int] | None:
    for m in _word_pattern(word).finditer(original):
        if m.span() not in used:
            return m.span()
    return None


def _explain_linear(
    attribution: _LinearAttribution, i: int, text: str, wanted: Sequence[str], top_k: int
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    by_label = attribution.weights(i, [LABELS.index(label) for label in wanted])
    for label in wanted:
        weights = by_label[LABELS.index(label)]
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
        labelled = [i for i, wanted in enumerate(labels) if wanted]
        attribution = _LinearAttribution(model, [clean(texts[i]) for i in labelled])
        explained = {
            i: _explain_linear(attribution, k, texts[i], labels[i], top_k)
            for k, i in enumerate(labelled)
        }
        return [explained.get(i, {}) for i in range(len(texts))]
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
