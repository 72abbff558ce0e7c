"""Imports at register size: 50,000 rows (past both engines' bound-parameter limits and the size
at which one giant statement overflowed PostgreSQL's stack) import, re-import and update exactly;
two overlapping imports at once through the real server (uvicorn on 127.0.0.1, one thread each)
both succeed and leave one row per key with one import's values. Speed is measured in
benchmarks/register_import.py, not here."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from api.main import create_app
from probity import keys
from probity.db import get_engine, session_scope, upsert
from probity.models import GiftHospitality, KeyRole
from probity.settings import get_settings, reset_settings_cache
from registers.importer import import_register

HEADER = (
    "force,entry_ref,entry_date,recipient_role,recipient_rank,chief_officer,offeror,offeror_type,kind,"
    "description,value,accepted,reason"
)


def _gifts(path: Path, refs: range, value: int, force: str = "kent") -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for i in refs:
            out.write(
                f"{force},GH-{i},2012-01-05,Police Officer,,no,Riverside Hotel,business,hospitality,"
                f"lunch {i},{value},accepted,\n"
            )
    return path


def _values(session, force: str = "kent") -> dict[str, int]:
    return {
        ref: int(value)
        for ref, value in session.execute(
            select(GiftHospitality.entry_ref, GiftHospitality.value).where(
                GiftHospitality.force_id == force
            )
        )
    }


def test_fifty_thousand_rows_import_reimport_and_update(db_session, tmp_path):
    rows = range(50_000)
    first = import_register(db_session, "gifts", _gifts(tmp_path / "a.csv", rows, 10))
    assert (first.rows, first.inserted, first.updated, first.unchanged) == (50_000, 50_000, 0, 0)
    again = import_register(db_session, "gifts", _gifts(tmp_path / "a.csv", rows, 10))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 50_000)
    # every tenth row changes value, and 5,000 new rows follow
    path = tmp_path / "b.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for i in range(55_000):
            value = 11 if i % 10 == 0 else 10
            out.write(
                f"kent,GH-{i},2012-01-05,Police Officer,,no,Riverside Hotel,business,hospitality,"
                f"lunch {i},{value},accepted,\n"
            )
    changed = import_register(db_session, "gifts", path)
    assert (changed.inserted, changed.updated, changed.unchanged) == (5_000, 5_000, 45_000)
    values = _values(db_session)
    assert len(values) == 55_000
    assert values["GH-0"] == 11 and values["GH-1"] == 10 and values["GH-54999"] == 10


def test_upsert_streams_a_generator_past_the_parameter_limits(db_session):
    """40,000 rows × 12 columns = 480,000 values: one statement would break both engines' limits."""

    def rows() -> Iterator[dict[str, object]]:
        for i in range(40_000):
            yield {
                "force_id": "essex",
                "entry_ref": f"U-{i}",
                "entry_date": date(2012, 1, 1),
                "recipient_role": "PC",
                "recipient_rank": "",
                "chief_officer": False,
                "offeror": "X",
                "offeror_type": "business",
                "kind": "gratuity",
                "description": "",
                "value": i,
                "accepted": True,
            }

    assert upsert(db_session, GiftHospitality, rows(), keys=["force_id", "entry_ref"]) == 40_000
    assert upsert(db_session, GiftHospitality, rows(), keys=["force_id", "entry_ref"]) == 40_000
    counted = db_session.scalar(
        select(func.count()).select_from(GiftHospitality).where(GiftHospitality.force_id == "essex")
    )
    assert counted == 40_000
    assert _values(db_session, "essex")["U-39999"] == 39_999


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(database_factory, monkeypatch) -> Iterator[tuple[str, str]]:
    """The app under uvicorn on a fresh committed database; yields (base URL, admin key)."""
    import uvicorn

    url = database_factory()
    monkeypatch.setenv("PROBITY_DATABASE_URL", url)
    reset_settings_cache()
    with session_scope(get_engine(url)) as session:
        key = keys.create_key(session, KeyRole.admin, name="import-race").key
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(
            create_app(get_settings()),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", key
    srv.should_exit = True
    thread.join(timeout=10)


def test_two_overlapping_imports_at_once_through_the_server(server, tmp_path):
    base, key = server
    # A: GH-0 … GH-5999 worth 1; B: GH-3000 … GH-8999 worth 2 (3,000 keys in common)
    bodies = {
        "A": _gifts(tmp_path / "a.csv", range(6_000), 1).read_bytes(),
        "B": _gifts(tmp_path / "b.csv", range(3_000, 9_000), 2).read_bytes(),
    }
    assert len(bodies["A"]) > 64 * 1024  # larger than the API's default body limit
    start = threading.Barrier(2)
    answers: dict[str, httpx.Response] = {}

    def post(name: str) -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            start.wait()
            answers[name] = client.post(
                "/api/v1/registers/gifts/import",
                content=bodies[name],
                headers={"Authorization": f"Bearer {key}", "Content-Type": "text/csv"},
            )

    threads = [threading.Thread(target=post, args=(name,)) for name in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {n: r.status_code for n, r in answers.items()} == {"A": 200, "B": 200}, {
        n: r.text for n, r in answers.items()
    }
    counts = {
        n: (r.json()["inserted"], r.json()["updated"], r.json()["unchanged"])
        for n, r in answers.items()
    }
    # the merges ran one after the other: the first inserted all 6,000, the second inserted its
    # 3,000 new keys and updated the 3,000 shared ones
    assert sorted(counts.values()) == [(3_000, 3_000, 0), (6_000, 0, 0)], counts
    last = "A" if counts["A"] == (3_000, 3_000, 0) else "B"
    with session_scope(get_engine(get_settings().resolved_database_url)) as session:
        values = _values(session)
        assert (
            session.scalar(select(func.count()).select_from(GiftHospitality)) == 9_000
        )  # no duplicates
    assert len(values) == 9_000
    assert all(values[f"GH-{i}"] == 1 for i in range(3_000))
    assert all(values[f"GH-{i}"] == 2 for i in range(6_000, 9_000))
    assert {values[f"GH-{i}"] for i in range(3_000, 6_000)} == {1 if last == "A" else 2}
