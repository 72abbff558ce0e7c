"""Classify a JSONL file of posts: lines with ``id`` and ``text`` in (other fields ignored);
lines with ``id``, ``status`` (``scored`` or ``unscored``), ``language``, ``labels``, ``scores``
(label → calibrated 0–1, null when unscored), ``risk`` and ``model_version`` out.

The input is validated completely before anything is written: a bad line stops the run with
its line number and field, and no partial output file is left behind.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier.explain import explain
from classifier.registry import LoadedModel
from classifier.scoring import classify_texts
from probity.errors import InputFileError, RowError
from probity.models.review import LABELS

log = logging.getLogger(__name__)


def read_posts(path: Path) -> list[tuple[str, str]]:
    posts: list[tuple[str, str]] = []
    errors: list[RowError] = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(RowError(n, None, f"not valid JSON: {exc.msg}"))
            continue
        if not isinstance(row, dict):
            errors.append(RowError(n, None, "not a JSON object"))
            continue
        ident, text = row.get("id"), row.get("text")
        if isinstance(ident, bool) or not isinstance(ident, str | int) or str(ident) == "":
            errors.append(RowError(n, "id", "missing, or not a string or integer"))
        if not isinstance(text, str):
            errors.append(RowError(n, "text", "missing or not a string"))
        if isinstance(ident, str | int) and not isinstance(ident, bool) and isinstance(text, str):
            posts.append((str(ident) if isinstance(ident, str) else ident, text))  # type: ignore[arg-type]
    if errors:
        raise InputFileError(str(path), errors)
    return posts


@dataclass
class FileStats:
    written: int = 0
    unscored: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (post id, why)


def classify_file(
    in_path: Path,
    out_path: Path,
    loaded: LoadedModel,
    *,
    batch_size: int = 2048,
    with_explanations: bool = False,
) -> FileStats:
    """Write one line per post. Posts in another language are written ``unscored`` (no scores,
    ``language`` set); a post that cannot be scored at all is logged with its id and skipped,
    and every other post is still written."""
    posts = read_posts(in_path)
    stats = FileStats()
    tmp = Path(out_path).with_name(Path(out_path).name + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for start in range(0, len(posts), batch_size):
            batch = posts[start : start + batch_size]
            texts = [t for _, t in batch]
            outcomes = classify_texts(loaded.model, loaded.calibration, loaded.thresholds, texts)
            labels = [o.labels or [] for o in outcomes]
            spans = explain(loaded.model, texts, labels) if with_explanations else None
            for i, (ident, _) in enumerate(batch):
                o = outcomes[i]
                if o.error is not None:
                    log.warning("post %r could not be scored and was skipped: %s", ident, o.error)
                    stats.failed.append((str(ident), o.error))
                    continue
                row: dict[str, Any] = {
                    "id": ident,
                    "status": o.status,
                    "language": o.language,
                    "labels": labels[i],
                    "scores": None
                    if o.scores is None
                    else {
                        label: round(float(s), 6) for label, s in zip(LABELS, o.scores, strict=True)
                    },
                    "risk": None if o.scores is None else round(o.risk, 6),
                    "model_version": loaded.version,
                }
                if spans is not None:
                    row["explanation"] = spans[i]
                # ASCII escapes: an id or word with a lone surrogate is still valid JSON
                out.write(json.dumps(row, ensure_ascii=True) + "\n")
                stats.written += 1
                stats.unscored += o.scores is None
    os.replace(tmp, out_path)
    return stats
