"""Train a model from a TOML config: fit, choose thresholds on dev, evaluate, write the folder.

The model folder (``settings.resolved_models_dir/<version>/``) holds the weights, ``model.json``
(kind, parameters, thresholds, version), a copy of the config, ``metrics.json`` and
``model_card.md``. Registering the folder as a database version is a separate step
(``classifier.registry.register``), and a new version is never made active here.
"""

from __future__ import annotations

import copy
import json
import logging
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from classifier.base import PostClassifier, read_envelope, write_envelope
from classifier.kinds import make_model
from classifier.scoring import Calibration, clean, raw_scores, score_texts
from classifier.tfidf_minilm import TfidfMiniLM
from probity.errors import ConfigurationError
from probity.models.review import LABELS
from probity.settings import get_settings
from training import evaluate as ev
from training import public
from training.config import TrainConfig, load_config
from training.corpus import counts, load_corpus, texts_and_matrix
from training.model_card import write_model_card
from training.olid import load_olid_split, olid_available
from training.operating_point import OperatingPoint, choose_operating_point, fit_calibration
from training.realtext import real_text_block

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainResult:
    version: str
    path: Path
    metrics: dict[str, Any]


def _split(rows: list[dict[str, Any]], name: str, cap: int | None) -> list[dict[str, Any]]:
    part = [r for r in rows if r["split"] == name]
    return part[:cap] if cap else part


def new_version(name: str) -> str:
    return f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%S}"


