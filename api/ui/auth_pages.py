"""Sign in with an API key (kept in a signed HttpOnly cookie as the key's id, never in a URL),
sign out, and the role-dependent home page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import ALL_ROLES, Principal, SessionDep, authenticate_key, require_ui
from api.ui.render import render
from api.ui.session import check_csrf, clear_session_cookie, set_session_cookie
from probity import audit as audit_log
from probity.models import ApiKey, utcnow

router = APIRouter(prefix="/ui", tags=["ui"], include_in_schema=False)
SignedIn = Annotated[Principal, Depends(require_ui(*ALL_ROLES))]


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect a signed-in user to another origin.
    if target and target.startswith("/ui/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/ui/"


def _same_origin(request: Request) -> bool:
    """Refuse a sign-in form posted from another site (login CSRF).

    Browsers say where a request comes from in ``Sec-Fetch-Site``; older ones only in Origin or
    Referer. Our pages send ``Referrer-Policy: no-referrer``, under which a browser's own
    same-origin POST carries ``Origin: null``, so a null origin alone is not a refusal. A client
    that sends none of these (curl, a script) has no cross-site page to refuse."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return True
    return urlsplit(source).netloc.lower() == (request.headers.get("host") or "").lower()


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=_safe_next(next))


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    key: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "/ui/",
) -> Response:
    if not _same_origin(request):
        request.state.refused_actor = "ui-login"
        return render(
            request,
            "login.html",
            status_code=403,
            next="/ui/",
            error="Sign-in refused: the form was sent from another site.",
        )
    principal = authenticate_key(session, key.strip())
    if principal is None:
        request.state.refused_actor = "ui-login"
        return render(
            request,
            "login.html",
            status_code=401,
            next=_safe_next(next),
            error="That key is not valid, has expired or has been revoked.",
        )
    audit_log.record(
        session,
        actor=principal.prefix,
        role=principal.role.value,
        force_id=principal.force_id,
        action="ui.login",
        object_type="api_key",
        object_id=principal.prefix,
        purpose="web UI sign-in",
    )
    session.commit()
    request.state.audited = True
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, principal.key_id)
    return response


@router.post("/logout")
def logout(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Sign out: the cookie is cleared and, server-side, every UI session of this key issued
    until now stops working (a copied cookie included)."""
    check_csrf(request, csrf)
    record = session.get(ApiKey, principal.key_id)
    if record is not None:
        record.ui_signed_out_at = utcnow()
    audit_log.record(
        session,
        actor=principal.prefix,
        role=principal.role.value,
        force_id=principal.force_id,
        action="ui.logout",
        object_type="api_key",
        object_id=principal.prefix,
        purpose="web UI sign-out",
    )
    session.commit()
    request.state.audited = True
    response = RedirectResponse("/ui/login", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/")
def home(request: Request, principal: SignedIn) -> Response:
    if principal.role.value in ("admin", "analyst"):
        return RedirectResponse("/ui/queue", status_code=303)
    if principal.role.value == "force":
        return RedirectResponse("/ui/referrals", status_code=303)
    return render(request, "home.html")
