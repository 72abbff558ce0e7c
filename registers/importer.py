"""Register imports from CSV or XLSX: all or nothing, every bad row reported, idempotent.

Row numbers are spreadsheet rows: the header is row 1, the first entry row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from probity.db import upsert
from probity.errors import InputFileError, RowError
from probity.forces import FORCE_IDS
from registers.templates import Column, Kind, Template, get_template

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class ImportSummary:
    register: str
    rows: int
    inserted: int
    updated: int
    unchanged: int


def read_table(path: Path) -> list[list[Any]]:
    """Rows of cells, header first. CSV must be UTF-8 (a BOM is fine); XLSX uses the first sheet."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad file
            raise InputFileError(str(path), [RowError(1, None, f"not a readable XLSX workbook: {exc}")]) from exc
        sheet = workbook.worksheets[0]
        rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(str(path), [RowError(line, None, (
            f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as 'CSV UTF-8' and import it again"))]) from exc
    return [row for row in csv.reader(io.StringIO(text))]


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


def parse_register(template: Template, rows: list[list[Any]], source: str,
                   force_id: str | None = None) -> list[dict[str, Any]]:
    """Typed rows ready for upsert, or InputFileError listing every problem."""
    if not rows or not any(str(c).strip() for c in rows[0]):
        raise InputFileError(source, [RowError(1, None, "the file is empty: expected a header row")])
    header = [str(h).strip().lower() for h in rows[0]]
    errors: list[RowError] = []
    known = set(template.column_names)
    for name in header:
        if name and name not in known:
            errors.append(RowError(1, name, f"unknown column; the {template.name} template has: "
                                             f"{', '.join(template.column_names)}"))
    for column in template.columns:
        if column.name not in header and column.required and not (column.kind is Kind.force and force_id):
            errors.append(RowError(1, column.name, "missing required column"))
    if errors:
        raise InputFileError(source, errors)
    parsed: list[dict[str, Any]] = []
    first_seen: dict[tuple[Any, ...], int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(str(c).strip() for c in cells):
            continue  # blank lines are not entries
        record = dict(zip(header, list(cells) + [""] * (len(header) - len(cells)), strict=False))
        if force_id and not record.get("force"):
            record["force"] = force_id
        row: dict[str, Any] = {}
        for column in template.columns:
            try:
                row[column.attribute] = _parse(column, record.get(column.name, ""))
            except ValueError as exc:
                errors.append(RowError(number, column.name, str(exc)))
                row[column.attribute] = None
        if force_id and row.get("force_id") and row["force_id"] != force_id:
            errors.append(RowError(number, "force", f"{row['force_id']!r}, but this import is for {force_id!r}"))
        if any(v is None and c.required for c in template.columns for v in [row[c.attribute]]):
            continue
        errors.extend(RowError(number, col, why) for col, why in _check_row(template, row))
        key = tuple(row[k] for k in template.key)
        if key in first_seen:
            errors.append(RowError(number, template.key[-1], f"duplicate of row {first_seen[key]} ({key[-1]!r})"))
        first_seen.setdefault(key, number)
        parsed.append(row)
    if errors:
        raise InputFileError(source, errors)
    if not parsed:
        raise InputFileError(source, [RowError(2, None, "no entries below the header")])
    return parsed


def import_register(session: Session, register: str, path: Path, force_id: str | None = None) -> ImportSummary:
    """Parse the whole file, then upsert it; nothing is written unless every row is valid."""
    template = get_template(register)
    if force_id is not None and force_id not in FORCE_IDS:
        raise InputFileError(str(path), [RowError(1, "force", f"unknown force {force_id!r}")])
    rows = parse_register(template, read_table(path), str(path), force_id)
    model = template.model
    key_cols = [getattr(model, k) for k in template.key]
    fields = [c.attribute for c in template.columns]
    existing = {tuple(r[: len(key_cols)]): tuple(r[len(key_cols):]) for r in session.execute(
        select(*key_cols, *[getattr(model, f) for f in fields])
        .where(tuple_(*key_cols).in_([tuple(r[k] for k in template.key) for r in rows])))}
    inserted = updated = unchanged = 0
    for row in rows:
        before = existing.get(tuple(row[k] for k in template.key))
        if before is None:
            inserted += 1
        elif before == tuple(row[f] for f in fields):
            unchanged += 1
        else:
            updated += 1
    # imported_at is not refreshed on conflict, so re-importing an identical file changes nothing
    upsert(session, model, rows, keys=list(template.key), update=[f for f in fields if f not in template.key])
    return ImportSummary(register, len(rows), inserted, updated, unchanged)
