"""The smaller findings of the security review, each with the behaviour that now holds."""

from __future__ import annotations

import re
import socket

from apifixtures import auth
from fastapi.testclient import TestClient


def test_a_lone_surrogate_in_a_json_body_is_a_422_naming_the_field(client, headers, make_flag):
    flag = make_flag("essex")
    h = {**headers("analyst"), "Content-Type": "application/json"}
    in_text = client.post(
        f"/api/v1/flags/{flag}/decisions",
        content=b'{"action": "dismiss", "note": "x\\ud800"}',
        headers=h,
    )
    assert in_text.status_code == 422 and "'note' contains a lone surrogate" in in_text.text
    echoed = client.post(
        f"/api/v1/flags/{flag}/decisions", content=b'{"action": "\\udfff"}', headers=h
    )
    assert (
        echoed.status_code == 422 and "\\\\udfff" in echoed.text
    )  # the echo is escaped, not a 500
    assert (
        client.get(f"/api/v1/flags/{flag}", headers=h).json()["status"] == "pending"
    )  # nothing changed


def _sign_in(client: TestClient, key: str) -> str:
    response = client.post(
        "/ui/login", data={"key": key, "next": "/ui/queue"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return response.cookies["probity_session"]


def test_signing_out_ends_the_session_server_side(app, make_key):
    key = make_key("analyst")
    with TestClient(app) as browser:
        cookie = _sign_in(browser, key)
        page = browser.get("/ui/queue")
        assert page.status_code == 200
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found is not None
        csrf = found.group(1)
        assert (
            browser.post("/ui/logout", data={"csrf": csrf}, follow_redirects=False).status_code
            == 303
        )
    with TestClient(app, cookies={"probity_session": cookie}) as thief:  # a copy of the old cookie
        stale = thief.get("/ui/queue", follow_redirects=False)
    assert stale.status_code == 303 and stale.headers["location"].startswith("/ui/login")
    with TestClient(app) as browser:  # signing in again works
        _sign_in(browser, key)
        assert browser.get("/ui/queue").status_code == 200


def test_sign_in_from_another_site_is_refused(client, make_key):
    key = make_key("analyst")
    cross = client.post(
        "/ui/login",
        data={"key": key},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert cross.status_code == 403 and "probity_session" not in cross.cookies
    referer = client.post(
        "/ui/login",
        data={"key": key},
        follow_redirects=False,
        headers={"Referer": "https://evil.example/phish"},
    )
    assert referer.status_code == 403
    fetched = client.post(
        "/ui/login",
        data={"key": key},
        follow_redirects=False,
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "null"},
    )
    assert fetched.status_code == 403
    same = client.post(
        "/ui/login",
        data={"key": key},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert same.status_code == 303 and "probity_session" in same.cookies
    # a browser's own form under Referrer-Policy: no-referrer
    client.cookies.clear()
    own = client.post(
        "/ui/login",
        data={"key": key},
        follow_redirects=False,
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "null"},
    )
    assert own.status_code == 303


def test_api_answers_and_html_reports_are_not_stored(client, headers):
    h = headers("analyst")
    for path in (
        "/api/v1/flags",
        "/api/v1/health",
        "/api/v1/reports/national",
        "/api/v1/nope",
        "/api/v1/reports/force?force_id=kent",
    ):
        response = client.get(path, headers=h)
        assert response.headers.get("cache-control") == "no-store", (path, response.status_code)


def test_an_over_long_query_string_is_a_clear_414(live_server):
    host, port = live_server.removeprefix("http://").split(":")
    request = (
        f"GET /api/v1/flags?q={'a' * 200_000} HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: {auth('x')['Authorization']}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 414"), answer[:200]
    assert b"query string longer than 8192 bytes" in answer
