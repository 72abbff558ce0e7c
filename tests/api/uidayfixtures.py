"""Helpers the UI-page tests import: a database with the reference data return loaded, keys,
and signing in with a TestClient (a unique module name: ``conftest`` is ambiguous)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from probity import keys
from probity.db import get_engine, session_scope
from probity.models import KeyRole
from registers.sample import load_sample


def load_reference_return(url: str) -> None:
    """`probity sample load`: the HMIC 2011/12 reference data return."""
    with session_scope(get_engine(url)) as session:
        load_sample(session)


def new_key(url: str, role: str, force_id: str | None = None) -> str:
    with session_scope(get_engine(url)) as session:
        return keys.create_key(session, KeyRole(role), force_id=force_id).key


def signed_in(client: TestClient, key: str) -> str:
    """Sign the client in; returns the CSRF token the pages' forms carry."""
    client.cookies.clear()
    r = client.post("/ui/login", data={"key": key, "next": "/ui/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/ui/registers/import")
    if page.status_code != 200:
        return ""
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)
