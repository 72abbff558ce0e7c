"""Expected status of every route for every kind of caller (the authorisation matrix).

Roles: anonymous (no credential), bad (a wrong key / forged cookie), admin, analyst (national),
analyst_a (analyst limited to force A), force_a, researcher. Each request is made against a fresh
object of force A (the caller's own force for the *_a roles). Adding a route to the app without
a row here fails ``test_every_route_is_in_the_matrix``.
"""

from __future__ import annotations

ROLES = ("anonymous", "bad", "admin", "analyst", "analyst_a", "force_a", "researcher")
REVIEWERS = ("admin", "analyst", "analyst_a")
READERS = ("admin", "analyst", "analyst_a", "force_a")


def api(ok: int, *roles: str) -> dict[str, int]:
    """An API route: ``ok`` for ``roles``, 403 for other roles, 401 without a valid key."""
    return {"anonymous": 401, "bad": 401, **{r: (ok if r in roles else 403) for r in ROLES[2:]}}


def ui(ok: int, *roles: str) -> dict[str, int]:
    """A UI route: no valid session redirects to sign-in (303)."""
    return {**api(ok, *roles), "anonymous": 303, "bad": 303}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


V1 = "/api/v1"
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("GET", f"{V1}/health"): everyone(200),
    ("GET", f"{V1}/whoami"): api(200, *ROLES),
    ("GET", f"{V1}/flags"): api(200, *REVIEWERS),
    ("GET", f"{V1}/flags/{{flag_id}}"): api(200, *REVIEWERS),
    ("POST", f"{V1}/flags/{{flag_id}}/claim"): api(200, *REVIEWERS),
    ("POST", f"{V1}/flags/{{flag_id}}/release"): api(
        409, *REVIEWERS
    ),  # a fresh flag is not claimed
    ("POST", f"{V1}/flags/{{flag_id}}/decisions"): api(201, *REVIEWERS),
    ("GET", f"{V1}/referrals"): api(200, *READERS),
    # a national caller naming no force exports every force: 428 without a justification
    ("GET", f"{V1}/referrals/export"): {**api(200, *READERS), "admin": 428, "analyst": 428},
    ("GET", f"{V1}/referrals/{{referral_id}}"): api(200, *READERS),
    ("POST", f"{V1}/referrals/{{referral_id}}/acknowledge"): api(200, "force_a"),
    ("POST", f"{V1}/referrals/{{referral_id}}/outcome"): api(200, "force_a"),
    ("GET", f"{V1}/exports/training.jsonl"): api(200, "admin", "researcher"),
    ("GET", f"{V1}/keys"): api(200, "admin"),
    ("POST", f"{V1}/keys"): api(201, "admin"),
    ("POST", f"{V1}/keys/{{prefix}}/revoke"): api(200, "admin"),
    ("GET", f"{V1}/audit/events"): api(200, "admin"),
    ("GET", f"{V1}/audit/verify"): api(200, "admin"),
    ("GET", f"{V1}/stats"): api(200, *READERS),
    ("GET", f"{V1}/crosschecks"): api(200, *READERS),
    ("GET", f"{V1}/registers/gifts"): api(200, *READERS),
    ("GET", f"{V1}/registers/interests"): api(200, *READERS),
    ("GET", f"{V1}/registers/contracts"): api(200, *READERS),
    ("GET", f"{V1}/registers/investigations"): api(200, *READERS),
    # the matrix sends JSON, which the import refuses once the caller is allowed in
    ("POST", f"{V1}/registers/{{register}}/import"): api(415, "admin", "force_a"),
    # national keys must name the force (400); force-limited keys get their own
    ("GET", f"{V1}/reports/force"): {**api(200, *READERS), "admin": 400, "analyst": 400},
    ("GET", f"{V1}/reports/national"): {**api(200, "admin", "analyst"), "analyst_a": 403},
    # aggregate figures of the last demo run: 404 until `probity demo` has run
    # national figures: a force-limited analyst is refused like any other non-national caller
    ("GET", f"{V1}/scoreboard"): api(404, "admin", "analyst"),
    # the active model's figures and audit recall estimate: 404 while no version is active
    ("GET", f"{V1}/model"): api(404, "admin", "analyst", "analyst_a"),
    # subject rights: the matrix names no account, so allowed roles get 422 (query) and 404
    # (a handle nobody holds); the export is the admin's, rectification the reviewers'
    ("GET", f"{V1}/subjects/export"): api(422, "admin"),
    ("GET", f"{V1}/subjects/export.html"): api(422, "admin"),
    ("POST", f"{V1}/subjects/rectifications"): api(404, *REVIEWERS),
    ("GET", f"{V1}/openapi.json"): everyone(200),  # public outside production (see the docs test)
    ("GET", "/api/docs"): everyone(200),
    ("GET", "/"): everyone(303),
    ("GET", "/ui/login"): everyone(200),
    ("POST", "/ui/login"): everyone(422),  # no key in the form
    ("POST", "/ui/logout"): ui(303, *ROLES),
    ("GET", "/ui/"): {**ui(303, *READERS), "researcher": 200},
    ("GET", "/ui/queue"): ui(200, *REVIEWERS),
    ("GET", "/ui/flags/{flag_id}"): ui(200, *REVIEWERS),
    ("POST", "/ui/flags/{flag_id}/claim"): ui(303, *REVIEWERS),
    ("POST", "/ui/flags/{flag_id}/decide"): ui(303, *REVIEWERS),
    ("GET", "/ui/referrals"): ui(200, *READERS),
    ("GET", "/ui/referrals/export.{fmt}"): {**ui(200, *READERS), "admin": 428, "analyst": 428},
    ("GET", "/ui/exports/training.jsonl"): ui(200, "admin", "researcher"),
    ("GET", "/ui/referrals/{referral_id}"): ui(200, *READERS),
    ("POST", "/ui/referrals/{referral_id}/acknowledge"): ui(303, "force_a"),
    ("POST", "/ui/referrals/{referral_id}/outcome"): ui(303, "force_a"),
    # the day's other pages: the roles and force scope of their API routes
    ("GET", "/api/redoc"): everyone(200),
    ("GET", "/api/docs/assets/{name}"): everyone(200),
    ("GET", "/ui/registers"): ui(200, *READERS),
    ("GET", "/ui/registers/import"): ui(200, "admin", "force_a"),  # the roles of the API's import
    ("POST", "/ui/registers/import"): ui(
        400, "admin", "force_a"
    ),  # no file in the form: the page lists it
    ("GET", "/ui/registers/{register}"): ui(200, *READERS),
    ("GET", "/ui/registers/{register}/{row_id}"): ui(200, *READERS),
    ("GET", "/ui/stats"): ui(200, *READERS),
    ("GET", "/ui/crosschecks"): ui(200, *READERS),
    ("GET", "/ui/reports"): ui(200, *READERS),
    ("GET", "/ui/reports/force"): {**ui(200, *READERS), "admin": 400, "analyst": 400},
    ("GET", "/ui/reports/force.html"): {**ui(200, *READERS), "admin": 400, "analyst": 400},
    ("GET", "/ui/reports/force.pdf"): {**ui(200, *READERS), "admin": 400, "analyst": 400},
    ("GET", "/ui/reports/national"): ui(200, "admin", "analyst"),
    ("GET", "/ui/reports/national.html"): ui(200, "admin", "analyst"),
    ("GET", "/ui/reports/national.pdf"): ui(200, "admin", "analyst"),
    ("GET", "/ui/model"): ui(
        200, "admin", "analyst", "analyst_a"
    ),  # the roles of GET /api/v1/model
    # proportionate looking (issue #15): an account's whole history needs a justification (428
    # without; see JUSTIFIED below), the view-budget alerts are for admins
    ("GET", f"{V1}/accounts/{{account_id}}/history"): api(428, *REVIEWERS),
    ("GET", f"{V1}/alerts"): api(200, "admin"),
    ("GET", "/ui/accounts/{account_id}/history"): ui(200, *REVIEWERS),  # the form, no posts
    ("POST", "/ui/accounts/{account_id}/history"): ui(428, *REVIEWERS),
    ("GET", "/ui/alerts"): ui(200, "admin"),
}

