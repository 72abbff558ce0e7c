"""The real-text evaluation: how the model behaves on posts nobody here wrote.

Reported for every model (card, metrics.json, ``probity evaluate``):

- flag rate per label and for any label on held-out real everyday posts: the Davidson test part
  (annotators unanimous on "neither") and, when ``../shared/data`` is present, OLID test "not
  offensive";
- any-label recall on the project test split's positives;
- queue precision at 1% and 3% prevalence, ``p·R / (p·R + (1−p)·FPR)``, from those two;
- indicative only (other label definitions): the share of real offensive tweets (Davidson test
  hate speech, OLID test offensive) given the codebook's ``offensive``.

None of these sets is used for any choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from classifier.base import PostClassifier
from classifier.scoring import Calibration, score_texts
from classifier.thresholds import apply_thresholds
from probity.models.review import LABELS
from training import public
from training.corpus import load_corpus, texts_and_matrix

PREVALENCES = (0.01, 0.03)


def queue_precision(p: float, recall: float, fpr: float) -> float | None:
    denominator = p * recall + (1 - p) * fpr
    return None if denominator == 0 else p * recall / denominator


def flag_rates(pred: np.ndarray) -> dict[str, Any]:
    n = len(pred)
    return {
        "n": n,
        "any": float(pred.any(1).mean()) if n else 0.0,
        "labels": {label: float(pred[:, j].mean()) if n else 0.0 for j, label in enumerate(LABELS)},
    }


def real_text_block(
    model: PostClassifier,
    calibration: Calibration | None,
    thresholds: dict[str, float],
    *,
    project_test: tuple[Sequence[str], np.ndarray] | None = None,
    use_olid: bool = True,
) -> dict[str, Any]:
    def predict(texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(LABELS)), dtype=np.int8)
        return apply_thresholds(score_texts(model, texts, calibration), thresholds)

    if project_test is None:
        rows = [r for r in load_corpus() if r["split"] == "test"]
        project_test = texts_and_matrix(rows)
    texts, Y = project_test
    positive = np.asarray(Y).sum(1) > 0
    pred_test = predict([t for t, p in zip(texts, positive, strict=True) if p])
    recall = float(pred_test.any(1).mean()) if len(pred_test) else 0.0
    held = public.real_everyday("test", use_olid=use_olid)
    sources = {"davidson_test_neither": held.davidson, "olid_test_not_offensive": held.olid}
    rates = {name: flag_rates(predict(t)) for name, t in sources.items() if t}
    pooled = predict(held.all)
    rates["pooled"] = flag_rates(pooled)
    fpr = rates["pooled"]["any"]
    offensive = LABELS.index("offensive")
    indicative = {}
    for name, t in (
        ("davidson_test_hate_speech", public.davidson_hate("test")),
        ("olid_test_offensive", public.olid_offensive("test") if use_olid else []),
    ):
        if t:
            indicative[name] = {
                "n": len(t),
                "offensive_rate": float(predict(t)[:, offensive].mean()),
            }
    return {
        "everyday_flag_rates": rates,
        "project_test_positives": int(positive.sum()),
        "project_test_recall_any": recall,
        "queue_precision": {
            f"{p:.0%}": {
                "prevalence": p,
                "recall": recall,
                "fpr": fpr,
                "precision": queue_precision(p, recall, fpr),
            }
            for p in PREVALENCES
        },
        "indicative_offensive_recall": indicative,
        "olid_used": bool(held.olid),
    }


def summary_lines(block: dict[str, Any]) -> list[str]:
    """Markdown for the model card and docs."""
    rates = block["everyday_flag_rates"]
    lines = [
        "| held-out real everyday posts | n | any label | " + " | ".join(LABELS) + " |",
        "| --- | ---: | ---: | " + " | ".join("---:" for _ in LABELS) + " |",
    ]
    for name, r in rates.items():
        lines.append(
            f"| {name} | {r['n']} | **{r['any']:.1%}** | "
            + " | ".join(f"{r['labels'][label]:.1%}" for label in LABELS)
            + " |"
        )
    lines += [
        "",
        (
            f"Any-label recall on the project test split's {block['project_test_positives']} positives: "
            f"**{block['project_test_recall_any']:.3f}**."
        ),
        "",
        (
            "Queue precision at prevalence p, `p·R / (p·R + (1−p)·FPR)`, with R the recall above and "
            "FPR the pooled any-label flag rate:"
        ),
        "",
        "| prevalence p | R | FPR | queue precision |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for q in block["queue_precision"].values():
        prec = "–" if q["precision"] is None else f"**{q['precision']:.3f}**"
        lines.append(f"| {q['prevalence']:.0%} | {q['recall']:.3f} | {q['fpr']:.4f} | {prec} |")
    if block["indicative_offensive_recall"]:
        lines += [
            "",
            "Indicative only (other label definitions): share of real offensive tweets given "
            "`offensive`: "
            + ", ".join(
                f"{k} {v['offensive_rate']:.1%} of {v['n']}"
                for k, v in block["indicative_offensive_recall"].items()
            )
            + ".",
        ]
    if not block["olid_used"]:
        lines += ["", "OLID was not present (`../shared/data` absent): Davidson only."]
    return lines
