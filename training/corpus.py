"""The labelled corpus: parts → validated ``corpus.jsonl`` with fixed splits, and its counts.

Each part (``training/data/parts/<label>.jsonl``) was written for this project to the codebook;
``build_corpus`` validates every row (all-or-nothing, with row and field in each error), adds
the split and writes ``training/data/corpus.jsonl`` sorted by id. Splits come from a stable hash
of a grouping key (the example id here, the account for reviewed posts), so they never change
when examples are added and everything from one account lands in one split.

Run: ``python -m training.corpus`` rebuilds corpus.jsonl and the counts table of DATASHEET.md.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from classifier.base import labels_to_matrix
from probity.errors import InputFileError, RowError
from probity.models.review import LABELS

DATA_DIR = Path(__file__).parent / "data"
PARTS_DIR = DATA_DIR / "parts"
CORPUS_PATH = DATA_DIR / "corpus.jsonl"
DATASHEET_PATH = DATA_DIR / "DATASHEET.md"
PLATFORMS = ("x", "facebook", "bluesky", "mastodon")
KINDS = ("positive", "hard_negative", "negative")
SPLITS = ("train", "dev", "test")
SPLIT_SALT = "probity-split-v1:"


def split_of(group_key: str, dev_share: int = 10, test_share: int = 10) -> str:
    """train/dev/test from a stable hash of the grouping key (80/10/10 by default)."""
    bucket = int(hashlib.sha256((SPLIT_SALT + group_key).encode()).hexdigest()[:8], 16) % 100
    if bucket < test_share:
        return "test"
    if bucket < test_share + dev_share:
        return "dev"
    return "train"


def validate_row(row: Any, n: int) -> list[RowError]:
    if not isinstance(row, dict):
        return [RowError(n, None, "not a JSON object")]
    errors: list[RowError] = []
    for field in ("id", "text"):
        if not isinstance(row.get(field), str) or not row.get(field, "").strip():
            errors.append(RowError(n, field, "missing or empty"))
    labels = row.get("labels")
    if not isinstance(labels, list) or any(label not in LABELS for label in labels):
        errors.append(
            RowError(n, "labels", f"must be a list drawn from {', '.join(LABELS)}; got {labels!r}")
        )
    elif len(set(labels)) != len(labels):
        errors.append(RowError(n, "labels", f"repeated label in {labels!r}"))
    if row.get("platform") not in PLATFORMS:
        errors.append(
            RowError(n, "platform", f"{row.get('platform')!r} is not one of {', '.join(PLATFORMS)}")
        )
    kind = row.get("kind")
    if kind not in KINDS:
        errors.append(RowError(n, "kind", f"{kind!r} is not one of {', '.join(KINDS)}"))
    elif isinstance(labels, list) and (kind == "positive") != bool(labels):
        errors.append(RowError(n, "kind", f"kind {kind!r} does not fit labels {labels!r}"))
    return errors


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSONL file, or InputFileError naming each bad line."""
    rows: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            errors.append(RowError(n, None, f"not valid JSON: {exc.msg}"))
    if errors:
        raise InputFileError(str(path), errors)
    return rows


def load_parts(parts_dir: Path = PARTS_DIR) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted(Path(parts_dir).glob("*.jsonl")):
        part = read_jsonl(path)
        errors = [e for n, row in enumerate(part, 1) for e in validate_row(row, n)]
        if errors:
            raise InputFileError(str(path), errors)
        rows += part
    ids = Counter(r["id"] for r in rows)
    dupes = sorted(i for i, c in ids.items() if c > 1)
    if dupes:
        raise InputFileError(
            str(parts_dir), [RowError(0, "id", f"duplicate id {d}") for d in dupes]
        )
    return rows


def build_corpus(parts_dir: Path = PARTS_DIR) -> list[dict[str, Any]]:
    rows = load_parts(parts_dir)
    out = []
    for r in sorted(rows, key=lambda r: r["id"]):
        labels = [label for label in LABELS if label in r["labels"]]  # canonical order
        out.append(
            {
                "id": r["id"],
                "text": r["text"],
                "labels": labels,
                "platform": r["platform"],
                "kind": r["kind"],
                "split": split_of(r["id"]),
            }
        )
    return out


def write_corpus(rows: Sequence[dict[str, Any]], path: Path = CORPUS_PATH) -> None:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )


def load_corpus(path: Path = CORPUS_PATH) -> list[dict[str, Any]]:
    rows = read_jsonl(path)
    errors = [e for n, row in enumerate(rows, 1) for e in validate_row(row, n)]
    errors += [
        RowError(n, "split", f"{row.get('split')!r} is not one of {', '.join(SPLITS)}")
        for n, row in enumerate(rows, 1)
        if row.get("split") not in SPLITS
    ]
    if errors:
        raise InputFileError(str(path), errors)
    return rows


def texts_and_matrix(rows: Iterable[dict[str, Any]]) -> tuple[list[str], np.ndarray]:
    rows = list(rows)
    return [r["text"] for r in rows], labels_to_matrix([r["labels"] for r in rows])


def counts(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    by_label = {label: sum(label in r["labels"] for r in rows) for label in LABELS}
    return {
        "total": len(rows),
        "per_label": by_label,
        "no_label": sum(not r["labels"] for r in rows),
        "hard_negative": sum(r["kind"] == "hard_negative" for r in rows),
        "multi_label": sum(len(r["labels"]) >= 2 for r in rows),
        "per_platform": dict(sorted(Counter(r["platform"] for r in rows).items())),
        "per_split": {s: sum(r.get("split") == s for r in rows) for s in SPLITS},
        "per_split_label": {
            s: {
                label: sum(r.get("split") == s and label in r["labels"] for r in rows)
                for label in LABELS
            }
            for s in SPLITS
        },
        "median_words": float(np.median([len(r["text"].split()) for r in rows])) if rows else 0.0,
    }


def counts_markdown(c: dict[str, Any]) -> str:
    lines = ["| quantity | count |", "| --- | ---: |", f"| posts | {c['total']} |"]
    lines += [f"| with `{label}` | {n} |" for label, n in c["per_label"].items()]
    lines += [
        f"| no label | {c['no_label']} |",
        f"| of which hard negatives | {c['hard_negative']} |",
        f"| two or more labels | {c['multi_label']} |",
    ]
    lines += [f"| platform {p} | {n} |" for p, n in c["per_platform"].items()]
    lines += [f"| split {s} | {n} |" for s, n in c["per_split"].items()]
    lines += [f"| median words per post | {c['median_words']:.0f} |"]
    return "\n".join(lines)


_COUNTS_BLOCK = re.compile(r"(<!-- counts:start -->\n).*?(<!-- counts:end -->)", re.S)


def update_datasheet(c: dict[str, Any], path: Path = DATASHEET_PATH) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(
        _COUNTS_BLOCK.sub(lambda m: m.group(1) + counts_markdown(c) + "\n" + m.group(2), text),
        encoding="utf-8",
    )


def main(argv: list[str]) -> int:
    parts = Path(argv[0]) if argv else PARTS_DIR
    rows = build_corpus(parts)
    write_corpus(rows)
    if DATASHEET_PATH.exists():
        update_datasheet(counts(rows))
    print(json.dumps(counts(rows), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
