"""Classify a JSONL file of posts: lines with ``id`` and ``text`` in (other fields ignored);
lines with ``id``, ``labels``, ``scores`` (label → 0–1) and ``model_version`` out.

The input is validated completely before anything is written: a bad line stops the run with
its line number and field, and no partial output file is left behind.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from classifier.explain import explain
from classifier.registry import LoadedModel
from classifier.store import labels_from_scores
from probity.errors import InputFileError, RowError
from probity.models.review import LABELS


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


def classify_file(in_path: Path, out_path: Path, loaded: LoadedModel, *, batch_size: int = 2048,
                  with_explanations: bool = False) -> int:
    posts = read_posts(in_path)
    tmp = Path(out_path).with_name(Path(out_path).name + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for start in range(0, len(posts), batch_size):
            batch = posts[start : start + batch_size]
            texts = [t for _, t in batch]
            scores = loaded.model.predict_proba(texts)
            labels = labels_from_scores(scores, loaded.thresholds)
            spans = explain(loaded.model, texts, labels, base_scores=scores) if with_explanations else None
            for i, (ident, _) in enumerate(batch):
                row: dict[str, Any] = {
                    "id": ident, "labels": labels[i],
                    "scores": {label: round(float(s), 6) for label, s in zip(LABELS, scores[i], strict=True)},
                    "model_version": loaded.version}
                if spans is not None:
                    row["explanation"] = spans[i]
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(tmp, out_path)
    return len(posts)
