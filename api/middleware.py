"""Request-level guards: the body and query-string limits, ``Cache-Control: no-store`` on every
API answer and page, and the one-audit-event-per-request rule."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import Principal
from probity import audit_queue


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413, by Content-Length or while streaming.

    ``larger`` gives other limits to paths matching a pattern (file uploads, which stream to disk).
    """

    def __init__(self, app: ASGIApp, max_bytes: int, larger: tuple[tuple[str, int], ...] = ()):
        self.app = app
        self.default_max_bytes = max_bytes
        self.larger = [(re.compile(pattern), limit) for pattern, limit in larger]

    def _limit(self, path: str) -> int:
        return next(
            (limit for pattern, limit in self.larger if pattern.fullmatch(path)),
            self.default_max_bytes,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self._limit(scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > max_bytes):
            await self._refuse(send, max_bytes)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise _TooLarge(max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send, max_bytes)

    async def _refuse(self, send: Send, max_bytes: int) -> None:
        body = json.dumps({"detail": f"request body larger than {max_bytes} bytes"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


MAX_QUERY_BYTES = 8192  # far above any filter form; ``probity serve`` lets uvicorn read up to 1 MiB


class NoStoreAndQueryLimit:
    """Every /api and /ui answer carries ``Cache-Control: no-store`` (they hold personal data,
    and reports are HTML too); a query string over ``MAX_QUERY_BYTES`` is a clear 414."""

    def __init__(self, app: ASGIApp, max_query_bytes: int = MAX_QUERY_BYTES):
        self.app = app
        self.max_query_bytes = max_query_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > self.max_query_bytes:
            body = json.dumps(
                {"detail": f"query string longer than {self.max_query_bytes} bytes"}
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 414,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"cache-control", b"no-store"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"
                ]
                message = {**message, "headers": [*headers, (b"cache-control", b"no-store")]}
            await send(message)

        await self.app(scope, receive, no_store)


class _TooLarge(HTTPException):
    # An HTTPException, so body parsing re-raises it as a 413 instead of a generic 400.
    def __init__(self, max_bytes: int):
        super().__init__(413, detail=f"request body larger than {max_bytes} bytes")


class AuditMiddleware:
    """Every authenticated request and every refused one leaves exactly one audit event.

    Routes that read personal data, decide or export record their own, specific event (in their
    transaction). For the rest this middleware records ``key.use`` (an authenticated request) or
    ``request.refused`` (401/403), in a transaction of its own, when the answer starts and before
    it is sent. A request that fails with an unhandled error (a 500) records ``request.error``
    whether or not the route had recorded anything: the route's own event was rolled back with
    its transaction.

    A plain ASGI middleware (not ``BaseHTTPMiddleware``, whose task group and memory streams
    cost every request about a millisecond of CPU): it sees the status in the answer's first
    message and holds that message until the event is written.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        started = False

        async def audited_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start" and not started:
                started = True
                await self._before_answer(request, int(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, audited_send)
        except Exception:
            if not started:  # an error inside a streamed answer was audited when it started
                await run_in_threadpool(self._write_error, request)
            raise

    async def _before_answer(self, request: Request, status_code: int) -> None:
        state = request.state
        if status_code >= 500:
            await run_in_threadpool(self._write_error, request, status_code)
            return
        if getattr(state, "audited", False):
            return
        principal = getattr(state, "principal", None)
        refused = status_code in (401, 403)
        if principal is None and getattr(state, "refused_actor", None) is None:
            return  # anonymous public route (health, sign-in page): nothing to log
        await run_in_threadpool(self._write, request, principal, refused, status_code)

    @staticmethod
    def _release_session(request: Request) -> None:
        # the request is answered: its session gives back its pooled connection before this
        # event takes another
        session = getattr(request.state, "db_session", None)
        if session is not None:
            session.close()

    def _write_error(self, request: Request, status_code: int = 500) -> None:
        self._release_session(request)
        principal = getattr(request.state, "principal", None)
        actor = (
            principal.prefix
            if principal
            else getattr(request.state, "refused_actor", None) or "anonymous"
        )
        _stage(
            request,
            actor=actor,
            role=principal.role.value if principal else "none",
            force_id=principal.force_id if principal else None,
            action="request.error",
            object_type="route",
            object_id=request.url.path,
            purpose=request.headers.get("X-Probity-Purpose", "")[:500],
            detail={"method": request.method, "path": request.url.path, "status": status_code},
        )

    def _write(
        self, request: Request, principal: Principal | None, refused: bool, status_code: int
    ) -> None:
        self._release_session(request)
        detail = {"method": request.method, "path": request.url.path, "status": status_code}
        _stage(
            request,
            actor=principal.prefix if principal else request.state.refused_actor,
            role=principal.role.value if principal else "none",
            force_id=principal.force_id if principal else None,
            action="request.refused" if refused or principal is None else "key.use",
            object_type="route",
            object_id=request.url.path,
            purpose=request.headers.get("X-Probity-Purpose", "")[:500],
            detail=detail,
        )


def _stage(request: Request, **fields: Any) -> None:
    """Stage the request's event in a short transaction of its own (no lock); wake the chainer."""
    with request.app.state.session_factory() as session:
        audit_queue.stage(session, **fields)
        session.commit()
    request.app.state.audit_chainer.wake()
