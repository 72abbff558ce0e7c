"""Malformed register files: each gives a short report (row, column, why), never a traceback —
from the library, the command line (exit 2) and the API (422) — and leaves the database unchanged.

The database is a committed one with three gifts already imported, so "unchanged" is checked
against real rows, through the same transaction handling the CLI and the API use.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import Engine, delete, select

from api.main import create_app
from probity import keys
from probity.db import get_engine, session_scope
from probity.errors import InputFileError
from probity.models import (
    AuditEvent,
    BusinessInterest,
    Contract,
    GiftHospitality,
    Investigation,
    KeyRole,
)
from probity.settings import get_settings, reset_settings_cache
from registers.importer import import_register

HEADER = (
    "force,entry_ref,entry_date,recipient_role,recipient_rank,chief_officer,offeror,offeror_type,kind,"
    "description,value,accepted,reason"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def gift(ref: str, description: str = "lunch", value: str = "25", force: str = "kent") -> str:
    return f"{force},{ref},2012-01-05,Police Officer,,no,Riverside Hotel,business,hospitality,{description},{value},accepted,"


def _csv(path: Path, *lines: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _rewrite_xlsx(source: Path, target: Path, old: bytes, new: bytes) -> Path:
    """Copy a workbook, replacing bytes in its first sheet (to declare a dimension Excel would not)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert old in data
                data = data.replace(old, new)
            out.writestr(item, data)
    return target


