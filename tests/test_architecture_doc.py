"""docs/architecture.md stays true: the paths it names exist, its layers are the contracts'."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
# `a/b.py`, `a/b/`: backticked names with a slash (a bare `cli.py` names a kind of file).
PATH = re.compile(r"`([\w.-]+/[\w./-]*)`")


def test_every_path_the_page_names_exists() -> None:
    named = set(PATH.findall(DOC))
    assert len(named) > 30  # the pattern still finds the page's paths
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert missing == []


def test_the_layer_table_lists_every_package_of_the_contracts() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    linter = config["tool"]["importlinter"]
    table = DOC.split("## The layers", 1)[1].split("\n\n", 2)[1]
    listed = set(re.findall(r"`(\w+)/`", table))
    assert listed == set(linter["root_packages"])
    layers = next(c for c in linter["contracts"] if c["type"] == "layers")["layers"]
    in_contract = {name.strip() for layer in layers for name in re.split(r"[:|]", layer)}
    assert in_contract == listed
