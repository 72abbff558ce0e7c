"""Metrics for a multi-label post classifier at its saved thresholds.

Per label: precision, recall, F1, average precision; macro and micro F1; confusions between
labels (how often a post truly labelled A is given B without B being true); calibration
(Brier score, expected calibration error and a reliability table per label).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, precision_recall_fscore_support

from classifier.base import PostClassifier, labels_to_matrix, read_envelope
from classifier.kinds import load_model
from classifier.scoring import Calibration, score_texts
from classifier.thresholds import apply_thresholds
from probity.errors import InputFileError, RowError
from probity.models.review import LABELS
from training.corpus import load_corpus, read_jsonl, validate_row
from training.realtext import real_text_block


def per_label_metrics(
    Y: np.ndarray, scores: np.ndarray, thresholds: dict[str, float]
) -> dict[str, Any]:
    pred = apply_thresholds(scores, thresholds)
    p, r, f, support = precision_recall_fscore_support(
        Y, pred, average=None, zero_division=0, labels=list(range(len(LABELS)))
    )
    labels = {}
    for j, label in enumerate(LABELS):
        ap = average_precision_score(Y[:, j], scores[:, j]) if 0 < Y[:, j].sum() < len(Y) else None
        labels[label] = {
            "precision": float(p[j]),
            "recall": float(r[j]),
            "f1": float(f[j]),
            "support": int(support[j]),
            "predicted": int(pred[:, j].sum()),
            "average_precision": None if ap is None else float(ap),
            "threshold": float(thresholds[label]),
        }
    none_true = Y.sum(1) == 0
    return {
        "n": len(Y),
        "labels": labels,
        "macro_f1": float(f1_score(Y, pred, average="macro", zero_division=0)),
        "micro_f1": float(f1_score(Y, pred, average="micro", zero_division=0)),
        "exact_match": float((pred == Y).all(1).mean()) if len(Y) else 0.0,
        "unlabelled_flagged_rate": float(pred[none_true].any(1).mean()) if none_true.any() else 0.0,
        "confusions": label_confusions(Y, pred),
        "calibration": calibration(Y, scores),
    }


def label_confusions(Y: np.ndarray, pred: np.ndarray) -> dict[str, dict[str, int]]:
    """rows: true label (or 'none'); columns: a predicted label that is wrong for that post."""
    out: dict[str, dict[str, int]] = {}
    for a, label_a in enumerate([*LABELS, "none"]):
        rows = (Y.sum(1) == 0) if label_a == "none" else Y[:, a] == 1
        out[label_a] = {
            label_b: int((rows & (pred[:, b] == 1) & (Y[:, b] == 0)).sum())
            for b, label_b in enumerate(LABELS)
        }
    return out


def calibration(Y: np.ndarray, scores: np.ndarray, bins: int = 10) -> dict[str, Any]:
    out: dict[str, Any] = {}
    edges = np.linspace(0, 1, bins + 1)
    for j, label in enumerate(LABELS):
        s, y = scores[:, j], Y[:, j]
        idx = np.clip(np.digitize(s, edges) - 1, 0, bins - 1)
        table, ece = [], 0.0
        for b in range(bins):
            m = idx == b
            if m.any():
                conf, acc = float(s[m].mean()), float(y[m].mean())
                ece += m.mean() * abs(conf - acc)
                table.append(
                    {
                        "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                        "n": int(m.sum()),
                        "mean_score": conf,
                        "positive_rate": acc,
                    }
                )
        out[label] = {
            "brier": float(np.mean((s - y) ** 2)) if len(y) else 0.0,
            "ece": float(ece),
            "reliability": table,
        }
    return out


def binary_macro_f1(y: np.ndarray, scores: np.ndarray, threshold: float) -> float:
    """Macro-F1 over the two classes (offensive vs not), as TweetEval reports OLID."""
    return float(f1_score(y, (scores >= threshold).astype(int), average="macro"))


def best_binary_threshold(y: np.ndarray, scores: np.ndarray) -> float:
    candidates = np.unique(np.round(scores, 4))
    if len(candidates) > 400:
        candidates = np.quantile(scores, np.linspace(0.01, 0.99, 400))
    return float(max(candidates, key=lambda t: binary_macro_f1(y, scores, t)))


def throughput(model: PostClassifier, texts: Sequence[str], minimum: int = 2000) -> float:
    """Posts per second for predict_proba on the given texts (repeated up to ``minimum``)."""
    batch = list(texts) * max(1, -(-minimum // max(len(texts), 1)))
    model.predict_proba(batch[: min(len(batch), 64)])  # warm-up (lazy quantisation, caches)
    start = time.perf_counter()
    model.predict_proba(batch)
    return len(batch) / (time.perf_counter() - start)


def evaluate_model_dir(model_dir: Path, data_path: Path | None = None) -> dict[str, Any]:
    """`probity evaluate`: the real-text block of a saved model and, given a labelled JSONL file
    (id, text, labels), its metrics there, scored exactly as classification scores posts."""
    envelope = read_envelope(model_dir)
    model = load_model(model_dir)
    calibration = Calibration.from_dict(envelope.get("calibration"))
    result: dict[str, Any] = {
        "model_version": envelope.get("version"),
        "real_text": real_text_block(model, calibration, envelope["thresholds"]),
    }
    if data_path is None:
        return result
    rows = read_jsonl(data_path)
    errors: list[RowError] = []
    for n, row in enumerate(rows, 1):
        errors += [
            e
            for e in validate_row(
                {"platform": "x", "kind": "positive" if row.get("labels") else "negative", **row}, n
            )
            if e.column in ("id", "text", "labels")
        ]
    if errors:
        raise InputFileError(str(data_path), errors)
    Y = labels_to_matrix([r["labels"] for r in rows])
    scores = score_texts(model, [r["text"] for r in rows], calibration)
    result.update(per_label_metrics(Y, scores, envelope["thresholds"]))
    result["data"] = str(data_path)
    return result


def corpus_split(split: str, path: Path | None = None) -> list[dict[str, Any]]:
    rows = load_corpus(path) if path else load_corpus()
    return [r for r in rows if r["split"] == split]
