"""docs/registers.md documents every template column; the docs cannot drift from the parser."""

from pathlib import Path

import pytest

from registers.templates import TEMPLATES

DOC = (Path(__file__).parents[2] / "docs" / "registers.md").read_text()


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_template_column_is_documented_with_its_required_flag(name):
    template = TEMPLATES[name]
    section = DOC.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
    for column in template.columns:
        row = next(
            (line for line in section.splitlines() if line.startswith(f"| `{column.name}` |")), None
        )
        assert row is not None, f"{name}.{column.name} is not documented"
        assert row.split("|")[2].strip() == ("yes" if column.required else "no"), row
        if column.choices is not None:
            for member in column.choices:
                assert f"`{member.value}`" in row, (column.name, member.value)


def test_the_documented_commands_exist():
    from typer.testing import CliRunner

    from cli import app

    for command in (
        ["sample", "load", "--help"],
        ["report", "stats", "--help"],
        ["report", "crosschecks", "--help"],
        ["report", "force", "--help"],
        ["report", "national", "--help"],
        ["registers", "import", "--help"],
        ["registers", "template", "--help"],
    ):
        assert CliRunner().invoke(app, command).exit_code == 0, command