def train_from_config(
    config_path: Path,
    *,
    reviewed: list[dict[str, Any]] | None = None,
    models_dir: Path | None = None,
    publish_card: bool = True,
) -> TrainResult:
    """Train as the config says. ``reviewed`` are analysts' decisions already deduplicated and
    split by account (see ``training.reviewed``); they are added to the corpus rows."""
    cfg = load_config(config_path)
    corpus = load_corpus(cfg.corpus)
    reviewed = list(reviewed or [])
    rows = corpus + reviewed
    train_rows = _split(corpus, "train", cfg.max_train) + _split(reviewed, "train", None)
    dev_rows = _split(corpus, "dev", cfg.max_eval) + _split(reviewed, "dev", None)
    test_rows = _split(corpus, "test", cfg.max_eval) + _split(reviewed, "test", None)
    X_train, Y_train = _cleaned(texts_and_matrix(train_rows))
    X_dev, Y_dev = _cleaned(texts_and_matrix(dev_rows))
    X_test, Y_test = texts_and_matrix(test_rows)  # scored through score_texts, which cleans

    use_olid = cfg.olid == "auto" and olid_available()
    use_real = cfg.real_negatives == "auto"
    real_train = (
        public.real_everyday("train", use_olid=use_olid) if use_real else public.RealPosts([], [])
    )
    real_dev = (
        public.real_everyday("dev", use_olid=use_olid) if use_real else public.RealPosts([], [])
    )
    real_train_texts = [clean(t) for t in real_train.all][: cfg.max_train or None]
    real_dev_texts = [clean(t) for t in real_dev.all][: cfg.max_eval or None]
    fit_texts = X_train + real_train_texts
    fit_Y = np.vstack(
        [Y_train, np.zeros((len(real_train_texts), len(LABELS)), dtype=Y_train.dtype)]
    )
    aux = None
    if use_olid:
        olid_texts, olid_y = load_olid_split("train")
        if cfg.olid_max_train:
            olid_texts, olid_y = olid_texts[: cfg.olid_max_train], olid_y[: cfg.olid_max_train]
        aux = ([clean(t) for t in olid_texts], olid_y)
    if cfg.kind == "ensemble":
        params = {
            **cfg.params,
            "members": [resolve_member(m, models_dir) for m in cfg.params.get("members", [])],
        }
    else:
        params = cfg.params
    model = make_model(cfg.kind, params)
    log.info(
        "training %s on %d posts (%d project, %d real everyday negatives; %d dev)%s",
        cfg.kind,
        len(fit_texts),
        len(X_train),
        len(real_train_texts),
        len(X_dev),
        f" with {len(aux[0])} OLID tweets as auxiliary supervision" if aux else "",
    )
    started = time.monotonic()
    model.fit(fit_texts, fit_Y, dev=(X_dev, Y_dev), aux=aux)
    fit_seconds = time.monotonic() - started

    calibration, op, cal_dev = _operating_point(model, cfg, X_dev, Y_dev, real_dev_texts)
    gate_lowered_from = None
    if isinstance(model, TfidfMiniLM) and model.gate > 0:
        lowest = min(calibration.raw_threshold(k, t) for k, t in op.thresholds.items())
        if lowest <= model.gate:
            # a post the cascade skips scores below the gate: with a threshold below it, such a
            # post could be flagged on the screen's score alone, so the gate moves under it
            gate_lowered_from, model.gate = model.gate, round(lowest / 2, 6)
            log.warning("cascade gate %s lowered to %s", gate_lowered_from, model.gate)
            calibration, op, cal_dev = _operating_point(model, cfg, X_dev, Y_dev, real_dev_texts)
    thresholds = op.thresholds
    version = new_version(cfg.name)
    folder = Path(models_dir or get_settings().resolved_models_dir) / version
    model.save(folder)

    test_scores = score_texts(model, X_test, calibration)
    metrics: dict[str, Any] = {
        "version": version,
        "kind": model.kind,
        "config_name": cfg.name,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "fit_seconds": round(fit_seconds, 1),
        "data": {
            "corpus": str(cfg.corpus.name),
            "counts": counts(rows),
            "train": len(X_train),
            "dev": len(X_dev),
            "test": len(X_test),
            "reviewed": len(reviewed),
            "real_train": {
                "davidson": min(len(real_train.davidson), len(real_train_texts)),
                "olid": max(0, len(real_train_texts) - len(real_train.davidson)),
            },
            "real_dev": len(real_dev_texts),
            "olid_train": len(aux[0]) if aux else 0,
        },
        "operating_point": op.as_dict(),
        "calibration": calibration.as_dict(),
        "thresholds": _threshold_table(Y_dev, cal_dev, thresholds, op.rule),
        "dev": ev.per_label_metrics(Y_dev, cal_dev, thresholds),
        "test": ev.per_label_metrics(Y_test, test_scores, thresholds),
        "real_text": real_text_block(
            model, calibration, thresholds, project_test=(X_test, Y_test), use_olid=use_olid
        ),
    }
    extra = _model_specific(model, X_dev, Y_dev, thresholds)
    if isinstance(model, TfidfMiniLM):
        extra["cascade"] = cascade_check(
            model, calibration, thresholds, X_dev + real_dev_texts + list(X_test)
        )
        extra["cascade"]["gate_lowered_from"] = gate_lowered_from
    if extra:
        metrics["model_specific"] = extra
    envelope: dict[str, Any] = {
        "thresholds": thresholds,
        "version": version,
        "calibration": calibration.as_dict(),
    }
    if use_olid and model.predict_aux_proba(X_dev[:1]) is not None:
        metrics["olid"] = _olid_metrics(model, cfg)
        envelope["olid_threshold"] = metrics["olid"]["threshold"]
    metrics["throughput_posts_per_second"] = round(
        ev.throughput(model, X_test or X_dev, cfg.throughput_posts), 1
    )

    write_envelope(folder, {**read_envelope(folder), **envelope})
    shutil.copyfile(cfg.path, folder / "config.toml")
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    card = write_model_card(folder, metrics, cfg)
    if publish_card and cfg.card is not None:
        cfg.card.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(card, cfg.card)
    log.info(
        "saved %s: test macro-F1 %.3f%s",
        folder,
        metrics["test"]["macro_f1"],
        f", OLID test macro-F1 {metrics['olid']['test_macro_f1']:.3f}" if "olid" in metrics else "",
    )
    return TrainResult(version, folder, metrics)


def _operating_point(
    model: PostClassifier,
    cfg: TrainConfig,
    X_dev: list[str],
    Y_dev: np.ndarray,
    real_dev_texts: list[str],
) -> tuple[Calibration, OperatingPoint, np.ndarray]:
    """Calibration on dev and real dev at the stated prevalence, then the thresholds from the
    prevalence and the review capacity; with the calibrated dev scores."""
    raw_dev = raw_scores(model, X_dev)
    raw_real_dev = raw_scores(model, real_dev_texts)
    calibration = fit_calibration(raw_dev, Y_dev, raw_real_dev, cfg.prevalence)
    cal_dev, cal_real_dev = calibration.apply(raw_dev), calibration.apply(raw_real_dev)
    op = choose_operating_point(
        cal_dev, Y_dev, cal_real_dev, cfg.prevalence, cfg.capacity_per_1000, cfg.min_recall_any
    )
    return calibration, op, cal_dev


def _cleaned(pair: tuple[list[str], np.ndarray]) -> tuple[list[str], np.ndarray]:
    return [clean(t) for t in pair[0]], pair[1]


