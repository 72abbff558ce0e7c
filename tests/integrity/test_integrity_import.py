from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli import app
from probity.errors import InputFileError
from probity.models import BusinessInterest, GiftHospitality, Investigation
from registers.importer import import_register

GIFTS_HEADER = "force,entry_ref,entry_date,recipient_role,recipient_rank,chief_officer,offeror,offeror_type,kind,description,value,accepted,reason"
GOOD_GIFTS = [
    "kent,GH-1,2012-01-05,Police Officer,Sergeant,no,Riverside Hotel,business,hospitality,lunch,£25.00,accepted,",
    "kent,GH-2,14/02/2012,Police Staff,,no,Member of the public,public,gratuity,chocolates,8,declined,policy",
    'kent,GH-3,2012-03-01,Police Officer,Chief Constable,yes,County Council,partner_agency,hospitality,dinner,"1,200",accepted,',
]


def _csv(
    tmp_path: Path, lines: list[str], name: str = "register.csv", encoding: str = "utf-8"
) -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_good_csv_imports_every_row(db_session, tmp_path):
    summary = import_register(db_session, "gifts", _csv(tmp_path, [GIFTS_HEADER, *GOOD_GIFTS]))
    assert (summary.rows, summary.inserted) == (3, 3)
    big = db_session.scalar(select(GiftHospitality).where(GiftHospitality.entry_ref == "GH-3"))
    assert str(big.value) == "1200.00" and big.chief_officer and big.accepted
    declined = db_session.scalar(select(GiftHospitality).where(GiftHospitality.entry_ref == "GH-2"))
    assert declined.entry_date.isoformat() == "2012-02-14" and not declined.accepted


def test_reimporting_the_same_file_changes_nothing(db_session, tmp_path):
    path = _csv(tmp_path, [GIFTS_HEADER, *GOOD_GIFTS])
    import_register(db_session, "gifts", path)
    before = db_session.execute(select(GiftHospitality.__table__)).all()
    again = import_register(db_session, "gifts", path)
    db_session.expire_all()
    assert db_session.execute(select(GiftHospitality.__table__)).all() == before
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)


def test_a_changed_row_is_updated_not_duplicated(db_session, tmp_path):
    import_register(db_session, "gifts", _csv(tmp_path, [GIFTS_HEADER, *GOOD_GIFTS]))
    changed = [GOOD_GIFTS[0].replace("£25.00", "30"), *GOOD_GIFTS[1:]]
    summary = import_register(
        db_session, "gifts", _csv(tmp_path, [GIFTS_HEADER, *changed], "v2.csv")
    )
    assert (summary.inserted, summary.updated, summary.unchanged) == (0, 1, 2)
    assert _count(db_session, GiftHospitality) == 3


@pytest.mark.parametrize(
    ("bad_line", "row", "column", "reason"),
    [
        (
            "kent,GH-9,2012-13-40,Officer,,no,X,business,gratuity,,5,accepted,",
            3,
            "entry_date",
            "bad date",
        ),
        (
            "kent,GH-9,2012-01-01,Officer,,no,X,business,gratuity,,-5,accepted,",
            3,
            "value",
            "negative value",
        ),
        (
            "gotham,GH-9,2012-01-01,Officer,,no,X,business,gratuity,,5,accepted,",
            3,
            "force",
            "unknown force",
        ),
        (
            "kent,GH-9,2012-01-01,Officer,,no,X,sponsor,gratuity,,5,accepted,",
            3,
            "offeror_type",
            "is not one of",
        ),
        (
            "kent,GH-9,2012-01-01,Officer,,maybe,X,business,gratuity,,5,accepted,",
            3,
            "chief_officer",
            "yes or no",
        ),
        (
            "kent,GH-9,2012-01-01,,,no,X,business,gratuity,,5,accepted,",
            3,
            "recipient_role",
            "required value is empty",
        ),
        (
            "kent,GH-1,2012-01-01,Officer,,no,X,business,gratuity,,5,accepted,",
            3,
            "entry_ref",
            "duplicate of row 2",
        ),
    ],
)
def test_one_bad_row_rejects_the_whole_file_with_row_column_and_reason(
    db_session, tmp_path, bad_line, row, column, reason
):
    path = _csv(tmp_path, [GIFTS_HEADER, GOOD_GIFTS[0], bad_line, *GOOD_GIFTS[1:]])
    with pytest.raises(InputFileError) as caught:
        import_register(db_session, "gifts", path)
    problems = [(e.row, e.column) for e in caught.value.errors]
    assert (row, column) in problems
    assert reason in str(caught.value)
    assert _count(db_session, GiftHospitality) == 0


