"""Subject rights over HTTP: the admin's export (JSON and HTML), rectification within the
analyst's force, and concurrent rectifications against a real server."""

from __future__ import annotations

from sqlalchemy import func, select
from test_api_concurrency import burst

from probity import audit as audit_log
from probity.models import (
    AuditEvent,
    Flag,
    PlatformAccount,
    Post,
    Role,
    VerdictRectification,
)


def _account(db, flag_id: int) -> tuple[int, str]:
    with db() as session:
        flag = session.get(Flag, flag_id)
        post = session.get(Post, flag.post_id)
        account = session.get(PlatformAccount, post.account_id)
        return account.id, f"bluesky:{account.handle}"


def test_admin_exports_json_and_html_and_nobody_else_can(client, headers, make_flag, db):
    flag_id = make_flag("dorset", text="Words about the scum on my shift")
    _, account = _account(db, flag_id)
    admin = headers("admin")
    body = client.get("/api/v1/subjects/export", params={"account": account}, headers=admin)
    assert body.status_code == 200
    data = body.json()
    assert [f["id"] for f in data["tables"]["flags"]] == [flag_id]
    assert data["tables"]["posts"][0]["text"] == "Words about the scum on my shift"
    page = client.get("/api/v1/subjects/export.html", params={"account": account}, headers=admin)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Words about the scum on my shift" in page.text
    refused = client.get(
        "/api/v1/subjects/export", params={"account": account}, headers=headers("analyst")
    )
    assert refused.status_code == 403
    bad = client.get("/api/v1/subjects/export", params={"account": "no-colon"}, headers=admin)
    assert bad.status_code == 400 and "PLATFORM:HANDLE" in bad.json()["detail"]


def test_force_limited_analyst_rectifies_only_their_forces_accounts(client, headers, make_flag, db):
    account_id, account = _account(db, make_flag("dorset"))
    body = {"account": account, "reason": "the bio says call handler", "role": "staff"}
    other = client.post(
        "/api/v1/subjects/rectifications", json=body, headers=headers("analyst", "kent")
    )
    assert other.status_code == 404
    own = client.post(
        "/api/v1/subjects/rectifications", json=body, headers=headers("analyst", "dorset")
    )
    assert own.status_code == 200, own.text
    assert own.json()[0]["changes"][0]["new"] == "staff"
    with db() as session:
        assert session.get(PlatformAccount, account_id).role is Role.staff


def test_concurrent_rectifications_record_one_change(live_server, headers, make_flag, db):
    account_id, account = _account(db, make_flag("dorset"))
    analysts = [headers("analyst") for _ in range(8)]
    body = {"account": account, "reason": "a PCSO, says the bio", "role": "pcso"}
    responses = burst(
        live_server,
        [("POST", "/api/v1/subjects/rectifications", h, body) for h in analysts],
    )
    assert [r.status_code for r in responses] == [200] * 8
    changed = [r for r in responses if r.json()[0]["changes"]]
    assert len(changed) == 1  # the others found the role already corrected
    with db() as session:
        rows = session.scalar(
            select(func.count())
            .select_from(VerdictRectification)
            .where(VerdictRectification.account_id == account_id)
        )
        assert rows == 1
        events = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "subject.rectify", AuditEvent.object_id == str(account_id))
        )
        assert events == 8
        assert audit_log.verify(session).ok
