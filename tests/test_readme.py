"""The README documents every setting and every command (documentation kept honest by tests)."""

from __future__ import annotations

from pathlib import Path

import typer.main
from typer._click import Command, Context
from typer.core import TyperGroup

from cli import app
from probity.settings import Settings

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_configuration_table():
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = [
        f"PROBITY_{name.upper()}"
        for name in Settings.model_fields
        if f"`PROBITY_{name.upper()}`" not in table
    ]
    assert missing == []


def _commands(group: Command, prefix: str = "probity") -> list[str]:
    """Every leaf command's path, including the ones the root loads only on use."""
    if not isinstance(group, TyperGroup):
        return [prefix]
    out = []
    context = Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        out.extend(_commands(command, f"{prefix} {name}"))
    return out


def test_every_command_is_in_the_command_table():
    table = README.split("## Command line", 1)[1].split("\n## ", 1)[0]
    commands = _commands(typer.main.get_command(app))
    assert len(commands) > 20
    missing = [
        c
        for c in commands
        if f"`{c}" not in table
        and f"/ `{c}" not in table
        and not any(
            f"`{c.rsplit(' ', 1)[0]} " in line and c.rsplit(" ", 1)[1] in line
            for line in table.splitlines()
        )
    ]
    assert missing == []


def test_the_two_commands_are_the_run_script():
    section = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    assert "./run demo" in section and "./run test" in section
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    assert "./run test" in ci