def _workbook(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def xlsx_declaring_every_cell(tmp: Path) -> Path:
    small = _workbook(tmp / "small.xlsx", [HEADER.split(","), gift("GH-9").split(",")])
    path = _rewrite_xlsx(
        small,
        tmp / "declared.xlsx",
        b'<dimension ref="A1:M2" />',
        b'<dimension ref="A1:XFD1048576" />',
    )
    assert path.stat().st_size < 6_000  # the 5 KB file
    return path


def xlsx_too_wide(tmp: Path) -> Path:
    # 70 real columns under a dimension that claims 13: only the cells themselves can tell
    row = gift("GH-9").split(",") + [""] * 56 + ["stray"]
    wide = _workbook(tmp / "wide0.xlsx", [HEADER.split(","), row])
    return _rewrite_xlsx(
        wide, tmp / "wide.xlsx", b'<dimension ref="A1:BR2" />', b'<dimension ref="A1:M2" />'
    )


def xlsx_damaged(tmp: Path) -> Path:
    # row 3 points at shared string 99 of a workbook that has none
    small = _workbook(tmp / "small.xlsx", [HEADER.split(","), gift("GH-9").split(",")])
    return _rewrite_xlsx(
        small,
        tmp / "damaged.xlsx",
        b"</sheetData>",
        b'<row r="3"><c r="A3" t="s"><v>99</v></c></row></sheetData>',
    )


# (id, file builder, (row, column) that must be reported, words of the reason)
CASES: list[tuple[str, Callable[[Path], Path], tuple[int, str | None], str]] = [
    (
        "duplicate-header",
        lambda t: _csv(t / "dup.csv", HEADER + ",force", gift("GH-9") + ",essex"),
        (1, "force"),
        "appears twice (columns 1 and 14)",
    ),
    (
        "nul-byte",
        lambda t: _csv(t / "nul.csv", HEADER, gift("GH-8"), gift("GH-9", "lun\x00ch")),
        (3, "description"),
        "control character (U+0000 NUL) at character 4",
    ),
    (
        "bell-character",
        lambda t: _csv(t / "bell.csv", HEADER, gift("GH-8"), gift("GH-9", "\x07")),
        (3, "description"),
        "control character (U+0007",
    ),
    (
        "field-over-csv-limit",
        lambda t: _csv(
            t / "long.csv", HEADER, gift("GH-8"), gift("GH-9", '"' + "x" * 200_000 + '"')
        ),
        (3, "description"),
        "a field longer than 131,072 characters",
    ),
    (
        "cell-over-spreadsheet-limit",
        lambda t: _csv(t / "cell.csv", HEADER, gift("GH-8"), gift("GH-9", "x" * 40_000)),
        (3, "description"),
        "40,000 characters; a cell holds at most 32,767",
    ),
    (
        "unclosed-quote",
        lambda t: _csv(
            t / "quote.csv", HEADER, gift("GH-8"), gift("GH-9", '"lunch'), gift("GH-10")
        ),
        (3, "description"),
        "quoted field is never closed",
    ),
    (
        "reference-too-long",
        lambda t: _csv(t / "ref.csv", HEADER, gift("GH-8"), gift("R" * 81)),
        (3, "entry_ref"),
        "81 characters; at most 80 fit",
    ),
    (
        "amount-too-large",
        lambda t: _csv(t / "big.csv", HEADER, gift("GH-8"), gift("GH-9", value="10000000000000")),
        (3, "value"),
        "is too large",
    ),
    (
        "amount-not-a-number",
        lambda t: _csv(t / "nan.csv", HEADER, gift("GH-8"), gift("GH-9", value="NaN")),
        (3, "value"),
        "not an amount: 'NaN'",
    ),
    (
        "cells-beyond-header",
        lambda t: _csv(t / "extra.csv", HEADER, gift("GH-8"), gift("GH-9") + ",oops"),
        (3, None),
        "14 cells, but the header names 13 columns",
    ),
    (
        "not-utf8",
        lambda t: _csv(
            t / "cp1252.csv", HEADER, gift("GH-8"), gift("GH-9", "Café"), encoding="cp1252"
        ),
        (3, None),
        "not UTF-8 (byte 0xe9",
    ),
    (
        "xlsx-declares-every-cell",
        xlsx_declaring_every_cell,
        (1, None),
        "declares 1,048,576 rows × 16,384 columns",
    ),
    ("xlsx-too-wide", xlsx_too_wide, (2, "#65"), "more than 64 columns"),
    ("xlsx-damaged-sheet", xlsx_damaged, (3, None), "the sheet cannot be read from here on"),
]
IDS = [c[0] for c in CASES]


@pytest.fixture(scope="module")
def loaded_url(database_factory, tmp_path_factory) -> str:
    """A committed database holding three gifts, shared by this module's tests (none may change it)."""
    url = database_factory()
    path = _csv(
        tmp_path_factory.mktemp("seed") / "seed.csv",
        HEADER,
        gift("GH-1"),
        gift("GH-2", value="8"),
        gift("GH-3", "dinner", "1200"),
    )
    with session_scope(get_engine(url)) as session:
        assert import_register(session, "gifts", path).inserted == 3
    return url


def _state(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as connection:
        return {
            m.__tablename__: [
                tuple(r) for r in connection.execute(select(m.__table__).order_by(m.__table__.c.id))
            ]
            for m in (GiftHospitality, BusinessInterest, Contract, Investigation)
        }


def _assert_short_report(text: str, row: int | None, column: str | None, reason: str) -> None:
    assert "Traceback" not in text
    where = f"row {row}" + (f", column '{column}'" if column else "")
    assert where in text and reason in text, text
    assert len(text) < 4_000 and len(text.splitlines()) <= 53


@pytest.mark.parametrize(("build", "where", "reason"), [c[1:] for c in CASES], ids=IDS)
def test_malformed_file_is_refused_with_row_column_and_reason(
    loaded_url, tmp_path, build, where, reason
):
    engine = get_engine(loaded_url)
    before = _state(engine)
    assert len(before["gifts_hospitality"]) == 3
    path = build(tmp_path)
    with pytest.raises(InputFileError) as caught, session_scope(engine) as session:
        import_register(session, "gifts", path)
    assert where in [(e.row, e.column) for e in caught.value.errors]
    _assert_short_report(str(caught.value), where[0], where[1], reason)
    assert _state(engine) == before


@pytest.fixture(scope="module")
def api(loaded_url) -> Iterator[tuple[TestClient, dict[str, str]]]:
    mp = pytest.MonkeyPatch()
    mp.setenv("PROBITY_DATABASE_URL", loaded_url)
    reset_settings_cache()
    with session_scope(get_engine(loaded_url)) as session:
        key = keys.create_key(session, KeyRole.admin, name="import-limits").key
    yield TestClient(create_app(get_settings())), {"Authorization": f"Bearer {key}"}
    mp.undo()
    reset_settings_cache()


@pytest.mark.parametrize(("build", "where", "reason"), [c[1:] for c in CASES], ids=IDS)
def test_api_answers_422_with_the_same_report(api, loaded_url, tmp_path, build, where, reason):
    client, headers = api
    before = _state(get_engine(loaded_url))
    path = build(tmp_path)
    content_type = XLSX if path.suffix == ".xlsx" else "text/csv"
    response = client.post(
        "/api/v1/registers/gifts/import",
        content=path.read_bytes(),
        headers={**headers, "Content-Type": content_type},
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert where in [(e["row"], e["column"]) for e in body["errors"]]
    _assert_short_report(body["detail"], where[0], where[1], reason)
    assert (
        "gifts upload" in body["detail"] and str(tmp_path) not in body["detail"]
    )  # no server paths
    assert _state(get_engine(loaded_url)) == before


def test_a_million_bad_rows_give_a_capped_report(loaded_url, tmp_path):
    engine = get_engine(loaded_url)
    before = _state(engine)
    path = _csv(tmp_path / "bad.csv", HEADER, *[gift(f"GH-{i}", value="-1") for i in range(2_000)])
    with pytest.raises(InputFileError) as caught, session_scope(engine) as session:
        import_register(session, "gifts", path)
    assert caught.value.total == 2_000 and len(caught.value.errors) == 50
    assert "(2000 problem(s))" in str(caught.value) and "… and 1950 more" in str(caught.value)
    assert [e.row for e in caught.value.errors] == list(range(2, 52))
    assert _state(engine) == before


@pytest.mark.parametrize("case", ["duplicate-header", "nul-byte", "xlsx-declares-every-cell"])
def test_cli_exits_2_with_the_report_and_no_traceback(loaded_url, tmp_path, case):
    _, build, where, reason = CASES[IDS.index(case)]
    before = _state(get_engine(loaded_url))
    result = subprocess.run(
        [sys.executable, "-m", "cli", "registers", "import", "gifts", str(build(tmp_path))],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "PROBITY_DATABASE_URL": loaded_url},
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    _assert_short_report(
        " ".join(result.stderr.split()), *where, reason
    )  # the log handler wraps lines
    assert result.stdout == ""
    assert _state(get_engine(loaded_url)) == before


def test_api_refuses_an_upload_over_the_import_limit_with_413(loaded_url, tmp_path, monkeypatch):
    monkeypatch.setenv("PROBITY_DATABASE_URL", loaded_url)
    monkeypatch.setenv("PROBITY_MAX_IMPORT_BYTES", "100000")
    reset_settings_cache()
    with session_scope(get_engine(loaded_url)) as session:
        key = keys.create_key(session, KeyRole.admin, name="import-413").key
    client = TestClient(create_app(get_settings()))
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "text/csv"}
    before = _state(get_engine(loaded_url))
    body = _csv(tmp_path / "big.csv", HEADER, *[gift(f"GH-{i}") for i in range(2_000)]).read_bytes()
    assert 100_000 < len(body)
    assert (
        client.post("/api/v1/registers/gifts/import", content=body, headers=headers).status_code
        == 413
    )
    # the same size sent without a Content-Length (chunked) is cut off while streaming
    chunks = (body[i : i + 8192] for i in range(0, len(body), 8192))
    assert (
        client.post("/api/v1/registers/gifts/import", content=chunks, headers=headers).status_code
        == 413
    )
    assert _state(get_engine(loaded_url)) == before
    small = _csv(tmp_path / "small.csv", HEADER, gift("GH-1"), gift("GH-4")).read_bytes()
    answer = client.post("/api/v1/registers/gifts/import", content=small, headers=headers)
    assert answer.status_code == 200 and answer.json() == {
        "register": "gifts",
        "rows": 2,
        "inserted": 1,
        "updated": 0,
        "unchanged": 1,
    }
    with session_scope(get_engine(loaded_url)) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "registers.gifts.import")
        ).one()
        detail = event.detail or {}
        assert detail["inserted"] == 1 and detail["rows"] == 2
    with session_scope(get_engine(loaded_url)) as session:  # undo, for the module's other tests
        session.execute(delete(GiftHospitality).where(GiftHospitality.entry_ref == "GH-4"))
    assert _state(get_engine(loaded_url)) == before