def _threshold_table(
    Y: np.ndarray, scores: np.ndarray, thresholds: dict[str, float], rule: str
) -> dict[str, dict[str, Any]]:
    """Per-label dev precision and recall at the operating point (for the card)."""
    out: dict[str, dict[str, Any]] = {}
    for j, label in enumerate(LABELS):
        pred = scores[:, j] >= thresholds[label]
        tp = int((pred & (Y[:, j] == 1)).sum())
        out[label] = {
            "threshold": thresholds[label],
            "precision": tp / max(int(pred.sum()), 1),
            "recall": tp / max(int(Y[:, j].sum()), 1),
            "rule": rule,
        }
    return out


def _scores_and_aux(model: PostClassifier, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    scores, aux = model.predict_both(texts)  # one pass where the model can
    assert aux is not None
    return scores, aux


def _olid_metrics(model: PostClassifier, cfg: TrainConfig) -> dict[str, Any]:
    """Thresholds on OLID val; then the test split, once, for the card (never for choices)."""
    offensive = LABELS.index("offensive")
    val_texts, val_y = load_olid_split("val")
    val_codebook, val_aux = _scores_and_aux(model, [clean(t) for t in val_texts])
    threshold = ev.best_binary_threshold(val_y, val_aux)
    codebook_threshold = ev.best_binary_threshold(val_y, val_codebook[:, offensive])
    test_texts, test_y = load_olid_split("test")
    test_codebook, test_aux = _scores_and_aux(model, [clean(t) for t in test_texts])
    return {
        "threshold": threshold,
        "val_macro_f1": ev.binary_macro_f1(val_y, val_aux, threshold),
        "test_macro_f1": ev.binary_macro_f1(test_y, test_aux, threshold),
        "test_n": len(test_y),
        # How the codebook's narrower `offensive` output fares on OLID's broader notion, at a
        # threshold chosen the same way on val (a robustness figure, not the target).
        "codebook_offensive_test_macro_f1": ev.binary_macro_f1(
            test_y, test_codebook[:, offensive], codebook_threshold
        ),
    }


def _model_specific(
    model: PostClassifier, X_dev: list[str], Y_dev: np.ndarray, thresholds: dict[str, float]
) -> dict[str, Any]:
    """The transformer reports what int8 dynamic quantisation costs on dev."""
    if model.kind != "transformer" or not getattr(model, "quantize", False):
        return {}
    float_scores = model.predict_proba(X_dev, quantize=False)  # type: ignore[call-arg]
    return {
        "dev_macro_f1_without_quantisation": ev.per_label_metrics(Y_dev, float_scores, thresholds)[
            "macro_f1"
        ],
        "best_step": getattr(model, "best_step_", None),
        "history": getattr(model, "history_", []),
    }


def cascade_check(
    model: TfidfMiniLM, calibration: Calibration, thresholds: dict[str, float], texts: list[str]
) -> dict[str, Any]:
    """What the tfidf-minilm cascade saves and whether it changes any label: the share of texts
    it embeds, each label's threshold as a raw score (it must lie above the gate), and the labels
    it gives against embedding every text."""
    cleaned = [clean(t) for t in texts]
    raw = {label: calibration.raw_threshold(label, t) for label, t in thresholds.items()}
    cuts = np.array([thresholds[label] for label in LABELS])
    gated = score_texts(model, cleaned, calibration) >= cuts
    full_model = copy.copy(model)
    full_model.gate = 0.0
    full = score_texts(full_model, cleaned, calibration) >= cuts
    return {
        "gate": model.gate,
        "texts": len(cleaned),
        "embedded_share": float(model.needs_embedding(cleaned).mean()) if cleaned else 0.0,
        "raw_thresholds": raw,
        "thresholds_above_gate": all(v > model.gate for v in raw.values()),
        "label_differences": int((gated != full).sum()),
    }


def resolve_member(ref: str, models_dir: Path | None = None) -> str:
    """An ensemble member: a model folder, a version name, or 'latest:KIND'."""
    base = Path(models_dir or get_settings().resolved_models_dir)
    if ref.startswith("latest:"):
        kind = ref.split(":", 1)[1]
        found = sorted(
            (
                d
                for d in base.glob("*/")
                if (d / "model.json").exists() and read_envelope(d).get("kind") == kind
            ),
            key=lambda d: read_envelope(d).get("version", "").rsplit("-", 1)[-1],
        )
        found = [d for d in found if (d / "metrics.json").exists()]
        if not found:
            raise ConfigurationError(f"ensemble member {ref!r}: no trained {kind} model in {base}")
        return str(found[-1])
    path = Path(ref) if Path(ref).is_absolute() else base / ref
    return str(path)