# Request bodies: JSON for the API, form fields for the UI (the CSRF token is added by the test).
BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("POST", f"{V1}/flags/{{flag_id}}/decisions"): {"action": "dismiss", "note": "matrix"},
    ("POST", f"{V1}/referrals/{{referral_id}}/outcome"): {"outcome": "other", "note": "matrix"},
    ("POST", f"{V1}/keys"): {"role": "researcher", "name": "matrix"},
    ("POST", f"{V1}/subjects/rectifications"): {
        "account": "bluesky:nobody.example",
        "reason": "matrix",
        "role": "staff",
    },
    ("POST", "/ui/flags/{flag_id}/decide"): {"action": "dismiss"},
    ("POST", "/ui/referrals/{referral_id}/outcome"): {"outcome": "other"},
    ("POST", "/ui/registers/import"): {"register": "gifts"},
}


# --- issue #15: the justification rule --------------------------------------------------------
# Routes that open more than the work in front of the analyst. Each is asked without, with a too
# short and with a proper justification (header for the API, form or query field for the UI):
# the status each role gets with a proper one; without one every role that may use the route at
# all gets 428 (as in EXPECTED) unless the route needs no justification for it (``free``).
JUSTIFICATION = "Complaint 2026/114 alleges a pattern of posts about the Home Secretary"
JUSTIFIED: dict[tuple[str, str], tuple[dict[str, int], tuple[str, ...]]] = {
    ("GET", f"{V1}/accounts/{{account_id}}/history"): (api(200, *REVIEWERS), ()),
    ("POST", "/ui/accounts/{account_id}/history"): (ui(200, *REVIEWERS), ()),
    # a force-limited caller exports one force: no justification needed
    ("GET", f"{V1}/referrals/export"): (api(200, *READERS), ("analyst_a", "force_a")),
    ("GET", "/ui/referrals/export.{fmt}"): (ui(200, *READERS), ("analyst_a", "force_a")),
}

