"""The server-rendered UI without a browser: sign-in cookie, CSRF, scoping, highlighting."""

import re

from api.ui.render import highlight


def sign_in(client, key):
    r = client.post("/ui/login", data={"key": key, "next": "/ui/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and key not in cookie
    return r


def test_sign_in_queue_decide_and_force_scoping(client, make_key, make_flag):
    flag = make_flag("suffolk", text="They are scum & worse")
    analyst = make_key("analyst")
    assert (
        client.get("/ui/queue", follow_redirects=False).headers["location"].startswith("/ui/login")
    )
    sign_in(client, analyst)
    page = client.get("/ui/queue", params={"force_id": "suffolk", "min_score": ""})
    assert page.status_code == 200 and f'data-flag-id="{flag}"' in page.text
    detail = client.get(f"/ui/flags/{flag}")
    assert (
        detail.headers["cache-control"] == "no-store"
        and "frame-ancestors 'none'" in detail.headers["content-security-policy"]
    )
    assert '<mark class="ev ev-offensive" title="offensive">scum</mark> &amp; worse' in detail.text
    found = re.search(r'name="csrf" value="([^"]+)"', detail.text)
    assert found is not None, "the detail page carries a CSRF token"
    csrf = found.group(1)
    forged = client.post(f"/ui/flags/{flag}/decide", data={"action": "confirm", "csrf": "nope"})
    assert forged.status_code == 403
    done = client.post(
        f"/ui/flags/{flag}/decide", data={"action": "confirm", "csrf": csrf}, follow_redirects=False
    )
    assert done.status_code == 303
    client.cookies.clear()
    sign_in(client, make_key("force", "suffolk"))
    assert "@officer" in client.get("/ui/referrals").text
    assert client.get("/ui/queue").status_code == 403
    client.cookies.clear()
    sign_in(client, make_key("force", "surrey"))
    assert "@officer" not in client.get("/ui/referrals").text


def test_bad_key_is_refused(client):
    r = client.post("/ui/login", data={"key": "pb_00000000_nope"})
    assert r.status_code == 401 and "not valid" in r.text


def test_highlight_escapes_and_marks_spans():
    out = str(
        highlight(
            "<b>a</b> bad idea", {"offensive": [{"start": 9, "end": 12}], "protocol": ["idea"]}
        )
    )
    assert (
        out == '&lt;b&gt;a&lt;/b&gt; <mark class="ev ev-offensive" title="offensive">bad</mark> '
        '<mark class="ev ev-protocol" title="protocol">idea</mark>'
    )
