"""Signed, opaque tokens (page tokens, the UI session cookie) and keyed pseudonyms.

A token is ``base64url(json) "." base64url(HMAC-SHA256(secret, purpose + json))``. The purpose
is part of the MAC, so a page token can never be replayed as a session cookie or vice versa.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


class BadToken(ValueError):
    """A token that is malformed, forged, or issued for another purpose."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise BadToken("not base64url") from exc


def _mac(secret: str, purpose: str, body: bytes) -> bytes:
    return hmac.new(secret.encode(), purpose.encode() + b"\x00" + body, hashlib.sha256).digest()


def sign(secret: str, purpose: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return f"{_b64(body)}.{_b64(_mac(secret, purpose, body))}"


def unsign(secret: str, purpose: str, token: str) -> dict[str, Any]:
    if not isinstance(token, str) or token.count(".") != 1 or len(token) > 2048:
        raise BadToken("malformed token")
    body_part, mac_part = token.split(".")
    body = _unb64(body_part)
    if not hmac.compare_digest(_unb64(mac_part), _mac(secret, purpose, body)):
        raise BadToken("token signature does not verify")
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise BadToken("token body is not JSON") from exc
    if not isinstance(payload, dict):
        raise BadToken("token body is not an object")
    return payload


def pseudonym(secret: str, namespace: str, value: str) -> str:
    """A stable keyed pseudonym: the same input always maps to the same value; not reversible
    without the secret (so researchers can group by account without learning who it is)."""
    digest = hmac.new(secret.encode(), f"{namespace}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{namespace[:3]}_{digest[:20]}"
