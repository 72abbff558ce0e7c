"""``probity identify`` and ``probity identify-score``: file formats and input errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import app
from crawler.identify.cli import identify_file
from probity.errors import InputFileError

ROOT = Path(__file__).resolve().parents[2]
PROFILES: list[dict[str, Any]] = [
    {
        "id": "a1",
        "platform": "x",
        "handle": "pc_cooper",
        "display_name": "PC Cooper",
        "bio": "Response PC @kent_police. Views my own.",
    },
    {
        "id": 2,
        "platform": "facebook",
        "handle": "",
        "display_name": "Sarah",
        "bio": "Proud police wife. Husband is a PC in Kent.",
    },
    {
        "id": "a3",
        "platform": "x",
        "handle": "yorkscop",
        "display_name": "Lee",
        "bio": "Copper in Yorkshire",
    },
]


def write_jsonl(path: Path, rows: Sequence[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_identify_command_writes_one_verdict_line_per_profile(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "profiles.jsonl", PROFILES)
    out = tmp_path / "verdicts.jsonl"
    result = CliRunner().invoke(app, ["identify", "--in", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["a1", "2", "a3"]
    for line in lines:
        assert {"id", "self_identified", "force", "role", "confidence", "evidence"} <= set(line)
        assert isinstance(line["self_identified"], bool)
        assert 0.0 <= line["confidence"] <= 1.0
        assert isinstance(line["evidence"], list) and all(
            isinstance(e, str) for e in line["evidence"]
        )
    assert (lines[0]["self_identified"], lines[0]["force"], lines[0]["role"]) == (
        True,
        "kent",
        "officer",
    )
    assert (lines[1]["self_identified"], lines[1]["force"], lines[1]["role"]) == (False, None, None)
    assert (lines[2]["self_identified"], lines[2]["force"]) == (True, None)


@pytest.mark.parametrize(
    "lines, expected",
    [
        (
            ['{"id": "x", "platform": "x", "handle": "h", "display_name": "d"}'],
            "row 1, column 'bio': missing",
        ),
        (
            [
                '{"id": "x", "platform": "x", "handle": "h", "display_name": "d", "bio": "b"}',
                "not json",
            ],
            "row 2: not valid JSON",
        ),
        (
            ['{"id": "x", "platform": "x", "handle": 5, "display_name": "d", "bio": "b"}'],
            "row 1, column 'handle': must be a string, got int",
        ),
        (
            ['{"id": "", "platform": "x", "handle": "h", "display_name": "d", "bio": "b"}'],
            "row 1, column 'id'",
        ),
        (
            [
                '{"id": "x", "platform": "x", "handle": "h", "display_name": "d", "bio": "b"}',
                '{"id": "x", "platform": "x", "handle": "h", "display_name": "d", "bio": "b"}',
            ],
            "row 2, column 'id': duplicate id 'x' (first on line 1)",
        ),
        (["[1, 2]"], "row 1: expected a JSON object"),
    ],
)
def test_bad_input_names_the_line_and_field_and_writes_nothing(
    tmp_path: Path, lines: list[str], expected: str
) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "verdicts.jsonl"
    with pytest.raises(InputFileError) as err:
        identify_file(src, out, progress=False)
    assert expected in str(err.value)
    assert not out.exists()


def test_missing_input_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot open"):
        identify_file(tmp_path / "nope.jsonl", tmp_path / "out.jsonl", progress=False)


def test_cli_exits_with_code_2_and_the_row_error_on_stderr(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text(
        '{"id": "x", "platform": "x", "handle": "h", "display_name": "d"}\n', encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "identify",
            "--in",
            str(src),
            "--out",
            str(tmp_path / "o.jsonl"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 2
    assert "row 1, column 'bio': missing" in proc.stderr
    assert proc.stdout == ""


def test_score_command_prints_the_figures_for_each_split(tmp_path: Path) -> None:
    rows = [
        dict(p, self_identified=si, force=f, role=r)
        for p, si, f, r in zip(
            PROFILES, [True, False, True], ["kent", None, None], ["officer", None, "officer"]
        )
    ]
    data = write_jsonl(tmp_path / "labelled.jsonl", rows)
    result = CliRunner().invoke(
        app, ["identify-score", "--data", str(data), "--split", "all", "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["all"]
    assert figures["n"] == 3 and figures["precision"] == 1.0 and figures["recall"] == 1.0
    assert figures["force_accuracy"] == 1.0

    table = CliRunner().invoke(app, ["identify-score", "--data", str(data)])
    assert table.exit_code == 0
    assert [line.split()[0] for line in table.stdout.splitlines()[2:]] == ["dev", "test", "all"]


def test_score_command_rejects_an_unknown_split(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["identify-score", "--split", "train"])
    assert result.exit_code != 0