# --- issue #15: special category ----------------------------------------------------------------
# Force B's officer posted a political opinion (labelled `government` only), referred to force B;
# force A's officer replied to it (the reply's context quotes it), referred to force A. What each
# caller gets of the political post's words on each surface: "text" (shown), "withheld" (the
# page answers but the words are replaced), "absent" (not in the answer at all), or a status.
SC_ROLES = ("admin", "analyst", "analyst_a", "force_a", "force_b", "researcher")
NATIONAL_SEE = {"admin": "text", "analyst": "text"}
SPECIAL_CATEGORY: dict[str, dict[str, str | int]] = {
    # the political post's own flag and referral: national analysts and force B only
    "GET /api/v1/flags/{b_flag}": {
        **NATIONAL_SEE,
        "analyst_a": 404,
        "force_a": 403,
        "force_b": 403,
        "researcher": 403,
    },
    "GET /ui/flags/{b_flag}": {
        **NATIONAL_SEE,
        "analyst_a": 404,
        "force_a": 403,
        "force_b": 403,
        "researcher": 403,
    },
    "GET /api/v1/referrals/{b_referral}": {
        **NATIONAL_SEE,
        "analyst_a": 404,
        "force_a": 404,
        "force_b": "text",
        "researcher": 403,
    },
    "GET /ui/referrals/{b_referral}": {
        **NATIONAL_SEE,
        "analyst_a": 404,
        "force_a": 404,
        "force_b": "text",
        "researcher": 403,
    },
    # force A's evidence quoting it: withheld from force A's analyst and force A
    "GET /api/v1/flags/{a_flag}": {
        **NATIONAL_SEE,
        "analyst_a": "withheld",
        "force_a": 403,
        "force_b": 403,
        "researcher": 403,
    },
    "GET /ui/flags/{a_flag}": {
        **NATIONAL_SEE,
        "analyst_a": "withheld",
        "force_a": 403,
        "force_b": 403,
        "researcher": 403,
    },
    "GET /ui/queue": {
        **NATIONAL_SEE,
        "analyst_a": "withheld",
        "force_a": 403,
        "force_b": 403,
        "researcher": 403,
    },
    "GET /api/v1/referrals/{a_referral}": {
        **NATIONAL_SEE,
        "analyst_a": "withheld",
        "force_a": "withheld",
        "force_b": 404,
        "researcher": 403,
    },
    "GET /ui/referrals/{a_referral}": {
        **NATIONAL_SEE,
        "analyst_a": "withheld",
        "force_a": "withheld",
        "force_b": 404,
        "researcher": 403,
    },
    # research exports: never the words, only a count (checked further in the test)
    "GET /api/v1/exports/training.jsonl": {
        "admin": "absent",
        "analyst": 403,
        "analyst_a": 403,
        "force_a": 403,
        "force_b": 403,
        "researcher": "absent",
    },
}
