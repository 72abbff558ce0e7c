"""Register imports from CSV or XLSX: all or nothing, every bad row reported, idempotent.

Row numbers are spreadsheet rows: the header is row 1, the first entry row 2. The file streams:
rows are read, checked and staged one at a time (registers/reader.py, registers/staging.py), so a
million-row register imports in bounded memory; the register itself is written only after every
row has passed, in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Session

from probity.errors import InputFileError, RowError
from probity.forces import FORCE_IDS
from registers.reader import MAX_CELL_CHARS, Cells, ReadAbort, read_rows
from registers.staging import Staging
from registers.templates import Column, Kind, Template, get_template

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
MAX_AMOUNT = Decimal("999999999999.99")  # the Numeric(14, 2) money columns
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


def _parse(column: Column, value: Any) -> Any:
    """The typed value of one cell, or ValueError with the reason."""
    if isinstance(value, str):
        value = value.strip()
    if value == "" or value is None:
        if column.required:
            raise ValueError("required value is empty")
        return {Kind.yes_no: False, Kind.text: ""}.get(column.kind)
    if column.kind is Kind.text:
        return str(value)
    if column.kind is Kind.force:
        force = str(value).lower()
        if force not in FORCE_IDS:
            raise ValueError(f"unknown force {value!r}: use a data.police.uk id such as 'kent' (see `probity forces`)")
        return force
    if column.kind is Kind.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(str(value), fmt).date()
            except ValueError:
                pass
        raise ValueError(f"bad date {value!r}: use YYYY-MM-DD or DD/MM/YYYY")
    if column.kind is Kind.money:
        try:
            amount = Decimal(re.sub(r"[£,\s]", "", str(value)))
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
        if amount < 0:
            raise ValueError(f"negative value {value!r}: amounts must be 0 or more")
        if amount > MAX_AMOUNT:
            raise ValueError(f"{value!r} is too large: at most {MAX_AMOUNT:,}")
        return amount.quantize(Decimal("0.01"))
    if column.kind is Kind.yes_no:
        text = str(value).lower()
        if text in YES or text in NO:
            return text in YES
        raise ValueError(f"expected yes or no, got {value!r}")
    if column.kind is Kind.accepted:
        text = str(value).lower()
        if text in ("accepted", "yes", "y"):
            return True
        if text in ("declined", "no", "n"):
            return False
        raise ValueError(f"expected accepted or declined, got {value!r}")
    assert column.choices is not None
    token = re.sub(r"[\s\-/]+", "_", str(value).strip().lower())
    allowed = [m.value for m in column.choices]
    if token not in allowed:
        raise ValueError(f"{value!r} is not one of: {', '.join(allowed)}")
    return token


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
            problems.append(("closed_on", f"{row['closed_on']} is before opened_on {row['opened_on']}"))
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


def _header(template: Template, rows: Iterator[tuple[int, Cells]], source: str, force_id: str | None) -> list[str]:
    """Column names by position ('' for a blank heading), or InputFileError naming each problem."""
    try:
        _, cells = next(rows)
    except StopIteration:
        cells = []
    except ReadAbort as exc:
        raise InputFileError(source, [RowError(exc.row, None, exc.reason)]) from None
    header = [str(h).strip().lower() for h in cells]
    if not any(header):
        raise InputFileError(source, [RowError(1, None, "the file is empty: expected a header row")])
    errors: list[RowError] = []
    known = set(template.column_names)
    first: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if not name:
            continue
        if (problem := _control_character(name)) is not None:
            errors.append(RowError(1, repr(name), problem))
        elif name in first:
            errors.append(RowError(1, name, f"appears twice (columns {first[name]} and {position}): "
                                            "keep one, or the later would silently win"))
        elif name not in known:
            errors.append(RowError(1, name, f"unknown column; the {template.name} template has: "
                                            f"{', '.join(template.column_names)}"))
        first.setdefault(name, position)
    for column in template.columns:
        if column.name not in first and column.required and not (column.kind is Kind.force and force_id):
            errors.append(RowError(1, column.name, "missing required column"))
    if errors:
        raise InputFileError(source, errors)
    return header


def _entries(template: Template, header: list[str], rows: Iterator[tuple[int, Cells]], problems: _Problems,
             force_id: str | None) -> Iterator[tuple[Any, ...]]:
    """``(row number, *typed values)`` for each entry whose key could be read; every problem goes
    to ``problems`` (a row with a problem is still staged, so its duplicates are found too)."""
    model_columns = template.model.__table__.c
    lengths = {c.attribute: model_columns[c.attribute].type.length for c in template.columns
               if c.kind is Kind.text and isinstance(model_columns[c.attribute].type, String)
               and model_columns[c.attribute].type.length}
    positions = [(column, header.index(column.name) if column.name in header else None)
                 for column in template.columns]
    width = len(header)
    try:
        for number, cells in rows:
            texts = [c if isinstance(c, str) else str(c) for c in cells]
            if not any(t.strip() for t in texts):
                continue  # blank lines are not entries
            if len(cells) > width and any(t.strip() for t in texts[width:]):
                problems.add(number, None, f"{len(cells)} cells, but the header names {width} columns")
            values: dict[str, Any] = {}
            for column, position in positions:
                value = cells[position] if position is not None and position < len(cells) else ""
                values[column.attribute] = None
                if isinstance(value, str):
                    if len(value) > MAX_CELL_CHARS:
                        problems.add(number, column.name, f"{len(value):,} characters; a cell holds at most "
                                                          f"{MAX_CELL_CHARS:,}")
                        continue
                    if CONTROL.search(value) and (problem := _control_character(value)):
                        problems.add(number, column.name, problem)
                        continue
                if column.kind is Kind.force and force_id and not str(value).strip():
                    value = force_id
                try:
                    parsed = _parse(column, value)
                except ValueError as exc:
                    problems.add(number, column.name, str(exc))
                    continue
                limit = lengths.get(column.attribute)
                if limit and len(parsed) > limit:
                    problems.add(number, column.name, f"{len(parsed):,} characters; at most {limit} fit")
                    continue
                values[column.attribute] = parsed
            if force_id and values.get("force_id") and values["force_id"] != force_id:
                problems.add(number, "force", f"{values['force_id']!r}, but this import is for {force_id!r}")
            if any(values[c.attribute] is None and c.required for c in template.columns):
                continue  # cross-column rules and the key need every required value
            for column, why in _check_row(template, values):
                problems.add(number, column, why)
            yield (number, *[values[c.attribute] for c in template.columns])
    except ReadAbort as exc:
        column = None if exc.column is None else (header[exc.column] if exc.column < width and header[exc.column]
                                                  else f"#{exc.column + 1}")
        problems.add(exc.row, column, exc.reason)


def import_register(session: Session, register: str, path: Path, force_id: str | None = None,
                    source: str | None = None) -> ImportSummary:
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
