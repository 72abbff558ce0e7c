"""Issue #17: analysts see the account's role and the words it was read from, in the flag API
and on the flag page."""

from __future__ import annotations

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
