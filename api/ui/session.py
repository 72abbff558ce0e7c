"""The web UI's session: a signed, HttpOnly, SameSite=Strict cookie holding the key's id (never
the key), an expiry and a CSRF token that every form echoes back."""

from __future__ import annotations

import secrets
import time

from fastapi import HTTPException, Request, status
from starlette.responses import Response

from api.security import BadToken, sign, unsign

COOKIE = "probity_session"
PURPOSE = "ui-session"


def _secret(request: Request) -> str:
    return request.app.state.settings.secret_key.get_secret_value()


def set_session_cookie(request: Request, response: Response, key_id: int) -> None:
    settings = request.app.state.settings
    lifetime = settings.ui_session_hours * 3600
    token = sign(
        _secret(request),
        PURPOSE,
        {
            "k": key_id,
            "exp": int(time.time()) + lifetime,
            "iat": time.time_ns() // 1000,
            "csrf": secrets.token_urlsafe(16),
        },
    )
    response.set_cookie(
        COOKIE,
        token,
        max_age=lifetime,
        httponly=True,
        samesite="strict",
        secure=settings.is_production,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


def _payload(request: Request) -> dict | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        payload = unsign(_secret(request), PURPOSE, token)
    except BadToken:
        return None
    if not isinstance(payload.get("k"), int) or not isinstance(payload.get("exp"), int):
        return None
    return payload if payload["exp"] > time.time() else None


def read_session_cookie(request: Request) -> tuple[int, int] | None:
    """(key id, issued at in microseconds since the epoch) of a valid, unexpired cookie."""
    payload = _payload(request)
    if not payload or not isinstance(payload.get("iat"), int):
        return None
    return payload["k"], payload["iat"]


def csrf_token(request: Request) -> str:
    payload = _payload(request)
    return str(payload.get("csrf", "")) if payload else ""


def check_csrf(request: Request, submitted: str) -> None:
    expected = csrf_token(request)
    if not expected or not secrets.compare_digest(expected, submitted or ""):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail="missing or wrong CSRF token; reload the page"
        )
