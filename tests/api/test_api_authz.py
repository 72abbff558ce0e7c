"""Authorisation: every route needs authentication, every role × route gets its expected status,
every request leaves the expected number of audit events, and force A never reaches force B."""

from __future__ import annotations

import string
import uuid

import pytest
from apifixtures import auth, create_flag, create_gift
from authz_table import (
    BODIES,
    EXPECTED,
    JUSTIFICATION,
    JUSTIFIED,
    ROLES,
    SC_ROLES,
    SPECIAL_CATEGORY,
)
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.deps import AUTH_DEPENDENCIES
from api.main import DOCS_ROUTES, PUBLIC_ROUTES, create_app, iter_routes
from api.security import unsign
from probity import audit_queue, keys
from probity.models import AuditEvent, FlagStatus, KeyRole, Post
from probity.referrals import add_to_referral
from probity.settings import Settings

FORCE_A, FORCE_B = "north-yorkshire", "south-yorkshire"
MISSING_ID = 987_654_321


def _dependency_calls(dependant) -> set:
    calls = {dependant.call}
    for sub in dependant.dependencies:
        calls |= _dependency_calls(sub)
    return calls


def test_every_route_requires_authentication_unless_listed_public(app):
    public = PUBLIC_ROUTES | DOCS_ROUTES  # docs are public outside production only
    checked = 0
    for method, path, context in iter_routes(app):
        if (method, path) in public:
            continue
        calls = _dependency_calls(context.dependant)
        assert calls & set(AUTH_DEPENDENCIES), (
            f"{method} {path} lacks the authentication dependency"
        )
        checked += 1
    assert checked >= 25
    others = [
        r for r in app.routes if not hasattr(r, "methods") and type(r).__name__ != "_IncludedRouter"
    ]
    assert [(type(r).__name__, r.path) for r in others] == [("Mount", "/static")]  # CSS and JS only


def test_docs_need_authentication_in_production(api_url, make_key):
    settings = Settings(
        env="production", secret_key="x" * 40, audit_key="y" * 40, database_url=api_url
    )
    app = create_app(settings)
    for method, path, context in iter_routes(app):
        if (method, path) in DOCS_ROUTES:
            assert "get_docs_principal" in {
                c.__name__ for c in _dependency_calls(context.dependant)
            }
    client = TestClient(app)
    assert client.get("/api/v1/openapi.json").status_code == 401
    assert client.get("/api/docs").status_code == 401
    assert (
        client.get("/api/v1/openapi.json", headers=auth(make_key("force", FORCE_A))).status_code
        == 200
    )


def test_every_route_is_in_the_matrix(app):
    routes = {(m, p) for m, p, _ in iter_routes(app)}
    assert routes - EXPECTED.keys() == set(), "add these routes to tests/api/authz_table.py"
    assert EXPECTED.keys() - routes == set(), "the matrix lists routes the app no longer has"


class Callers:
    """A key and a UI session (cookie + CSRF token) per role."""

    def __init__(self, client: TestClient, db):
        self.client = client
        self.keys: dict[str, str] = {}
        with db() as session:
            for role, kind, force in (
                ("admin", "admin", None),
                ("analyst", "analyst", None),
                ("analyst_a", "analyst", FORCE_A),
                ("force_a", "force", FORCE_A),
                ("researcher", "researcher", None),
            ):
                self.keys[role] = keys.create_key(session, KeyRole(kind), force_id=force).key
        self.cookies: dict[str, str] = {}
        self.csrf: dict[str, str] = {}
        for role in self.keys:
            self.sign_in(role)

    def sign_in(self, role: str) -> None:
        secret = self.client.app.state.settings.secret_key.get_secret_value()  # type: ignore[attr-defined]
        r = self.client.post("/ui/login", data={"key": self.keys[role]}, follow_redirects=False)
        self.cookies[role] = r.cookies["probity_session"]
        self.csrf[role] = unsign(secret, "ui-session", self.cookies[role])["csrf"]
        self.client.cookies.clear()

    def request(self, method: str, path: str, role: str, body: dict | None):
        headers: dict[str, str] = {}
        ui = path.startswith("/ui/")
        if ui and role in self.cookies:
            headers["Cookie"] = f"probity_session={self.cookies[role]}"
        elif ui and role == "bad":
            headers["Cookie"] = "probity_session=e30.forged"
        elif role in self.keys:
            headers.update(auth(self.keys[role]))
        elif role == "bad":
            headers.update(auth("pb_deadbeef_" + "x" * 43))
        kwargs: dict = {"headers": headers, "follow_redirects": False}
        if ui and method == "POST":
            kwargs["data"] = {**(body or {}), "csrf": self.csrf.get(role, "")}
        elif body is not None:
            kwargs["json"] = body
        try:
            response = self.client.request(method, path, **kwargs)
        finally:
            self.client.cookies.clear()
        return response

    def after(self, path: str, role: str, response) -> None:
        if path == "/ui/logout" and response.status_code == 303 and role in self.keys:
            self.sign_in(role)  # signing out ends the key's UI sessions server-side


