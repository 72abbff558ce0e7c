"""Registers, statistics, cross-checks and reports over the API: a force sees only itself."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.main import create_app
from probity import audit_queue, db, keys
from probity.models import AuditEvent, KeyRole
from probity.settings import get_settings, reset_settings_cache

PERIOD = {"date_from": "2011-09-01", "date_to": "2012-05-31"}


@pytest.fixture
def client(sample_database_url, monkeypatch):
    monkeypatch.setenv("PROBITY_DATABASE_URL", sample_database_url)
    reset_settings_cache()
    with TestClient(create_app(get_settings())) as c:
        yield c


@pytest.fixture
def key_for(sample_database_url):
    def make(role: str, force_id: str | None = None) -> dict[str, str]:
        with db.session_scope(db.get_engine(sample_database_url)) as session:
            key = keys.create_key(session, KeyRole(role), force_id=force_id).key
        return {"Authorization": f"Bearer {key}"}

    return make


def test_a_force_gets_its_own_statistics(client, key_for):
    response = client.get("/api/v1/stats", params=PERIOD, headers=key_for("force", "wiltshire"))
    assert response.status_code == 200
    body = response.json()
    assert body["scope"]["force"] == "wiltshire"
    assert (
        body["investigations"]["total"] == 57 and body["business_interests"]["approved_total"] == 25
    )


def test_another_forces_statistics_are_404_like_an_unknown_force(client, key_for):
    wilts = key_for("force", "wiltshire")
    other = client.get("/api/v1/stats", params={"force_id": "kent"}, headers=wilts)
    unknown = client.get("/api/v1/stats", params={"force_id": "gotham"}, headers=key_for("admin"))
    assert other.status_code == unknown.status_code == 404
    assert other.json() == {"detail": "force not found"} == unknown.json()


def test_national_callers_get_national_or_a_chosen_force(client, key_for):
    analyst = key_for("analyst")
    national = client.get("/api/v1/stats", params=PERIOD, headers=analyst).json()
    assert (
        national["investigations"]["total"] == 2207 and national["social_media"]["instances"] == 357
    )
    city = client.get(
        "/api/v1/stats", params={**PERIOD, "force_id": "city-of-london"}, headers=analyst
    ).json()
    assert city["investigations"]["media_disclosure"]["total"] == 6


def test_published_statistics_suppress_small_counts(client, key_for):
    body = client.get(
        "/api/v1/stats",
        params={**PERIOD, "published": "true"},
        headers=key_for("force", "city-of-london"),
    ).json()
    assert body["social_media"]["instances"] == "<5"
    assert body["investigations"]["total"] == 15


@pytest.mark.parametrize(
    ("role", "force_id", "status"),
    [
        ("researcher", None, 403),
        (None, None, 401),
        ("force", "kent", 200),
        ("analyst", "kent", 200),
    ],
)
def test_role_rules_on_statistics(client, key_for, role, force_id, status):
    headers = key_for(role, force_id) if role else {}
    assert client.get("/api/v1/stats", headers=headers).status_code == status


def test_crosschecks_are_scoped_to_the_force(client, key_for):
    kent = client.get(
        "/api/v1/crosschecks", params={"as_of": "2012-05-31"}, headers=key_for("force", "kent")
    )
    assert kent.status_code == 200
    assert [f["check"] for f in kent.json()] == ["hospitality_supplier"]
    national = client.get(
        "/api/v1/crosschecks", params={"as_of": "2012-05-31"}, headers=key_for("admin")
    ).json()
    assert len(national) == 13


def test_register_pages_are_keyset_paginated_and_force_bound(client, key_for):
    kent = key_for("force", "kent")
    first = client.get("/api/v1/registers/gifts", params={"page_size": 5}, headers=kent).json()
    assert len(first["items"]) == 5 and {i["force_id"] for i in first["items"]} == {"kent"}
    second = client.get(
        "/api/v1/registers/gifts",
        params={"page_size": 5, "page_token": first["next_page_token"]},
        headers=kent,
    ).json()
    assert second["items"][0]["id"] > first["items"][-1]["id"]
    stolen = client.get(
        "/api/v1/registers/gifts",
        params={"page_size": 5, "page_token": first["next_page_token"]},
        headers=key_for("force", "essex"),
    )
    assert stolen.status_code == 400
    bad = client.get("/api/v1/registers/investigations", params={"page_size": 5000}, headers=kent)
    assert bad.status_code == 422


def test_force_report_is_html_for_the_keys_force_only(client, key_for):
    response = client.get(
        "/api/v1/reports/force", params=PERIOD, headers=key_for("force", "leicestershire")
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "Leicestershire Police" in response.text and "<svg" in response.text
    assert (
        client.get(
            "/api/v1/reports/force",
            params={"force_id": "kent"},
            headers=key_for("force", "leicestershire"),
        ).status_code
        == 404
    )
    assert (
        client.get("/api/v1/reports/national", headers=key_for("force", "kent")).status_code == 403
    )
    assert (
        client.get(
            "/api/v1/reports/national", params=PERIOD, headers=key_for("analyst", "kent")
        ).status_code
        == 403
    )


def test_each_read_leaves_one_audit_event(client, key_for, sample_database_url):
    headers = key_for("force", "dorset")
    engine = db.get_engine(sample_database_url)

    def count() -> int:
        audit_queue.chain_all(engine)  # each read's staged event, chained
        with db.session_scope(engine) as session:
            return session.scalar(select(func.count()).select_from(AuditEvent)) or 0

    for path in (
        "/api/v1/stats",
        "/api/v1/crosschecks",
        "/api/v1/registers/contracts",
        "/api/v1/reports/force",
    ):
        before = count()
        assert client.get(path, headers=headers).status_code == 200
        assert count() == before + 1, path
