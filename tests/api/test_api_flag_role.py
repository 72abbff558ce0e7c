"""Issue #17: analysts see the account's role and the words it was read from, in the flag API
and on the flag page."""

from __future__ import annotations

import csv
import io
import uuid

from apifixtures import auth, create_flag

from probity.models import Platform, PlatformAccount, Role


def test_flag_detail_and_page_show_role_and_its_evidence(client, db, make_key):
    with db() as session:
        account = PlatformAccount(
            platform=Platform.x,
            platform_id="role-evidence-1",
            handle="ch_kent",
            display_name="Sarah",
            bio="Control room operator, Kent Police.",
            url="",
            self_identified=True,
            force_id="kent",
            role=Role.staff,
            role_evidence="Control room operator",
            confidence=0.8,
        )
        session.add(account)
        session.flush()
        flag_id = create_flag(session, "kent", account=account).id
    key = make_key("analyst")
    body = client.get(f"/api/v1/flags/{flag_id}", headers=auth(key)).json()
    assert body["account"]["role"] == "staff"
    assert body["account"]["role_evidence"] == "Control room operator"
    client.post("/ui/login", data={"key": key, "next": "/ui/"}, follow_redirects=False)
    page = client.get(f"/ui/flags/{flag_id}").text
    assert "staff (from “Control room operator”)" in page


def _staff_and_officer_flags(db) -> tuple[int, int]:
    """Two flags of Lincolnshire: one on a member of staff's account, one on an officer's."""
    ids = []
    with db() as session:
        for n, role in enumerate((Role.staff, Role.officer)):
            account = PlatformAccount(
                platform=Platform.x,
                platform_id=f"role-list-{role.value}-{uuid.uuid4().hex[:6]}",
                handle=f"dp_{role.value}_{n}",
                self_identified=True,
                force_id="lincolnshire",
                role=role,
            )
            session.add(account)
            session.flush()
            ids.append(create_flag(session, "lincolnshire", account=account, score=0.97).id)
    return ids[0], ids[1]


def test_role_is_on_every_flag_and_referral_in_lists_exports_and_pages(client, db, make_key):
    staff, officer = _staff_and_officer_flags(db)
    analyst = auth(make_key("analyst"))
    listed = client.get(
        "/api/v1/flags", params={"force_id": "lincolnshire", "page_size": 200}, headers=analyst
    ).json()["items"]
    roles = {f["id"]: f["account_role"] for f in listed}
    assert roles[staff] == "staff" and roles[officer] == "officer"
    decided = client.post(
        f"/api/v1/flags/{officer}/decisions", json={"action": "confirm"}, headers=analyst
    ).json()
    referral_id = decided["referral_id"]
    force = auth(make_key("force", "lincolnshire"))
    referral = client.get(f"/api/v1/referrals/{referral_id}", headers=force).json()
    assert referral["account"]["role"] == "officer"
    export = client.get("/api/v1/referrals/export", params={"format": "csv"}, headers=force).text
    rows = [r for r in csv.DictReader(io.StringIO(export)) if r["referral_id"] == str(referral_id)]
    assert rows and {r["account_role"] for r in rows} == {"officer"}

    client.post("/ui/login", data={"key": make_key("analyst")}, follow_redirects=False)
    queue = client.get("/ui/queue", params={"force_id": "lincolnshire", "page_size": 200}).text
    row = queue.split(f'data-flag-id="{staff}"', 1)[1].split("</tr>", 1)[0]
    assert '<td data-testid="flag-role">staff</td>' in row
    page = client.get(f"/ui/referrals/{referral_id}").text
    assert 'data-testid="account-role">officer' in page
    stats = client.get("/ui/stats", params={"force_id": "lincolnshire"}).text
    assert 'data-testid="by-role"' in stats
    client.cookies.clear()