def _objects(db, force: str, fields: set[str]) -> dict[str, object]:
    out: dict[str, object] = {"fmt": "csv", "register": "gifts", "name": "swagger-ui.css"}
    with db() as session:
        if "row_id" in fields:
            out["row_id"] = create_gift(session, force).id
        if "flag_id" in fields:
            out["flag_id"] = create_flag(session, force).id
        if "referral_id" in fields:
            flag = create_flag(session, force)
            flag.transition(FlagStatus.confirmed)
            out["referral_id"] = add_to_referral(session, flag, list(flag.labels))
        if "account_id" in fields:
            out["account_id"] = session.get_one(
                Post, create_flag(session, force).post_id
            ).account_id
        if "prefix" in fields:
            out["prefix"] = keys.create_key(
                session, KeyRole.researcher, name="throwaway"
            ).record.prefix
    return out


def _fields(path: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(path) if name}


def _audit_count(db) -> int:
    with db() as session:
        audit_queue.chain_all(session.get_bind())  # reads' staged events, chained
        return session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.fixture
def callers(client, db) -> Callers:
    return Callers(client, db)


def test_role_by_route_matrix_and_one_audit_event_per_request(callers, db):
    public = PUBLIC_ROUTES | DOCS_ROUTES
    failures = []
    for (method, template), expected in EXPECTED.items():
        for role in ROLES:
            path = template.format(**_objects(db, FORCE_A, _fields(template)))
            before = _audit_count(db)
            response = callers.request(method, path, role, BODIES.get((method, template)))
            events = _audit_count(db) - before
            callers.after(path, role, response)
            want_events = 0 if (method, template) in public else 1
            if response.status_code != expected[role] or events != want_events:
                failures.append(
                    f"{role:11} {method} {template}: {response.status_code} (want {expected[role]}), "
                    f"{events} audit events (want {want_events})"
                )
    assert not failures, "\n".join(failures)


def test_force_a_gets_404_for_force_b_objects_exactly_as_for_missing_ones(callers, db):
    checked = 0
    for (method, template), expected in EXPECTED.items():
        fields = _fields(template) & {"flag_id", "referral_id", "row_id", "account_id"}
        if not fields:
            continue
        for role in ("analyst_a", "force_a"):
            if expected[role] == 403:
                continue  # the role may not use the route at all
            body = BODIES.get((method, template))
            theirs = callers.request(
                method, template.format(**_objects(db, FORCE_B, fields)), role, body
            )
            missing = callers.request(
                method,
                template.format(
                    **{**_objects(db, FORCE_A, set()), **dict.fromkeys(fields, MISSING_ID)}
                ),
                role,
                body,
            )
            assert theirs.status_code == missing.status_code == 404, (role, method, template)
            if not template.startswith("/ui/"):
                assert theirs.json() == missing.json()
            checked += 1
    assert checked >= 10


def test_force_a_lists_and_exports_never_contain_force_b(callers, db, client):
    b = _objects(db, FORCE_B, {"referral_id"})["referral_id"]
    a = _objects(db, FORCE_A, {"referral_id"})["referral_id"]
    key = auth(callers.keys["force_a"])
    listed = [
        r["id"]
        for r in client.get("/api/v1/referrals", params={"page_size": 200}, headers=key).json()[
            "items"
        ]
    ]
    assert a in listed and b not in listed
    asked_for_b = client.get("/api/v1/referrals", params={"force_id": FORCE_B}, headers=key).json()[
        "items"
    ]
    assert asked_for_b == []
    export = client.get("/api/v1/referrals/export", params={"force_id": FORCE_B}, headers=key).text
    assert export == ""
    page = callers.request("GET", "/ui/referrals", "force_a", None).text
    assert f'data-referral-id="{a}"' in page and f'data-referral-id="{b}"' not in page


# --- issue #15: justification and special category, role by route -----------------------------


def _justified(method: str, template: str, role: str, callers: Callers, path: str, reason: str):
    """The request with ``reason`` as its justification, the way each surface takes it."""
    if template.startswith("/ui/") and method == "POST":
        return callers.request(method, path, role, {"justification": reason})
    if template.startswith("/ui/"):
        return callers.request(method, f"{path}?justification={reason}", role, None)
    headers = {"X-Probity-Justification": reason}
    if role in callers.keys:
        headers.update(auth(callers.keys[role]))
    return callers.client.request(method, path, headers=headers, follow_redirects=False)


