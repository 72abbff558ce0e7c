"""File import source: rows of a JSONL or CSV export, as read, with their line numbers."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from probity.errors import InputFileError, RowError


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) for each record; the format is chosen by the file's extension."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputFileError(
                        str(path), [RowError(number, None, f"not JSON: {exc.msg}")]
                    ) from exc
                if not isinstance(row, dict):
                    raise InputFileError(
                        str(path), [RowError(number, None, "expected a JSON object")]
                    )
                yield number, row
    elif suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):  # line 1 is the header
                yield number, dict(row)
    else:
        raise InputFileError(
            str(path), [RowError(0, None, f"unknown extension {suffix!r}: use .jsonl or .csv")]
        )
