"""The FastAPI application: ``create_app()`` builds it; ``probity serve`` runs it.

Adding a route module is an import and a one-line change to ``API_ROUTERS`` (JSON API under
/api/v1) or ``UI_ROUTERS`` (server-rendered pages under /ui).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, routing
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security.utils import get_authorization_scheme_param
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import (
    LoginRequired,
    Principal,
    SessionDep,
    authenticate_key,
    get_ui_principal,
    track_writes,
)
from api.middleware import AuditMiddleware, BodySizeLimit, NoStoreAndQueryLimit
from api.routes import (
    access,
    audit,
    exports,
    flags,
    health,
    keys,
    model,
    referrals,
    registers,
    reports,
    scoreboard,
    stats,
    subjects,
)
from api.schemas.common import ErrorOut, printable
from api.security import BadToken
from api.services.stats_cache import StatsCache
from api.ui import (
    access_pages,
    auth_pages,
    model_pages,
    referral_pages,
    register_pages,
    report_pages,
    review_pages,
    stats_pages,
)
from api.ui.render import render
from probity.audit_chainer import Chainer
from probity.db import get_engine, session_factory
from probity.errors import Conflict, InvalidTransition, NotFoundError, ProbityError
from probity.settings import Settings, get_settings

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
# Each APIRouter mounted under /api/v1: one line per route module.
API_ROUTERS: list[APIRouter] = [
    health.router,
    flags.router,
    referrals.router,
    exports.router,
    keys.router,
    audit.router,
    registers.router,
    stats.router,
    reports.router,
    scoreboard.router,
    model.router,
    subjects.router,
    access.router,
]
# Server-rendered pages, mounted at the root (their routers carry the /ui prefix).
UI_ROUTERS: list[APIRouter] = [
    auth_pages.router,
    review_pages.router,
    referral_pages.router,
    register_pages.router,
    stats_pages.router,
    report_pages.router,
    model_pages.router,
    access_pages.router,
]
# Routes reachable without a credential. The route-walk test fails for any other route that
# lacks the authentication dependency. Docs are public only outside production.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", f"{API_PREFIX}/health"),
        ("GET", "/ui/login"),
        ("POST", "/ui/login"),
        ("GET", "/"),
    }
)
DOCS_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", f"{API_PREFIX}/openapi.json"),
        ("GET", "/api/docs"),
        ("GET", "/api/redoc"),
        ("GET", "/api/docs/assets/{name}"),
    }
)
# Swagger UI and ReDoc come from the fastapi-offline package, so the docs render on an air-gapped
# network; only these files are served from it.
DOCS_ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
DOCS_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
    "favicon.png": "image/png",
}
# Nothing on the docs pages may reach another host (ReDoc would fetch its logo from a CDN).
DOCS_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'"
}


# Documented on every API route, so clients (and the schema tests) know every answer's shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in (
        (400, "Bad request (for example a malformed or foreign page token)"),
        (401, "Missing, invalid, expired or revoked API key"),
        (403, "The key's role may not do this"),
        (404, "Not found (or belongs to another force: the same answer)"),
        (409, "The object's state does not allow this"),
        (413, "Request body too large"),
        (414, "Query string too long (over 8 KiB)"),
        (422, "Invalid input: unknown or malformed fields are named"),
    )
}


def iter_routes(app: FastAPI) -> Iterator[tuple[str, str, routing.RouteContext]]:
    """(method, full path, route context) for every route, through included routers."""
    for context in routing.iter_route_contexts(app.routes):
        path = context.path
        for method in sorted(context.methods or ()):
            if method != "HEAD" and path is not None:  # every route with methods has a path
                yield method, path, context


def _operation_id(route: routing.APIRoute) -> str:
    return route.name


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    # chain what this process staged, and end its chainer thread
    await run_in_threadpool(app.state.audit_chainer.stop)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="Probity API",
        version="1",
        description="Referrals of confirmed social-media instances to police forces, the review "
        "queue, exports and the audit log. Every request needs `Authorization: Bearer <key>`.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # operationId = the route function's name (list_referrals, record_outcome…): the names a
        # generated client gives its functions. The schema test checks they are unique.
        generate_unique_id_function=_operation_id,
    )
    app.state.settings = settings
    app.state.stats_cache = StatsCache(settings.stats_cache_seconds)
    engine = get_engine(settings.resolved_database_url)
    app.state.session_factory = session_factory(engine)
    track_writes(app.state.session_factory)
    # reads and refusals are staged without a lock; one chainer per deployment chains them
    # (the view budget is read from the deployment's settings as each batch is chained)
    app.state.audit_chainer = Chainer(engine)

    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    for router in UI_ROUTERS:
        app.include_router(router)
    app.mount(
        "/static", StaticFiles(directory=Path(__file__).parent / "ui" / "static"), name="static"
    )
    _add_docs(app, settings)
    _add_error_handlers(app)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/", status_code=303)

    # The size limit sits inside the audit middleware, so its 413 is audited like any answer.
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        larger=(
            (f"{API_PREFIX}/registers/[a-z]+/import", settings.max_import_bytes),
            ("/ui/registers/import", settings.max_import_bytes),
        ),
    )
    app.add_middleware(AuditMiddleware)
    app.add_middleware(NoStoreAndQueryLimit)
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
        raise HTTPException(
            401,
            "sign in or send 'Authorization: Bearer <key>' to read the API docs",
            headers={"WWW-Authenticate": "Bearer"},
        ) from None


def _add_docs(app: FastAPI, settings: Settings) -> None:
    guard = [Depends(get_docs_principal)] if settings.is_production else []

    @app.get(f"{API_PREFIX}/openapi.json", include_in_schema=False, dependencies=guard)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/api/docs", include_in_schema=False, dependencies=guard)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=f"{API_PREFIX}/openapi.json",
            title="Probity API",
            swagger_js_url="/api/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/api/docs/assets/swagger-ui.css",
            swagger_favicon_url="/api/docs/assets/favicon.png",
        )
        page.headers.update(DOCS_HEADERS)
        return page

    @app.get("/api/redoc", include_in_schema=False, dependencies=guard)
    def redoc() -> HTMLResponse:
        page = get_redoc_html(
            openapi_url=f"{API_PREFIX}/openapi.json",
            title="Probity API",
            redoc_js_url="/api/docs/assets/redoc.standalone.js",
            redoc_favicon_url="/api/docs/assets/favicon.png",
            with_google_fonts=False,
        )
        page.headers.update(DOCS_HEADERS)
        return page

    @app.get("/api/docs/assets/{name}", include_in_schema=False, dependencies=guard)
    def docs_asset(name: str) -> FileResponse:
        if name not in DOCS_ASSETS:
            raise HTTPException(404, "no such docs asset")
        return FileResponse(
            DOCS_ASSETS_DIR / name,
            media_type=DOCS_ASSETS[name],
            headers={"Cache-Control": "public, max-age=86400"},
        )


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/ui/"):
            return render(
                request,
                "error.html",
                status_code=exc.status_code,
                code=exc.status_code,
                detail=exc.detail,
            )
        return await http_exception_handler(request, exc)

    @app.exception_handler(NotFoundError)
    def _not_found(_: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(InvalidTransition)
    def _conflict(request: Request, exc: InvalidTransition) -> Response:
        current = exc.current if isinstance(exc, Conflict) else None
        if request.url.path.startswith("/ui/"):
            return render(request, "error.html", status_code=409, code=409, detail=str(exc))
        return JSONResponse({"detail": str(exc), "current": current}, status_code=409)

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
        unknown = [
            ".".join(str(p) for p in e["loc"][1:])
            for e in errors
            if e.get("type") == "extra_forbidden"
        ]
        # the errors echo the input, which may hold lone surrogates that cannot be encoded
        body: dict[str, object] = {"detail": printable(jsonable_encoder(errors))}
        if unknown:
            body["message"] = printable("unknown field(s): " + ", ".join(unknown))
        return JSONResponse(body, status_code=422)
