"""Reading profile files (JSON Lines) with row-level errors, and writing verdict lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.identify.identifier import ProfileText, Verdict
from probity.errors import InputFileError, RowError

PROFILE_FIELDS = ("id", "platform", "handle", "display_name", "bio")
ROLES = ("officer", "special", "pcso", "staff", "volunteer")


@dataclass(frozen=True)
class ProfileRow:
    """One input line: the profile and the raw object (for truth columns in labelled files)."""

    id: str
    profile: ProfileText
    raw: dict[str, Any]


def _check_row(n: int, obj: Any, errors: list[RowError]) -> ProfileRow | None:
    if not isinstance(obj, dict):
        errors.append(RowError(n, None, f"expected a JSON object, got {type(obj).__name__}"))
        return None
    ok = True
    for name in PROFILE_FIELDS:
        if name not in obj:
            errors.append(RowError(n, name, "missing"))
            ok = False
        elif name == "id" and not (isinstance(obj[name], (str, int)) and str(obj[name]).strip()):
            errors.append(RowError(n, name, "must be a non-empty string or integer"))
            ok = False
        elif name != "id" and not isinstance(obj[name], str) and obj[name] is not None:
            errors.append(RowError(n, name, f"must be a string, got {type(obj[name]).__name__}"))
            ok = False
    if not ok:
        return None
    profile = ProfileText(
        handle=obj["handle"] or "",
        display_name=obj["display_name"] or "",
        bio=obj["bio"] or "",
        platform=obj["platform"] or "x",
    )
    return ProfileRow(str(obj["id"]), profile, obj)


def read_profiles(path: Path) -> list[ProfileRow]:
    """All rows of a profiles JSONL file, or InputFileError naming every bad line and field."""
    rows: list[ProfileRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputFileError(
            str(path), [RowError(0, None, f"cannot open: {exc.strerror}")]
        ) from None
    with handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(RowError(n, None, f"not valid JSON: {exc.msg} (column {exc.colno})"))
                continue
            row = _check_row(n, obj, errors)
            if row is None:
                continue
            if row.id in seen:
                errors.append(
                    RowError(n, "id", f"duplicate id {row.id!r} (first on line {seen[row.id]})")
                )
                continue
            seen[row.id] = n
            rows.append(row)
    if errors:
        raise InputFileError(str(path), errors)
    return rows


def verdict_record(row_id: str, verdict: Verdict) -> dict[str, Any]:
    return {
        "id": row_id,
        "self_identified": verdict.self_identified,
        "force": verdict.force,
        "role": verdict.role,
        "confidence": verdict.confidence,
        "evidence": list(verdict.evidence),
        "reason": verdict.reason,
        "role_evidence": verdict.role_evidence,
        "force_candidates": list(verdict.force_candidates),
    }


def write_verdicts(path: Path, records: Iterator[dict[str, Any]]) -> int:
    """Write verdict records as JSON Lines (to a temporary file, then renamed); return the count."""
    tmp = path.with_name(path.name + ".part")
    count = 0
    with tmp.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    tmp.replace(path)
    return count
