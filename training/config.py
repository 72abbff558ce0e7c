"""Training configuration: a TOML file, validated into a typed object.

Paths inside a config are relative to the config file's folder. The file itself is copied into
the model's folder so every model says exactly how it was made.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from probity.errors import ConfigurationError

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class TrainConfig:
    path: Path
    name: str
    kind: str
    params: dict[str, Any]
    corpus: Path
    olid: str = "auto"  # "auto": use OLID when the shared data is present; "off": never
    olid_max_train: int | None = None
    max_train: int | None = None  # cap on training examples (tiny runs only)
    max_eval: int | None = None
    target_recall: float = 0.90
    min_precision: float = 0.5
    real_negatives: str = (
        "auto"  # "auto": real everyday posts as negatives (Davidson; OLID if present)
    )
    prevalence: float = 0.01  # stated share of inappropriate posts in deployment
    capacity_per_1000: float = 20.0  # review capacity: flags per 1,000 posts classified
    min_recall_any: float = 0.85  # any-label recall floor on dev positives for the operating point
    throughput_posts: int = 2000  # posts scored to measure throughput at training time
    card: Path | None = None  # also publish the model card here (docs/), relative to the repo
    raw: dict[str, Any] = field(default_factory=dict)


def _get(
    table: dict[str, Any], key: str, typ: type | tuple[type, ...], default: Any, where: str
) -> Any:
    value = table.get(key, default)
    if value is not None and not isinstance(value, typ):
        raise ConfigurationError(
            f"{where}: '{key}' must be {getattr(typ, '__name__', typ)}, got {value!r}"
        )
    return value


def load_config(path: Path) -> TrainConfig:
    path = Path(path)
    if not path.exists():
        raise ConfigurationError(f"config file {path} does not exist")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path}: not valid TOML: {exc}") from exc
    unknown = set(raw) - {"name", "model", "data", "thresholds", "output", "operating_point"}
    if unknown:
        raise ConfigurationError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}")
    model, data = raw.get("model", {}), raw.get("data", {})
    thresholds, output = raw.get("thresholds", {}), raw.get("output", {})
    op = raw.get("operating_point", {})
    if "kind" not in model:
        raise ConfigurationError(
            f"{path}: [model] needs 'kind' (tfidf-logreg, transformer or ensemble)"
        )
    base = path.parent
    corpus = base / _get(data, "corpus", str, "../data/corpus.jsonl", f"{path} [data]")
    olid = _get(data, "olid", str, "auto", f"{path} [data]")
    if olid not in ("auto", "off"):
        raise ConfigurationError(f"{path} [data]: 'olid' must be 'auto' or 'off', got {olid!r}")
    card = _get(output, "card", str, None, f"{path} [output]")
    real = _get(data, "real_negatives", str, "auto", f"{path} [data]")
    if real not in ("auto", "off"):
        raise ConfigurationError(
            f"{path} [data]: 'real_negatives' must be 'auto' or 'off', got {real!r}"
        )
    prevalence = float(_get(op, "prevalence", (int, float), 0.01, f"{path} [operating_point]"))
    capacity = float(_get(op, "capacity_per_1000", (int, float), 20.0, f"{path} [operating_point]"))
    min_recall = float(_get(op, "min_recall_any", (int, float), 0.85, f"{path} [operating_point]"))
    if not 0 < prevalence < 1:
        raise ConfigurationError(
            f"{path} [operating_point]: 'prevalence' must be between 0 and 1, got {prevalence}"
        )
    if not 0 < capacity <= 1000:
        raise ConfigurationError(
            f"{path} [operating_point]: 'capacity_per_1000' must be in (0, 1000], got {capacity}"
        )
    return TrainConfig(
        path=path,
        name=_get(raw, "name", str, path.stem, str(path)),
        kind=model["kind"],
        params=dict(model.get("params", {})),
        corpus=corpus.resolve(),
        olid=olid,
        olid_max_train=_get(data, "olid_max_train", int, None, f"{path} [data]"),
        max_train=_get(data, "max_train", int, None, f"{path} [data]"),
        max_eval=_get(data, "max_eval", int, None, f"{path} [data]"),
        target_recall=float(
            _get(thresholds, "target_recall", (int, float), 0.90, f"{path} [thresholds]")
        ),
        min_precision=float(
            _get(thresholds, "min_precision", (int, float), 0.5, f"{path} [thresholds]")
        ),
        real_negatives=real,
        prevalence=prevalence,
        capacity_per_1000=capacity,
        min_recall_any=min_recall,
        throughput_posts=_get(output, "throughput_posts", int, 2000, f"{path} [output]"),
        card=(REPO_ROOT / card) if card else None,
        raw=raw,
    )
