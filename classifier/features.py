"""Fast TF-IDF features: word 1–2- or 1–3-grams by vectorised vocabulary lookup, character n-grams by hashing in numpy.

scikit-learn's character analyzer builds every n-gram as a Python string, which caps scoring at a
few thousand posts a second. Here the character n-grams of a whole batch are hashed at once over
the UTF-8 bytes (one vectorised pass per n), kept only if they were seen in training (a lookup
table from hash bucket to column), then weighted like scikit-learn's TfidfVectorizer with
sublinear tf, smooth idf and l2 normalisation per block. Same features in spirit, an order of
magnitude faster; hashing collisions at 2**22 buckets are rare and harmless for a linear model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

_TOKEN = re.compile(r"(?u)\b\w[\w']*\b")
_SPACE = re.compile(r"\s+")
N_BUCKETS = 1 << 22
_PRIME = np.uint64(1099511628211)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _normalise(text: str) -> str:
    return " " + _SPACE.sub(" ", text.lower()).strip() + " "


def hashed_char_ngrams(
    texts: Sequence[str], n_range: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """(post index, hash bucket) of every byte n-gram (n in n_range), never crossing posts."""
    blob = "\x00".join(_normalise(t) for t in texts).encode("utf-8") + b"\x00"
    arr = np.frombuffer(blob, dtype=np.uint8)
    is_sep = arr == 0
    doc_of = np.cumsum(is_sep) - is_sep  # each byte's post index
    zeros_before = np.r_[0, np.cumsum(is_sep)]
    rows, cols = [], []
    h = arr.astype(np.uint64)
    with np.errstate(over="ignore"):
        for n in range(2, n_range[1] + 1):
            m = len(arr) - n + 1
            if m <= 0:
                break
            h = (h[:m] * _PRIME) ^ arr[n - 1 :].astype(np.uint64)  # rolling: n-gram from (n-1)-gram
            if n < n_range[0]:
                continue
            valid = (zeros_before[n : n + m] - zeros_before[:m]) == 0
            rows.append(doc_of[:m][valid])
            cols.append((((h[valid] ^ np.uint64(n)) * _MIX) >> np.uint64(64 - 22)).astype(np.int64))
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    return r, c


def word_ngrams(text: str, n_range: tuple[int, int]) -> list[str]:
    tokens = _TOKEN.findall(text.lower())
    grams = list(tokens) if n_range[0] <= 1 else []
    for n in range(max(2, n_range[0]), n_range[1] + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """sublinear tf × idf, then l2-normalise each row (as TfidfVectorizer does)."""
    counts = counts.tocsr()
    counts.sum_duplicates()
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    counts.data /= np.repeat(norms, np.diff(counts.indptr)).astype(counts.data.dtype)
    return counts


def _idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    return (np.log((1 + n_docs) / (1 + df)) + 1.0).astype(np.float32)


class FastTfidf:
    """fit/transform like a TfidfVectorizer union of a word block and a char block."""

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (2, 5),
        max_features: int = 150_000,
        min_df: int = 1,
    ) -> None:
        # stored as plain pairs: configs arrive as TOML lists
        self.word_ngram_range: tuple[int, int] = (
            int(word_ngram_range[0]),
            int(word_ngram_range[1]),
        )
        self.char_ngram_range: tuple[int, int] = (
            int(char_ngram_range[0]),
            int(char_ngram_range[1]),
        )
        self.max_features = max_features
        self.min_df = min_df

    def fit(self, texts: Sequence[str]) -> FastTfidf:
        n = len(texts)
        df: Counter[str] = Counter()
        for t in texts:
            df.update(set(word_ngrams(t, self.word_ngram_range)))
        kept = [g for g, c in df.most_common() if c >= self.min_df][: self.max_features]
        self.vocabulary_ = {g: i for i, g in enumerate(kept)}
        self.word_idf_ = _idf(np.array([df[g] for g in kept], dtype=np.float64), n)

        r, c = hashed_char_ngrams(texts, self.char_ngram_range)
        counts = sparse.csr_matrix(
            (np.ones(len(r), dtype=np.float32), (r, c)), shape=(n, N_BUCKETS)
        )
        counts.sum_duplicates()
        bucket_df = np.bincount(counts.indices, minlength=N_BUCKETS)
        candidates = np.nonzero(bucket_df >= self.min_df)[0]
        if len(candidates) > self.max_features:
            order = np.argsort(-bucket_df[candidates], kind="stable")[: self.max_features]
            candidates = np.sort(candidates[order])
        column = np.full(N_BUCKETS, -1, dtype=np.int32)
        column[candidates] = np.arange(len(candidates), dtype=np.int32)
        self.char_column_ = column
        self.char_idf_ = _idf(bucket_df[candidates].astype(np.float64), n)
        return self

    @property
    def n_features(self) -> int:
        return len(self.vocabulary_) + len(self.char_idf_)

    def _word_index(
        self,
    ) -> tuple[dict[str, int], np.ndarray, dict[int, tuple[np.ndarray, np.ndarray]]]:
        """Derived from vocabulary_ on first use (so saved models stay compatible): token ids,
        unigram column per token id, and per order n >= 2 the sorted n-gram keys (token ids as
        digits in base T, the number of tokens) with their columns."""
        cached = getattr(self, "_index_cache", None)
        if cached is not None:
            return cached
        token_id: dict[str, int] = {}
        for gram in self.vocabulary_:
            for token in gram.split(" "):
                token_id.setdefault(token, len(token_id))
        n_tokens = max(len(token_id), 1)
        unigram_col = np.full(n_tokens, -1, dtype=np.int64)
        keys: dict[int, list[int]] = {}
        cols: dict[int, list[int]] = {}
        for gram, col in self.vocabulary_.items():
            parts = gram.split(" ")
            if len(parts) == 1:
                unigram_col[token_id[parts[0]]] = col
                continue
            key = 0
            for part in parts:
                key = key * n_tokens + token_id[part]
            keys.setdefault(len(parts), []).append(key)
            cols.setdefault(len(parts), []).append(col)
        ngrams = {}
        for n, gram_keys in keys.items():
            key_array = np.array(gram_keys, dtype=np.int64)
            order = np.argsort(key_array, kind="stable")
            ngrams[n] = (key_array[order], np.array(cols[n], dtype=np.int64)[order])
        cache = (token_id, unigram_col, ngrams)
        self._index_cache = cache
        return cache

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_index_cache"}

    def _vectorised_words(self) -> bool:
        """Word 1–2- or 1–3-grams whose keys fit in int64 go through the vectorised lookup."""
        low, high = self.word_ngram_range
        n_tokens = len(self._word_index()[0])
        return low == 1 and high in (2, 3) and max(n_tokens, 1) ** high < 2**62

    def _word_block(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if not self._vectorised_words():
            return self._word_block_generic(texts)
        token_id, unigram_col, ngrams = self._word_index()
        n_tokens = len(unigram_col)
        get = token_id.get
        ids: list[int] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        for i, t in enumerate(texts):
            tokens = _TOKEN.findall(t.lower())
            lengths[i] = len(tokens)
            ids += [get(tok, -1) for tok in tokens]
        tid = np.array(ids, dtype=np.int64)
        doc = np.repeat(np.arange(len(texts)), lengths)
        known = tid >= 0
        uni = np.where(known, unigram_col[np.where(known, tid, 0)], -1)
        rows, cols = [doc[uni >= 0]], [uni[uni >= 0]]
        for n, (gram_keys, gram_cols) in ngrams.items():
            m = len(tid) - n + 1
            if m <= 0 or not len(gram_keys):
                continue
            # n tokens in a row, all known and in one post (doc ids never decrease)
            ok = doc[:m] == doc[n - 1 :]
            key = np.zeros(m, dtype=np.int64)
            for i in range(n):
                ok &= known[i : i + m]
                key = key * n_tokens + np.where(known[i : i + m], tid[i : i + m], 0)
            pos = np.clip(np.searchsorted(gram_keys, key), 0, len(gram_keys) - 1)
            hit = ok & (gram_keys[pos] == key)
            rows.append(doc[:m][hit])
            cols.append(gram_cols[pos[hit]])
        r, c = np.concatenate(rows), np.concatenate(cols)
        counts = sparse.csr_matrix(
            (np.ones(len(r), dtype=np.float32), (r, c)), shape=(len(texts), len(self.vocabulary_))
        )
        return _tfidf(counts, self.word_idf_)

    def _word_block_generic(self, texts: Sequence[str]) -> sparse.csr_matrix:
        vocab = self.vocabulary_
        indptr, indices = [0], []
        for t in texts:
            indices += [
                j
                for j in (vocab.get(g) for g in word_ngrams(t, self.word_ngram_range))
                if j is not None
            ]
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        counts = sparse.csr_matrix(
            (data, np.array(indices, dtype=np.int32), np.array(indptr)),
            shape=(len(texts), len(vocab)),
        )
        return _tfidf(counts, self.word_idf_)

    def _char_block(self, texts: Sequence[str]) -> sparse.csr_matrix:
        rows, buckets = hashed_char_ngrams(texts, self.char_ngram_range)
        mapped = self.char_column_[buckets]
        keep = mapped >= 0
        counts = sparse.csr_matrix(
            (np.ones(int(keep.sum()), dtype=np.float32), (rows[keep], mapped[keep])),
            shape=(len(texts), len(self.char_idf_)),
        )
        return _tfidf(counts, self.char_idf_)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        texts = list(texts)
        return sparse.hstack([self._word_block(texts), self._char_block(texts)], format="csr")
