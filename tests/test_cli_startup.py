"""``probity serve`` starts without torch or spaCy; the deferred commands still load and run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer.main
from typer._click import Context
from typer.core import TyperGroup
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parents[1]
# torch alone takes seconds and hundreds of MB. (The serving process itself loads none of the
# model or PDF libraries either: tests/api/test_serve_process.py.)
HEAVY = ("torch", "transformers", "spacy")


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_the_cli_and_the_app_load_without_torch_transformers_or_spacy() -> None:
    assert _loaded_after("import cli\nfrom api.main import create_app\ncreate_app()") == []


def test_the_probe_sees_a_heavy_import_when_there_is_one() -> None:
    # The deferred demo command imports the identification pipeline (spaCy, torch).
    loaded = _loaded_after(
        "import cli, typer.main, typer._click\n"
        "g = typer.main.get_command(cli.app)\n"
        "g.get_command(typer._click.Context(g), 'demo')"
    )
    assert "spacy" in loaded


def test_deferred_commands_are_listed_and_answer_help() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    names = group.list_commands(Context(group))
    for name in ("demo", "identify", "identify-score", "serve"):
        assert name in names
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage: " in result.output and name in result.output