def _events(db, action: str) -> list[AuditEvent]:
    with db() as session:
        audit_queue.chain_all(session.get_bind())
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def test_broad_looks_need_a_justification_kept_in_the_audit_event(callers, db):
    failures = []
    for (method, template), (with_reason, free) in JUSTIFIED.items():
        action = "accounts.history" if "history" in template else "referrals.export"
        for role in ROLES:
            path = template.format(**_objects(db, FORCE_A, _fields(template)))
            without = callers.request(method, path, role, BODIES.get((method, template)))
            short = _justified(method, template, role, callers, path, "because")
            before = len(_events(db, action))
            proper = _justified(method, template, role, callers, path, JUSTIFICATION)
            allowed = with_reason[role] == 200
            want_without = 200 if role in free else (428 if allowed else with_reason[role])
            got = (without.status_code, short.status_code, proper.status_code)
            want = (want_without, want_without, with_reason[role])
            if got != want:
                failures.append(f"{role:10} {method} {template}: {got}, want {want}")
                continue
            if allowed:
                new = _events(db, action)[before:]
                recorded = role not in free
                if recorded and not (
                    len(new) == 1
                    and new[0].purpose == JUSTIFICATION
                    and (new[0].detail or {}).get("justification") == JUSTIFICATION
                ):
                    failures.append(f"{role:10} {method} {template}: justification not recorded")
                if without.status_code == 428 and "needs a justification" not in without.text:
                    failures.append(f"{role:10} {template}: the 428 does not say what is missing")
        assert (
            "X-Probity-Justification"
            in callers.request(
                method,
                template.format(**_objects(db, FORCE_A, _fields(template))),
                "analyst",
                BODIES.get((method, template)),
            ).text
        )
    assert not failures, "\n".join(failures)


@pytest.fixture
def political(db, callers):
    """Force B's officer's political post (referred to B), force A's officer's pending reply
    quoting it, and another of A's replies referred to A."""
    from probity.models import ReviewDecision  # noqa: F401  (decisions load with the flag)

    words = f"Vote them all out, the Home Secretary is a disgrace {uuid.uuid4().hex[:6]}"
    ids: dict[str, object] = {"words": words}
    with db() as session:
        b_flag = create_flag(session, FORCE_B, labels=("government",), text=words)
        b_post = session.get_one(Post, b_flag.post_id)
        b_flag.transition(FlagStatus.confirmed)
        ids["b_flag"], ids["b_referral"] = (
            b_flag.id,
            add_to_referral(session, b_flag, ["government"]),
        )
        quote = {
            "relation": "quote",
            "platform_id": b_post.platform_id,
            "author_handle": "colleague.bsky.social",
            "text": words,
            "is_account_holder": False,
        }
        for name in ("a_flag", "a_referral"):
            flag = create_flag(session, FORCE_A, text="Spot on, mate", score=0.999)
            session.get_one(Post, flag.post_id).context = [quote]
            ids[name] = flag.id
            if name == "a_referral":
                flag.transition(FlagStatus.confirmed)
                ids[name] = add_to_referral(session, flag, ["offensive"])
        callers.keys["force_b"] = keys.create_key(session, KeyRole.force, force_id=FORCE_B).key
    callers.sign_in("force_b")
    return ids


def test_special_category_matrix(callers, political):
    words = str(political["words"])
    failures = []
    for surface, expected in SPECIAL_CATEGORY.items():
        method, template = surface.split(" ", 1)
        path = template.format(**political)
        if path == "/ui/queue":
            path += f"?force_id={FORCE_A}&page_size=200"
        for role in SC_ROLES:
            want = expected[role]
            response = callers.request(method, path, role, None)
            body = response.text
            if isinstance(want, int):
                got: str | int = response.status_code
            elif response.status_code != 200:
                got = response.status_code
            elif words in body:
                got = "text"
            elif "withheld: special category" in body:
                got = "withheld"
            else:
                got = "absent"
            if got != want:
                failures.append(f"{role:10} {surface}: {got} (want {want})")
    assert not failures, "\n".join(failures)


def test_research_export_counts_special_category_posts_and_never_carries_them(callers, political):
    import json

    rows = [
        json.loads(line)
        for line in callers.request(
            "GET", "/api/v1/exports/training.jsonl", "researcher", None
        ).text.splitlines()
    ]
    counts = [r for r in rows if r.get("record") == "special_category_count"]
    assert [(c["decision"], c["labels"]) for c in counts] == [("confirmed", ["government"])]
    assert counts[0]["count"] >= 1 and set(counts[0]) == {"record", "labels", "decision", "count"}
    examples = [r for r in rows if "record" not in r]
    assert examples and all(r["labels"] != ["government"] for r in examples)
    assert all(political["words"] not in r["text"] for r in examples)
