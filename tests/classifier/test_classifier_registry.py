"""Versions: registered inactive; active only through activate; rollback is activate again."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from classifier import registry
from cli import app
from probity.db import session_scope
from probity.errors import NotFoundError


def _copy_as(src, dst, version):
    shutil.copytree(src, dst)
    envelope = json.loads((dst / "model.json").read_text())
    envelope["version"] = version
    (dst / "model.json").write_text(json.dumps(envelope))
    return dst


def test_register_is_inactive_and_idempotent(db_session, tiny_model_dir):
    row = registry.register(db_session, tiny_model_dir)
    assert row.active is False
    assert registry.register(db_session, tiny_model_dir).id == row.id
    assert registry.active_version(db_session) is None
    assert row.metrics["test"]["macro_f1"] > 0 and set(row.thresholds) >= {
        "offensive",
        "government",
    }


def test_activate_then_roll_back(db_session, tiny_model_dir, tmp_path):
    old = registry.register(db_session, tiny_model_dir)
    new = registry.register(db_session, _copy_as(tiny_model_dir, tmp_path / "new", "tiny-new"))
    registry.activate(db_session, old.version)
    registry.activate(db_session, new.version)
    assert (
        active := registry.active_version(db_session)
    ) is not None and active.version == "tiny-new"
    assert old.active is False
    registry.activate(db_session, old.version)  # rollback
    assert (
        active := registry.active_version(db_session)
    ) is not None and active.version == old.version
    assert new.active is False


def test_unknown_version_and_no_active_model_are_clear_errors(db_session):
    with pytest.raises(NotFoundError, match="not registered"):
        registry.activate(db_session, "nope")
    with pytest.raises(registry.NoActiveModel, match="ensure-default"):
        registry.resolve(db_session, None)


def test_cli_model_activate_and_list(use_database, tiny_model_dir):
    with session_scope() as session:
        version = registry.register(session, tiny_model_dir).version
    runner = CliRunner()
    result = runner.invoke(app, ["model", "activate", version])
    assert result.exit_code == 0, result.output
    listed = [
        json.loads(line) for line in runner.invoke(app, ["model", "list"]).stdout.splitlines()
    ]
    assert [v["version"] for v in listed if v["active"]] == [version]
    with session_scope() as session:  # leave the shared database as we found it
        session.delete(registry.get_version(session, version))
