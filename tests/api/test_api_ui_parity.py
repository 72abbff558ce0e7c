"""The API and the web UI share one service function for an account's full history and for a
decision: the same act leaves the same audit event on either surface, the UI's marked ``ui``."""

from __future__ import annotations

import re

from apifixtures import auth
from sqlalchemy import select

from probity import audit_queue
from probity.models import AuditEvent, Flag, Post, ReviewDecision

REASON = "Complaint 2026/207 alleges a pattern of posts about a named member of the public"


def _events(db, action: str, *object_ids: int) -> list[AuditEvent]:
    """This test's events (the database may hold other tests' too), oldest first; reads'
    staged events are chained first, as the server's chainer does shortly after a read."""
    with db() as session:
        audit_queue.chain_all(session.get_bind())
        return list(
            session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.action == action,
                    AuditEvent.object_id.in_([str(i) for i in object_ids]),
                )
                .order_by(AuditEvent.id)
            )
        )


def _sign_in(client, key: str) -> None:
    assert client.post("/ui/login", data={"key": key}, follow_redirects=False).status_code == 303


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None, "the page carries a CSRF token"
    return found.group(1)


def test_account_history_leaves_the_same_event_from_the_api_and_the_ui(
    client, db, make_key, make_flag
):
    flag_id = make_flag("kent", text="first post")
    with db() as session:
        account_id = session.get_one(Post, session.get_one(Flag, flag_id).post_id).account_id
    key = make_key("analyst")
    api = client.get(
        f"/api/v1/accounts/{account_id}/history",
        headers={**auth(key), "X-Probity-Justification": REASON},
    )
    assert api.status_code == 200, api.text
    assert api.json()["justification"] == REASON and len(api.json()["posts"]) == 1
    _sign_in(client, key)
    form = client.get(f"/ui/accounts/{account_id}/history")
    ui = client.post(
        f"/ui/accounts/{account_id}/history",
        data={"justification": REASON, "csrf": _csrf(form.text)},
    )
    assert ui.status_code == 200 and "first post" in ui.text
    from_api, from_ui = _events(db, "accounts.history", account_id)
    for event in (from_api, from_ui):
        assert (event.object_type, event.object_id, event.purpose) == (
            "account",
            str(account_id),
            REASON,
        )
    assert from_api.detail == {"justification": REASON, "posts": 1}
    assert from_ui.detail == {**from_api.detail, "ui": True}


def test_a_decision_leaves_the_same_event_from_the_api_and_the_ui(client, db, make_key, make_flag):
    by_api, by_ui = make_flag("kent"), make_flag("kent")
    key = make_key("analyst")
    api = client.post(
        f"/api/v1/flags/{by_api}/decisions",
        json={"action": "dismiss", "note": "not about duty"},
        headers=auth(key),
    )
    assert api.status_code == 201, api.text
    assert (api.json()["status"], api.json()["decision"]["note"]) == ("dismissed", "not about duty")
    _sign_in(client, key)
    page = client.get(f"/ui/flags/{by_ui}")
    ui = client.post(
        f"/ui/flags/{by_ui}/decide",
        data={"action": "dismiss", "note": "not about duty", "csrf": _csrf(page.text)},
        follow_redirects=False,
    )
    assert ui.status_code == 303 and ui.headers["location"] == f"/ui/queue?decided={by_ui}"
    with db() as session:
        notes = session.scalars(
            select(ReviewDecision.note)
            .where(ReviewDecision.flag_id.in_((by_api, by_ui)))
            .order_by(ReviewDecision.flag_id)
        ).all()
        statuses = [session.get_one(Flag, f).status.value for f in (by_api, by_ui)]
    assert notes == ["not about duty"] * 2 and statuses == ["dismissed"] * 2
    from_api, from_ui = _events(db, "flags.decide", by_api, by_ui)
    assert (from_api.object_id, from_ui.object_id) == (str(by_api), str(by_ui))
    assert from_api.detail is not None and from_api.detail["action"] == "dismiss"
    assert "ui" not in from_api.detail
    assert from_ui.detail == {**from_api.detail, "ui": True}
