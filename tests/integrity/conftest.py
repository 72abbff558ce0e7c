from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from probity import db
from probity.integrity.sample import load_sample


@pytest.fixture(scope="package")
def sample_database_url(database_factory) -> str:
    """A database holding the sample data set, shared (read-only) by the integrity tests."""
    url = database_factory()
    with db.session_scope(db.get_engine(url)) as session:
        load_sample(session)
    return url


@pytest.fixture
def sample_session(sample_database_url):
    session = Session(bind=db.get_engine(sample_database_url))
    yield session
    session.rollback()
    session.close()
