"""The FastAPI application: ``create_app()`` builds it; ``probity serve`` runs it.

Adding a route module is a one-line change to ``API_ROUTERS`` (JSON API under /api/v1) or
``UI_ROUTERS`` (server-rendered pages under /ui).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, routing
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security.utils import get_authorization_scheme_param
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import LoginRequired, Principal, SessionDep, authenticate_key, get_ui_principal
from api.middleware import AuditMiddleware, BodySizeLimit
from api.schemas.common import ErrorOut
from api.security import BadToken
from probity.db import get_engine, session_factory
from probity.errors import InvalidTransition, NotFoundError, ProbityError
from probity.settings import Settings, get_settings

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
# "module:attribute" of each APIRouter mounted under /api/v1 — one line per route module.
API_ROUTERS: list[str] = [
    "api.routes.health:router",
    "api.routes.flags:router",
    "api.routes.referrals:router",
    "api.routes.exports:router",
    "api.routes.keys:router",
    "api.routes.audit:router",
    "api.routes.registers:router",
    "api.routes.stats:router",
    "api.routes.reports:router",
    "api.routes.scoreboard:router",
    "api.routes.model:router",
]
# Server-rendered pages, mounted at the root (their routers carry the /ui prefix).
UI_ROUTERS: list[str] = [
    "api.ui.auth_pages:router",
    "api.ui.review_pages:router",
    "api.ui.referral_pages:router",
]
# Routes reachable without a credential. The route-walk test fails for any other route that
# lacks the authentication dependency. Docs are public only outside production.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset({
    ("GET", f"{API_PREFIX}/health"),
    ("GET", "/ui/login"),
    ("POST", "/ui/login"),
    ("GET", "/"),
})
DOCS_ROUTES: frozenset[tuple[str, str]] = frozenset({
    ("GET", f"{API_PREFIX}/openapi.json"),
    ("GET", "/api/docs"),
})


# Documented on every API route, so clients (and the schema tests) know every answer's shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text} for code, text in (
        (400, "Bad request (for example a malformed or foreign page token)"),
        (401, "Missing, invalid, expired or revoked API key"),
        (403, "The key's role may not do this"),
        (404, "Not found (or belongs to another force: the same answer)"),
        (409, "The object's state does not allow this"),
        (413, "Request body too large"),
        (422, "Invalid input: unknown or malformed fields are named"),
    )
}


def _load(spec: str) -> APIRouter:
    module, attribute = spec.split(":")
    return getattr(importlib.import_module(module), attribute)


def iter_routes(app: FastAPI) -> Iterator[tuple[str, str, Any]]:
    """(method, full path, route context) for every route, through included routers."""
    for context in routing.iter_route_contexts(app.routes):
        for method in sorted(context.methods or ()):
            if method != "HEAD":
                yield method, str(context.path), context


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Probity API",
        version="1",
        description="Referrals of confirmed social-media instances to police forces, the review "
                    "queue, exports and the audit log. Every request needs `Authorization: Bearer <key>`.",
        docs_url=None, redoc_url=None, openapi_url=None,
    )
    app.state.settings = settings
    app.state.session_factory = session_factory(get_engine(settings.resolved_database_url))

    for spec in API_ROUTERS:
        app.include_router(_load(spec), prefix=API_PREFIX, responses=ERROR_RESPONSES)
    for spec in UI_ROUTERS:
        app.include_router(_load(spec))
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "ui" / "static"), name="static")
    _add_docs(app, settings)
    _add_error_handlers(app)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/", status_code=303)

    # The size limit sits inside the audit middleware: BaseHTTPMiddleware runs ``receive`` in a
    # task group, which would wrap the limit's 413 and turn it into a generic 400.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes,
                       larger=((f"{API_PREFIX}/registers/[a-z]+/import", settings.max_import_bytes),))
    app.add_middleware(AuditMiddleware)
    return app


def get_docs_principal(request: Request, session: SessionDep) -> Principal:
    """Docs in production: the UI session cookie (a browser) or a bearer key (a client)."""
    scheme, key = get_authorization_scheme_param(request.headers.get("Authorization"))
    if scheme.lower() == "bearer" and key:
        principal = authenticate_key(session, key)
        if principal is not None:
            request.state.principal = principal
            return principal
    try:
        return get_ui_principal(request, session)
    except LoginRequired:
        raise HTTPException(401, "sign in or send 'Authorization: Bearer <key>' to read the API docs",
                            headers={"WWW-Authenticate": "Bearer"}) from None


def _add_docs(app: FastAPI, settings: Settings) -> None:
    guard = [Depends(get_docs_principal)] if settings.is_production else []

    @app.get(f"{API_PREFIX}/openapi.json", include_in_schema=False, dependencies=guard)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/api/docs", include_in_schema=False, dependencies=guard)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=f"{API_PREFIX}/openapi.json", title="Probity API")


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/ui/"):
            from api.ui.render import render

            return render(request, "error.html", status_code=exc.status_code, code=exc.status_code, detail=exc.detail)
        return await http_exception_handler(request, exc)

    @app.exception_handler(NotFoundError)
    def _not_found(_: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(InvalidTransition)
    def _conflict(_: Request, exc: InvalidTransition) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(BadToken)
    def _bad_token(_: Request, exc: BadToken) -> JSONResponse:
        return JSONResponse({"detail": f"bad page token: {exc}"}, status_code=400)

    @app.exception_handler(ProbityError)
    def _probity(_: Request, exc: ProbityError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(LoginRequired)
    def _login(request: Request, _: LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/ui/login?next={request.url.path}", status_code=303)

    @app.exception_handler(RequestValidationError)
    def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        unknown = [".".join(str(p) for p in e["loc"][1:]) for e in errors if e.get("type") == "extra_forbidden"]
        body: dict[str, object] = {"detail": jsonable_encoder(errors)}
        if unknown:
            body["message"] = "unknown field(s): " + ", ".join(unknown)
        return JSONResponse(body, status_code=422)