def test_every_bad_row_is_reported_not_just_the_first(db_session, tmp_path):
    lines = [
        GIFTS_HEADER,
        "kent,A,nope,Officer,,no,X,business,gratuity,,5,accepted,",
        "kent,B,2012-01-01,Officer,,no,X,business,gratuity,,-1,accepted,",
        "kent,C,2012-01-01,Officer,,no,X,business,gift,,5,accepted,",
    ]
    with pytest.raises(InputFileError) as caught:
        import_register(db_session, "gifts", _csv(tmp_path, lines))
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (2, "entry_date"),
        (3, "value"),
        (4, "kind"),
    ]


def test_missing_and_unknown_columns_are_named(db_session, tmp_path):
    header = GIFTS_HEADER.replace(",value,", ",valeu,")
    with pytest.raises(InputFileError) as caught:
        import_register(db_session, "gifts", _csv(tmp_path, [header, GOOD_GIFTS[0]]))
    assert {(e.row, e.column) for e in caught.value.errors} == {(1, "valeu"), (1, "value")}
    assert "missing required column" in str(caught.value) and "unknown column" in str(caught.value)


def test_wrong_encoding_is_refused_with_the_line(db_session, tmp_path):
    lines = [
        GIFTS_HEADER,
        GOOD_GIFTS[1],
        "kent,GH-5,2012-01-01,Officer,,no,Café Nero,business,gratuity,,5,accepted,",
    ]
    with pytest.raises(InputFileError, match="not UTF-8") as caught:
        import_register(db_session, "gifts", _csv(tmp_path, lines, encoding="cp1252"))
    assert caught.value.errors[0].row == 3  # the first byte that is not UTF-8 is the é of row 3
    assert _count(db_session, GiftHospitality) == 0


def test_utf8_with_bom_is_fine(db_session, tmp_path):
    path = _csv(tmp_path, [GIFTS_HEADER, *GOOD_GIFTS], encoding="utf-8-sig")
    assert import_register(db_session, "gifts", path).inserted == 3


def test_force_option_fills_the_column_and_refuses_other_forces(db_session, tmp_path):
    header = "entry_ref,applied_on,applicant_role,category,status,next_review_on"
    path = _csv(tmp_path, [header, "BI-1,2012-01-01,PC,driving instructor,Approved,2014-01-01"])
    assert import_register(db_session, "interests", path, force_id="dorset").inserted == 1
    assert db_session.scalar(select(BusinessInterest.force_id)) == "dorset"
    mixed = _csv(
        tmp_path, ["force," + header, "kent,BI-2,2012-01-01,PC,bar work,pending,"], "mixed.csv"
    )
    with pytest.raises(InputFileError, match="but this import is for 'dorset'"):
        import_register(db_session, "interests", mixed, force_id="dorset")


def test_investigation_rules_that_span_columns(db_session, tmp_path):
    header = "force,case_ref,type,recipient,media_scope,status,suspended,opened_on,closed_on"
    lines = [
        header,
        "kent,IC-1,information_disclosure,,,continuing,no,2012-01-01,",
        "kent,IC-2,information_disclosure,media,,continuing,yes,2012-01-01,",
        "kent,IC-3,secondary_employment,,,no_further_action,no,2012-02-01,2012-01-01",
    ]
    with pytest.raises(InputFileError) as caught:
        import_register(db_session, "investigations", _csv(tmp_path, lines))
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (2, "recipient"),
        (3, "media_scope"),
        (4, "closed_on"),
    ]
    assert _count(db_session, Investigation) == 0


def test_xlsx_imports_like_csv(db_session, tmp_path):
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["force", "contract_ref", "supplier", "value", "awarded_on", "route"])
    sheet.append(
        ["essex", "PR-1", "Trident Vehicle Leasing", 125000, datetime(2012, 2, 1), "framework"]
    )
    sheet.append(["essex", "PR-2", "Cobalt Telecoms", "£9,500", "03/04/2012", "quotation"])
    path = tmp_path / "contracts.xlsx"
    book.save(path)
    assert import_register(db_session, "contracts", path).inserted == 2


def test_a_corrupt_xlsx_is_a_clear_error(db_session, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(InputFileError, match="not a readable XLSX"):
        import_register(db_session, "contracts", path)


def test_cli_import_reports_rows_and_exits_2_on_bad_input(use_database, tmp_path):
    import subprocess
    import sys

    from cli import main  # noqa: F401  (the console entry point maps ProbityError to exit 2)

    bad = _csv(
        tmp_path,
        [GIFTS_HEADER, "kent,GH-1,2012-01-01,Officer,,no,X,business,gratuity,,-5,accepted,"],
    )
    result = subprocess.run(
        [sys.executable, "-m", "cli", "registers", "import", "gifts", str(bad)],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PROBITY_DATABASE_URL": use_database},
        check=False,
    )
    assert result.returncode == 2
    assert "row 2, column 'value'" in result.stderr and "negative value" in result.stderr
    template = CliRunner().invoke(app, ["registers", "template", "gifts"])
    assert template.stdout.strip() == GIFTS_HEADER
