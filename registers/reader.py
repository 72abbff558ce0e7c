"""Streaming readers for register files, with limits that keep memory bounded whatever the file.

Both readers yield ``(row number, cells)`` one row at a time (the header is row 1) and never hold
the whole file. A problem that stops reading (bad encoding, a runaway field, a sheet that declares
16,384 columns) raises ``ReadAbort`` with the row and, where known, the column index; the importer
turns it into the same row-and-column report as any other bad cell.
"""

from __future__ import annotations

import csv
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

log = logging.getLogger(__name__)

MAX_ROWS = 1_048_576  # Excel's own sheet limit, header included; CSV gets the same
MAX_COLUMNS = 64  # the widest template has 13 columns; room for a few ignored extras
MAX_CELL_CHARS = 32_767  # the most a spreadsheet cell holds
MAX_LINE_BYTES = 4 * 1024 * 1024  # 13 full cells of 4-byte characters fit; a runaway line does not
# openpyxl keeps the shared-strings table in memory even in read-only mode, so its unpacked size
# is what bounds memory; the sheets themselves stream.
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024
MAX_UNPACKED_BYTES = 4 * 1024 * 1024 * 1024
XLSX_SUFFIXES = (".xlsx", ".xlsm")
Cells = list[Any]


class ReadAbort(Exception):
    """Reading cannot go on: ``row`` (1 = header), ``column`` (0-based index, if known), ``reason``."""

    def __init__(self, row: int, column: int | None, reason: str):
        super().__init__(reason)
        self.row = row
        self.column = column
        self.reason = reason


def read_rows(path: Path) -> Iterator[tuple[int, Cells]]:
    """Rows of cells, header first. CSV must be UTF-8 (a BOM is fine); XLSX uses the first sheet."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _xlsx_rows(path)
    return _csv_rows(path)


@dataclass
class _CsvState:
    row: int = 1  # the record being read
    offset: int = 0  # bytes consumed, for the encoding error
    lines: list[str] = field(default_factory=list)  # raw lines of the current record


def _csv_lines(stream: BinaryIO, state: _CsvState) -> Iterator[str]:
    """Decoded lines, each at most MAX_LINE_BYTES, decoded one at a time so an encoding error
    names its own row (a newline byte never occurs inside a UTF-8 sequence)."""
    first = True
    while raw := stream.readline(MAX_LINE_BYTES):
        if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise ReadAbort(
                state.row,
                None,
                f"a line longer than {MAX_LINE_BYTES:,} bytes: not a register "
                "CSV (or a quote that is never closed)",
            )
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReadAbort(
                state.row,
                None,
                (
                    f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {state.offset + exc.start}); "
                    "save the file as 'CSV UTF-8' and import it again"
                ),
            ) from None
        if first:
            line, first = line.removeprefix("\ufeff"), False
        state.offset += len(raw)
        state.lines.append(line)
        yield line


def _csv_rows(path: Path) -> Iterator[tuple[int, Cells]]:
    state = _CsvState()
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise ReadAbort(1, None, f"cannot open the file: {exc.strerror}") from None
    with stream:
        # strict: a stray quote is an error, not a field that silently swallows the rows after it
        reader = csv.reader(_csv_lines(stream, state), strict=True)
        while True:
            state.lines.clear()
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                limit = csv.field_size_limit()
                if "field larger than field limit" in str(exc):
                    raise ReadAbort(
                        state.row,
                        _long_field(state.lines, limit),
                        (
                            f"a field longer than {limit:,} characters (a cell holds at most {MAX_CELL_CHARS:,}); "
                            "often a quote that is never closed"
                        ),
                    ) from None
                if "unexpected end of data" in str(exc):
                    raise ReadAbort(
                        state.row,
                        _long_field(state.lines, limit),
                        ("a quoted field is never closed (the file ends inside it)"),
                    ) from None
                raise ReadAbort(state.row, None, f"not valid CSV: {exc}") from None
            if state.row > MAX_ROWS:
                raise ReadAbort(state.row, None, f"more than {MAX_ROWS:,} rows: split the file")
            if len(cells) > MAX_COLUMNS and any(c.strip() for c in cells[MAX_COLUMNS:]):
                raise ReadAbort(state.row, MAX_COLUMNS, f"more than {MAX_COLUMNS} columns")
            yield state.row, cells[:MAX_COLUMNS]
            state.row += 1


def _long_field(lines: list[str], limit: int) -> int | None:
    """0-based index of the first field of a record longer than ``limit`` (or else of a quoted field
    still open at the end), by a quote-aware scan of the record's raw text (the csv module's error
    does not say which field)."""
    text = "".join(lines)
    column = length = 0
    quoted = False
    i = 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"' and text[i + 1 : i + 2] == '"':
                i += 1
            elif ch == '"':
                quoted = False
                length -= 1
            length += 1
        elif ch == '"' and length == 0:
            quoted = True
        elif ch == ",":
            column, length = column + 1, 0
        else:
            length += 1
        if length > limit:
            return column
        i += 1
    return column if quoted else None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, Cells]]:
    from openpyxl import load_workbook

    _check_unpacked_size(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise ReadAbort(1, None, f"not a readable XLSX workbook: {exc}") from None
    try:
        rows, columns = sheet.max_row or 0, sheet.max_column or 0
        if rows > MAX_ROWS or columns > MAX_COLUMNS:
            # read-only mode pads every row to the declared width, so this is refused unread
            raise ReadAbort(
                1,
                None,
                f"the sheet declares {rows:,} rows × {columns:,} columns "
                f"({sheet.calculate_dimension()}); at most {MAX_ROWS:,} rows × "
                f"{MAX_COLUMNS} columns are read: delete the unused cells or save as CSV",
            )
        # the declared size would pad or truncate rows; without it they come as stored, so a
        # stray cell beyond a too-small declared width is seen, not silently dropped
        sheet.reset_dimensions()
        iterator = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                values = next(iterator)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001 - a damaged sheet raises parser errors of many types
                raise ReadAbort(
                    number + 1, None, f"the sheet cannot be read from here on: {exc}"
                ) from None
            number += 1
            if number > MAX_ROWS:
                raise ReadAbort(number, None, f"more than {MAX_ROWS:,} rows: split the file")
            if len(values) > MAX_COLUMNS and any(v not in (None, "") for v in values[MAX_COLUMNS:]):
                raise ReadAbort(number, MAX_COLUMNS, f"more than {MAX_COLUMNS} columns")
            yield number, ["" if v is None else v for v in values[:MAX_COLUMNS]]
    finally:
        workbook.close()


def _check_unpacked_size(path: Path) -> None:
    """Refuse a zip whose parts unpack to more than the limits (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadAbort(1, None, f"not a readable XLSX workbook: {exc}") from None
    shared = sum(p.file_size for p in parts if p.filename.lower().endswith("sharedstrings.xml"))
    total = sum(p.file_size for p in parts)
    if shared > MAX_SHARED_STRINGS_BYTES or total > MAX_UNPACKED_BYTES:
        raise ReadAbort(
            1,
            None,
            f"the workbook unpacks to {total:,} bytes ({shared:,} of shared text); "
            f"at most {MAX_UNPACKED_BYTES:,} ({MAX_SHARED_STRINGS_BYTES:,}) are read: save as CSV",
        )
