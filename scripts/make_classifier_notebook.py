"""Write notebooks/classifier_evaluation.ipynb (source cells); run with --execute to store outputs."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
PATH = ROOT / "notebooks" / "classifier_evaluation.ipynb"

CELLS = [
    new_markdown_cell("""# Classifier evaluation: error analysis on dev

What this notebook shows, on the **dev** split of the project corpus (never test):
per-label precision/recall at the saved review operating point, confusions between labels,
threshold curves, calibration, and the worst errors to read by hand.

By default it trains the TF-IDF baseline on the train split (a few seconds, no public data), so it
runs anywhere and the test suite can execute it. Set `PROBITY_NOTEBOOK_MODEL` to a model folder
to analyse a trained model instead (for example the transformer under `var/models/`)."""),
    new_code_cell("""import os, sys
from pathlib import Path
ROOT = Path.cwd() if (Path.cwd() / "training").exists() else Path.cwd().parent
sys.path.insert(0, str(ROOT))
import numpy as np
import matplotlib.pyplot as plt
from classifier.base import read_envelope
from classifier.kinds import load_model
from classifier.tfidf import TfidfLogReg
from classifier.thresholds import apply_thresholds, choose_thresholds, pr_curve
from probity.labels import LABELS
from training.corpus import load_corpus, texts_and_matrix
from training.evaluate import per_label_metrics

rows = load_corpus(ROOT / "training/data/corpus.jsonl")
train = [r for r in rows if r["split"] == "train"]
dev = [r for r in rows if r["split"] == "dev"]
X_train, Y_train = texts_and_matrix(train)
X_dev, Y_dev = texts_and_matrix(dev)
print(f"{len(rows)} posts: {len(train)} train, {len(dev)} dev")"""),
    new_code_cell("""model_dir = os.environ.get("PROBITY_NOTEBOOK_MODEL")
if model_dir:
    model = load_model(Path(model_dir))
    thresholds = read_envelope(Path(model_dir))["thresholds"]
    name = read_envelope(Path(model_dir)).get("version", model_dir)
else:
    model = TfidfLogReg().fit(X_train, Y_train)
    name = "baseline trained in this notebook (no OLID)"
scores = model.predict_proba(X_dev)
if not model_dir:
    thresholds = {k: t.threshold for k, t in choose_thresholds(Y_dev, scores).items()}
pred = apply_thresholds(scores, thresholds)
metrics = per_label_metrics(Y_dev, scores, thresholds)
print(name)
print(f"dev macro-F1 {metrics['macro_f1']:.3f}, micro-F1 {metrics['micro_f1']:.3f}")
print(f"{'label':<11} {'thr':>6} {'prec':>6} {'rec':>6} {'F1':>6} {'AP':>6} {'n':>4}")
for label, m in metrics["labels"].items():
    print(f"{label:<11} {m['threshold']:6.3f} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} "
          f"{m['average_precision']:6.3f} {m['support']:4d}")"""),
    new_markdown_cell("""## Confusions between labels

Rows: the post's true label (or `none`); columns: a label the model gave wrongly. Off-diagonal mass
shows which categories the model mixes up; the `none` row is the load on reviewers from clean posts."""),
    new_code_cell("""conf = metrics["confusions"]
print(f"{'true / wrong →':<15}" + "".join(f"{l:>12}" for l in LABELS))
for true, row in conf.items():
    print(f"{true:<15}" + "".join(f"{row[l]:>12}" for l in LABELS))
hard = [r for r in dev if r["kind"] == "hard_negative"]
hard_idx = [dev.index(r) for r in hard]
print(f"\\nhard negatives flagged: {pred[hard_idx].any(1).sum()} of {len(hard)}")"""),
    new_markdown_cell("## Threshold curves (precision and recall against the decision threshold)"),
    new_code_cell("""fig, axes = plt.subplots(1, 4, figsize=(16, 3.5), sharey=True)
for j, (label, ax) in enumerate(zip(LABELS, axes)):
    thr, p, r = pr_curve(Y_dev[:, j], scores[:, j])
    ax.plot(thr, p, label="precision")
    ax.plot(thr, r, label="recall")
    ax.axvline(thresholds[label], color="grey", linestyle="--", label="saved threshold")
    ax.axhline(0.9, color="red", linewidth=0.5)
    ax.set_title(label); ax.set_xlabel("threshold")
axes[0].legend(loc="lower left")
plt.tight_layout(); plt.show()"""),
    new_markdown_cell("## Calibration (reliability on dev)"),
    new_code_cell("""fig, ax = plt.subplots(figsize=(5, 4))
for label in LABELS:
    table = metrics["calibration"][label]["reliability"]
    ax.plot([b["mean_score"] for b in table], [b["positive_rate"] for b in table], marker="o", label=label)
ax.plot([0, 1], [0, 1], color="grey", linestyle=":")
ax.set_xlabel("mean score in bin"); ax.set_ylabel("share truly labelled"); ax.legend()
plt.tight_layout(); plt.show()
for label in LABELS:
    c = metrics["calibration"][label]
    print(f"{label:<11} Brier {c['brier']:.4f}  ECE {c['ece']:.4f}")"""),
    new_markdown_cell("""## Worst errors

For each label, the missed posts with the lowest scores and the wrongly flagged posts with the
highest. Read these against the codebook: some will be labelling mistakes to fix in the corpus."""),
    new_code_cell("""def show(label, k=3):
    j = LABELS.index(label)
    missed = [i for i in np.argsort(scores[:, j]) if Y_dev[i, j] == 1 and pred[i, j] == 0][:k]
    wrong = [i for i in np.argsort(-scores[:, j]) if Y_dev[i, j] == 0 and pred[i, j] == 1][:k]
    print(f"=== {label}: {len(missed)} worst misses, {len(wrong)} worst false flags shown")
    for kind, idx in (("MISSED", missed), ("FALSE FLAG", wrong)):
        for i in idx:
            print(f"  {kind:<10} {scores[i, j]:.3f} [{', '.join(dev[i]['labels']) or 'none'}] {dev[i]['text'][:160]}")
for label in LABELS:
    show(label)"""),
]


def build() -> nbformat.NotebookNode:
    nb = new_notebook(cells=CELLS)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


if __name__ == "__main__":
    nb = build()
    if "--execute" in sys.argv:
        from nbclient import NotebookClient

        NotebookClient(
            nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
        ).execute()
    PATH.parent.mkdir(exist_ok=True)
    nbformat.write(nb, PATH)
    print(PATH)
