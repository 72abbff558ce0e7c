"""Register imports from CSV or XLSX: all or nothing, every bad row reported, idempotent.

Row numbers are spreadsheet rows: the header is row 1, the first entry row 2. The file streams:
rows are read, checked and staged one at a time (registers/reader.py, registers/staging.py), so a
million-row register imports in bounded memory; the register itself is written only after every
row has passed, in the caller's transaction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Session

from probity.errors import InputFileError, RowError
from probity.forces import FORCE_IDS
from registers.cells import cell_parser
from registers.reader import MAX_CELL_CHARS, Cells, ReadAbort, read_rows
from registers.staging import Staging
from registers.templates import Kind, Template, get_template

# C0 controls and DEL, except tab, line feed and carriage return (legitimate inside a cell):
# PostgreSQL refuses NUL in text and the others are invisible in every report.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ImportSummary:
    register: str
    rows: int
    inserted: int
    updated: int
    unchanged: int


def _check_row(template: Template, row: dict[str, Any]) -> list[tuple[str, str]]:
    """Rules that involve more than one column."""
    problems = []
    if template.name == "investigations":
        disclosure = row["type"] == "information_disclosure"
        if disclosure and not row["recipient"]:
            problems.append(("recipient", "required for information_disclosure"))
        if not disclosure and row["recipient"]:
            problems.append(("recipient", "only information_disclosure has a recipient"))
        needs_scope = row["recipient"] == "media" or row["type"] == "media_relationship"
        if needs_scope and not row["media_scope"]:
            problems.append(("media_scope", "required (local or national) for media cases"))
        if not needs_scope and row["media_scope"]:
            problems.append(("media_scope", "only media cases have a media scope"))
        if row["closed_on"] and row["closed_on"] < row["opened_on"]:
            problems.append(
                ("closed_on", f"{row['closed_on']} is before opened_on {row['opened_on']}")
            )
    return problems


@dataclass
class _Problems:
    """The first ``cap`` problems (in row order, as rows are read) and how many there were."""

    cap: int = InputFileError.SHOWN
    shown: list[RowError] = field(default_factory=list)
    total: int = 0

    def add(self, row: int, column: str | None, reason: str) -> None:
        self.total += 1
        if len(self.shown) < self.cap:
            self.shown.append(RowError(row, column, reason))


def _control_character(text: str) -> str | None:
    found = CONTROL.search(text)
    if found is None:
        return None
    char = found.group()
    name = {"\x00": "NUL"}.get(char) or unicodedata.name(char, "control character")
    return f"contains a control character (U+{ord(char):04X} {name}) at character {found.start() + 1}: remove it"


def _header(
    template: Template, rows: Iterator[tuple[int, Cells]], source: str, force_id: str | None
) -> list[str]:
    """Column names by position ('' for a blank heading), or InputFileError naming each problem."""
    try:
        _, cells = next(rows)
    except StopIteration:
        cells = []
    except ReadAbort as exc:
        raise InputFileError(source, [RowError(exc.row, None, exc.reason)]) from None
    header = [str(h).strip().lower() for h in cells]
    if not any(header):
        raise InputFileError(
            source, [RowError(1, None, "the file is empty: expected a header row")]
        )
    errors: list[RowError] = []
    known = set(template.column_names)
    first: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if not name:
            continue
        if (problem := _control_character(name)) is not None:
            errors.append(RowError(1, repr(name), problem))
        elif name in first:
            errors.append(
                RowError(
                    1,
                    name,
                    f"appears twice (columns {first[name]} and {position}): "
                    "keep one, or the later would silently win",
                )
            )
        elif name not in known:
            errors.append(
                RowError(
                    1,
                    name,
                    f"unknown column; the {template.name} template has: "
                    f"{', '.join(template.column_names)}",
                )
            )
        first.setdefault(name, position)
    for column in template.columns:
        if (
            column.name not in first
            and column.required
            and not (column.kind is Kind.force and force_id)
        ):
            errors.append(RowError(1, column.name, "missing required column"))
    if errors:
        raise InputFileError(source, errors)
    return header


def _entries(
    template: Template,
    header: list[str],
    rows: Iterator[tuple[int, Cells]],
    problems: _Problems,
    force_id: str | None,
) -> Iterator[tuple[Any, ...]]:
    """``(row number, *typed values)`` for each entry whose key could be read; every problem goes
    to ``problems`` (a row with a problem is still staged, so its duplicates are found too)."""
    model_columns = template.model.__table__.c
    plan = []  # (name, position in the row or None, parser, fills in the import's force)
    for column in template.columns:
        kind = model_columns[column.attribute].type
        limit = kind.length if column.kind is Kind.text and isinstance(kind, String) else None
        position = header.index(column.name) if column.name in header else None
        plan.append(
            (
                column.name,
                position,
                cell_parser(column, limit),
                column.kind is Kind.force and force_id,
            )
        )
    required = [i for i, column in enumerate(template.columns) if column.required]
    force_at = next(i for i, column in enumerate(template.columns) if column.kind is Kind.force)
    width = len(header)
    try:
        for number, cells in rows:
            texts = [c if isinstance(c, str) else str(c) for c in cells]
            joined = "\t".join(texts)
            if not joined.strip():
                continue  # blank lines are not entries
            if len(cells) > width and any(t.strip() for t in texts[width:]):
                problems.add(
                    number, None, f"{len(cells)} cells, but the header names {width} columns"
                )
            # the cheap whole-row tests first; the cell at fault is looked for only when they fail
            suspect = CONTROL.search(joined) is not None or len(joined) > MAX_CELL_CHARS
            values: list[Any] = []
            for name, position, parse, fill_force in plan:
                value = cells[position] if position is not None and position < len(cells) else ""
                if suspect and isinstance(value, str) and (problem := _cell_problem(value)):
                    problems.add(number, name, problem)
                    values.append(None)
                    continue
                if fill_force and not str(value).strip():
                    value = force_id
                try:
                    values.append(parse(value))
                except ValueError as exc:
                    problems.add(number, name, str(exc))
                    values.append(None)
            if force_id and values[force_at] and values[force_at] != force_id:
                problems.add(
                    number, "force", f"{values[force_at]!r}, but this import is for {force_id!r}"
                )
            if any(values[i] is None for i in required):
                continue  # cross-column rules and the key need every required value
            if template.name == "investigations":
                named = {c.attribute: v for c, v in zip(template.columns, values, strict=True)}
                for column_name, why in _check_row(template, named):
                    problems.add(number, column_name, why)
            yield (number, *values)
    except ReadAbort as exc:
        where = (
            None
            if exc.column is None
            else (
                header[exc.column]
                if exc.column < width and header[exc.column]
                else f"#{exc.column + 1}"
            )
        )
        problems.add(exc.row, where, exc.reason)


def _cell_problem(value: str) -> str | None:
    if len(value) > MAX_CELL_CHARS:
        return f"{len(value):,} characters; a cell holds at most {MAX_CELL_CHARS:,}"
    return _control_character(value)


def import_register(
    session: Session,
    register: str,
    path: Path,
    force_id: str | None = None,
    source: str | None = None,
) -> ImportSummary:
    """Check every row, then write them all; nothing is written unless every row is valid.

    Runs in the caller's transaction (the caller commits, or rolls back on an error). ``source``
    names the file in error reports (default: the path).
    """
    template = get_template(register)
    source = source or str(path)
    if force_id is not None and force_id not in FORCE_IDS:
        raise InputFileError(source, [RowError(1, "force", f"unknown force {force_id!r}")])
    rows = read_rows(path)
    header = _header(template, rows, source, force_id)
    problems = _Problems()
    staging = Staging(session, template)
    staging.load(_entries(template, header, rows, problems, force_id))
    staged = staging.finish_loading()
    duplicates, repeated = staging.duplicates(problems.cap)
    if problems.total or repeated:
        shown = sorted(problems.shown + duplicates, key=lambda e: e.row)[: problems.cap]
        raise InputFileError(source, shown, problems.total + repeated)
    if not staged:
        raise InputFileError(source, [RowError(2, None, "no entries below the header")])
    inserted, updated, unchanged = staging.merge(staged)
    staging.drop()
    return ImportSummary(register, staged, inserted, updated, unchanged)
