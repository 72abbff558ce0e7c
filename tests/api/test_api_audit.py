"""Audit: each personal-data route leaves exactly one event naming what was read; the chain
verifies; a row changed behind the triggers' back breaks it."""

from __future__ import annotations

import pytest
from apifixtures import auth, create_flag
from sqlalchemy import select, text

from probity import audit as audit_log
from probity.db import get_engine, session_scope, upgrade
from probity.models import AuditEvent, FlagStatus
from probity.referrals import add_to_referral

FORCE = "west-mercia"


@pytest.fixture
def objects(db):
    with db() as session:
        flag = create_flag(session, FORCE)
        referred = create_flag(session, FORCE)
        referred.transition(FlagStatus.confirmed)
        referral_id = add_to_referral(session, referred, ["offensive"])
        return {"flag": flag.id, "referral": referral_id}


PERSONAL_DATA_ROUTES = [
    # (role, method, path, body, action, object id key)
    ("analyst", "GET", "/api/v1/flags?force_id=west-mercia", None, "flags.list", None),
    ("analyst", "GET", "/api/v1/flags/{flag}", None, "flags.read", "flag"),
    ("analyst", "POST", "/api/v1/flags/{flag}/claim", None, "flags.claim", "flag"),
    ("force", "GET", "/api/v1/referrals", None, "referrals.list", None),
    ("force", "GET", "/api/v1/referrals/{referral}", None, "referrals.read", "referral"),
    ("force", "GET", "/api/v1/referrals/export?format=csv", None, "referrals.export", None),
    (
        "force",
        "POST",
        "/api/v1/referrals/{referral}/acknowledge",
        None,
        "referrals.acknowledge",
        "referral",
    ),
    ("researcher", "GET", "/api/v1/exports/training.jsonl", None, "exports.training", None),
    ("admin", "GET", "/api/v1/audit/events?page_size=5", None, "audit.read", None),
]


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "action", "object_key"),
    PERSONAL_DATA_ROUTES,
    ids=[r[4] for r in PERSONAL_DATA_ROUTES],
)
def test_personal_data_route_leaves_exactly_one_event(
    client, db, chained, make_key, objects, role, method, path, body, action, object_key
):
    key = make_key(role, FORCE if role == "force" else None)
    with db() as session:
        last = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
    response = client.request(
        method,
        path.format(**objects),
        json=body,
        headers={**auth(key), "X-Probity-Purpose": "case 42"},
    )
    assert response.status_code in (200, 201), response.text
    chained()
    with db() as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.id > last)))
    assert [e.action for e in events] == [action]
    event = events[0]
    assert key.startswith(event.actor) and event.role == role and event.purpose == "case 42"
    assert event.force_id == (FORCE if role == "force" else None)
    if object_key:
        assert event.object_id == str(objects[object_key])


def test_refused_requests_and_key_use_are_audited(client, db, chained, make_key):
    with db() as session:
        last = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
    client.get("/api/v1/flags")
    client.get("/api/v1/flags", headers=auth("pb_0badc0de_" + "y" * 43))
    client.get("/api/v1/flags", headers=auth(make_key("force", FORCE)))
    client.get("/api/v1/whoami", headers=auth(make_key("analyst")))
    chained()
    with db() as session:
        events = list(
            session.scalars(select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id))
        )
    assert [(e.action, e.actor[:7], e.detail["status"]) for e in events] == [
        ("request.refused", "anonymo", 401),
        ("request.refused", "bad:pb_", 401),
        ("request.refused", "pb_" + events[2].actor[3:7], 403),
        ("key.use", "pb_" + events[3].actor[3:7], 200),
    ]


def test_chain_verifies_through_the_api(client, make_key):
    report = client.get("/api/v1/audit/verify", headers=auth(make_key("admin"))).json()
    assert report["ok"] is True and report["checked"] > 0 and report["first_bad_id"] is None


def test_a_modified_row_breaks_the_chain(fresh_database_url):
    upgrade(fresh_database_url)
    engine = get_engine(fresh_database_url)
    with session_scope(engine) as session:
        ids = [
            audit_log.record(
                session,
                actor="pb_test0001",
                role="analyst",
                action="flags.read",
                object_type="flag",
                object_id=i,
                detail={"n": i},
            ).id
            for i in range(5)
        ]
    with session_scope(engine) as session:
        assert audit_log.verify(session).ok
        with pytest.raises(Exception, match="append-only"):
            session.execute(
                text("UPDATE audit_events SET object_id = '99' WHERE id = :id"), {"id": ids[2]}
            )
    with engine.begin() as conn:  # a DBA with rights to drop the triggers edits a row
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_events_append_only ON audit_events"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(
            text("UPDATE audit_events SET object_id = '99' WHERE id = :id"), {"id": ids[2]}
        )
    with session_scope(engine) as session:
        report = audit_log.verify(session)
    assert not report.ok and report.first_bad_id == ids[2] and report.checked == 2
    engine.dispose()


def test_a_list_event_names_every_id_shown(client, db, chained, make_key, make_flag):
    force = "gwent"
    made = [make_flag(force) for _ in range(60)]
    response = client.get(
        f"/api/v1/flags?force_id={force}&page_size=200", headers=auth(make_key("analyst"))
    )
    shown = [item["id"] for item in response.json()["items"]]
    assert sorted(shown) == sorted(made)
    chained()
    with db() as session:
        event = session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "flags.list")
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
        detail = event.detail
    assert detail["ids"] == shown and detail["count"] == 60
    assert len(event.object_id) <= 200  # the readable start; the full list is in detail


def test_a_server_error_leaves_an_event(app, db, chained, make_key):
    from fastapi import Depends
    from fastapi.testclient import TestClient

    from api.deps import ADMIN, require

    def broken(_: object = Depends(require(ADMIN))) -> None:
        raise RuntimeError("boom")

    app.add_api_route("/api/v1/broken", broken, methods=["GET"])
    key = make_key("admin")
    with db() as session:
        last = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
    with TestClient(app, raise_server_exceptions=False) as c:
        assert c.get("/api/v1/broken", headers=auth(key)).status_code == 500
    chained()
    with db() as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.id > last)))
    assert [(e.action, e.detail["status"], e.object_id) for e in events] == [
        ("request.error", 500, "/api/v1/broken")
    ]
    assert key.startswith(events[0].actor)
