from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cli import app
from probity import db
from probity.settings import reset_settings_cache


@pytest.fixture(scope="package")
def sample_database_url(database_factory) -> str:
    """An empty database set up exactly as the docs say — `probity db upgrade`, then
    `probity sample load` — shared (read-only) by the integrity tests."""
    url = database_factory(migrate=False)
    mp = pytest.MonkeyPatch()
    mp.setenv("PROBITY_DATABASE_URL", url)
    reset_settings_cache()
    for command in (["db", "upgrade"], ["sample", "load"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0, result.output
    mp.undo()
    reset_settings_cache()
    return url


@pytest.fixture
def sample_session(sample_database_url):
    session = Session(bind=db.get_engine(sample_database_url))
    yield session
    session.rollback()
    session.close()
