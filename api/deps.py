"""Dependencies every route uses: the database session, the authenticated principal, role checks,
force scoping and the audit helper.

The force a caller may see comes only from their credential (``Principal.force_id``), never
from the URL or the body. Objects of another force answer 404 exactly as missing ones do.

Usage in a route module::

    router = APIRouter(prefix="/registers", tags=["registers"])

    @router.get("/gifts")
    def list_gifts(session: SessionDep, principal: Annotated[Principal, Depends(require(ADMIN, ANALYST, FORCE))],
                   audit: AuditDep):
        stmt = scope_to_force(select(GiftHospitality), GiftHospitality.force_id, principal)
        rows = session.scalars(stmt).all()
        audit.record("registers.gifts.list", object_type="gifts_hospitality")
        session.commit()
        ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Path, Request, Security, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Select, TextClause, event
from sqlalchemy.orm import InstrumentedAttribute, ORMExecuteState, Session, sessionmaker

from api.ui.session import read_session_cookie
from probity import audit as audit_log
from probity import audit_queue, keys, oversight
from probity.models import ApiKey, KeyRole, utcnow
from probity.referrals import ReferralEvent
from probity.review import Actor, ReviewEvent
from probity.settings import Settings

T = TypeVar("T")

ADMIN, ANALYST, FORCE, RESEARCHER = (
    KeyRole.admin,
    KeyRole.analyst,
    KeyRole.force,
    KeyRole.researcher,
)
ALL_ROLES = (ADMIN, ANALYST, FORCE, RESEARCHER)

LAST_USED_RESOLUTION = timedelta(minutes=1)
_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer pb_…`")


# --- settings and database ---------------------------------------------------------------


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


_WROTE = "probity_wrote"


def track_writes(factory: sessionmaker[Session]) -> None:
    """Mark a session's transaction once it has written (or locked rows to write), so the audit
    knows whether an event must join that transaction (a change) or may be appended on its own
    (a read). The mark ends with the transaction."""

    @event.listens_for(factory, "after_flush")
    def _flushed(session: Session, _context: Any) -> None:
        session.info[_WROTE] = True

    @event.listens_for(factory, "do_orm_execute")
    def _executed(state: ORMExecuteState) -> None:
        statement: Any = state.statement
        if (
            state.is_insert
            or state.is_update
            or state.is_delete
            or isinstance(statement, TextClause)  # textual SQL may write: assume it does
            or getattr(statement, "_for_update_arg", None) is not None
        ):
            state.session.info[_WROTE] = True

    @event.listens_for(factory, "after_commit")
    @event.listens_for(factory, "after_rollback")
    def _ended(session: Session) -> None:
        session.info.pop(_WROTE, None)


def has_writes(session: Session) -> bool:
    """The session's transaction has changed (or locked) something, or is about to."""
    return bool(session.new or session.dirty or session.deleted or session.info.get(_WROTE))


def get_session(request: Request) -> Iterator[Session]:
    """One session per request. Routes commit explicitly; anything uncommitted is rolled back."""
    with request.app.state.session_factory() as session:
        # the audit middleware closes it (releasing its connection) before waiting to append
        request.state.db_session = session
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


# --- who is calling -----------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    key_id: int
    prefix: str
    role: KeyRole
    force_id: str | None  # None: national (admin, researcher, national analyst)
    name: str = ""

    @property
    def national(self) -> bool:
        return self.force_id is None

    def sees_force(self, force_id: str | None) -> bool:
        return self.force_id is None or self.force_id == force_id

    @property
    def actor(self) -> Actor:
        """The same caller as the review domain sees it (plain values, no HTTP)."""
        return Actor(self.prefix, self.role.value, self.force_id)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


def principal_for_key_id(session: Session, key_id: int, issued_us: int) -> Principal | None:
    """The live key with this id as a principal (the UI cookie carries the id, not the key),
    unless the key signed out of the UI after the cookie was issued."""
    record = session.get(ApiKey, key_id)
    if record is None or not keys.is_live(record):
        return None
    signed_out = record.ui_signed_out_at
    if signed_out is not None:
        signed_out = signed_out if signed_out.tzinfo else signed_out.replace(tzinfo=UTC)
        if issued_us <= int(signed_out.timestamp() * 1_000_000):
            return None
    return Principal(record.id, record.prefix, record.role, record.force_id, record.name)


def authenticate_key(session: Session, key: str) -> Principal | None:
    record = keys.authenticate(session, key)
    if record is None:
        return None
    now = utcnow()
    last = record.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    # A write per request would queue every reader behind the database's write lock (SQLite):
    # "last used" to the minute is enough to spot a dormant key.
    if last is None or now - last >= LAST_USED_RESOLUTION:
        record.last_used_at = now
        session.commit()
    return Principal(record.id, record.prefix, record.role, record.force_id, record.name)


def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Principal:
    """The API's authentication dependency: ``Authorization: Bearer <key>`` or 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        request.state.refused_actor = "anonymous"
        raise _unauthorized("missing API key: send 'Authorization: Bearer <key>'")
    principal = authenticate_key(session, credentials.credentials)
    if principal is None:
        request.state.refused_actor = _claimed_prefix(credentials.credentials)
        raise _unauthorized("invalid, expired or revoked API key")
    request.state.principal = principal
    return principal


def _claimed_prefix(key: str) -> str:
    try:
        return "bad:" + keys.key_prefix(key)
    except ValueError:
        return "bad:malformed"


PrincipalDep = Annotated[Principal, Depends(get_principal)]


class LoginRequired(Exception):
    """Raised by the UI's authentication dependency; answered with a redirect to sign-in."""


def get_ui_principal(request: Request, session: SessionDep) -> Principal:
    """The web UI's authentication dependency: the signed session cookie, or a redirect."""
    cookie = read_session_cookie(request)
    principal = principal_for_key_id(session, *cookie) if cookie is not None else None
    if principal is None:
        request.state.refused_actor = "anonymous"
        raise LoginRequired()
    request.state.principal = principal
    return principal


UIPrincipalDep = Annotated[Principal, Depends(get_ui_principal)]

# The route-walk test requires one of these in every route's dependency tree (except the
# explicitly public routes listed in api.main.PUBLIC_ROUTES).
AUTH_DEPENDENCIES: tuple[Callable[..., Any], ...] = (get_principal, get_ui_principal)


def _role_checker(
    auth: Callable[..., Principal], roles: tuple[KeyRole, ...]
) -> Callable[..., Principal]:
    # A default-value Depends: the auth function is a closure variable, which a string
    # annotation (from __future__ import annotations) could not resolve.
    def check(principal: Principal = Depends(auth)) -> Principal:
        if principal.role not in roles:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"the '{principal.role.value}' role may not do this",
            )
        return principal

    check.__name__ = f"require_{'_'.join(r.value for r in roles)}"
    return check


def require(*roles: KeyRole) -> Callable[..., Principal]:
    """API dependency: an authenticated principal with one of ``roles``, else 403."""
    return _role_checker(get_principal, roles)


def require_ui(*roles: KeyRole) -> Callable[..., Principal]:
    """UI dependency: a signed-in principal with one of ``roles``, else 403."""
    return _role_checker(get_ui_principal, roles)


# Primary keys in paths: positive and within a 32-bit INTEGER column (larger is a 422, not a 500).
ObjectId = Annotated[int, Path(ge=1, le=2**31 - 1)]


# --- force scoping ------------------------------------------------------------------------


def scope_to_force(
    stmt: Select[Any], force_column: InstrumentedAttribute[Any], principal: Principal
) -> Select[Any]:
    """Restrict a query to the principal's force (no-op for national principals)."""
    if principal.force_id is None:
        return stmt
    return stmt.where(force_column == principal.force_id)


def not_found(what: str = "object") -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"{what} not found")


def get_in_scope(
    session: Session,
    model: type[T],
    object_id: int,
    principal: Principal,
    force_attr: str = "force_id",
) -> T:
    """Fetch by primary key; another force's object is a 404, indistinguishable from missing."""
    obj = session.get(model, object_id)
    if obj is None or not principal.sees_force(getattr(obj, force_attr)):
        raise not_found(getattr(model, "__tablename__", "object").rstrip("s"))
    return obj


# --- audit --------------------------------------------------------------------------------

PURPOSE_HEADER = "X-Probity-Purpose"


class Auditor:
    """Writes audit events for the current request, in the request's session.

    A change's event is appended to the chain and committed with the route's own changes; a
    read's is staged (``probity.audit_queue``) and committed at once, with no lock. Requests
    that record nothing (key use without a personal-data read, refused requests) get one event
    from the audit middleware instead, so each request leaves exactly one event.
    """

    def __init__(self, request: Request, session: Session):
        self.request = request
        self.session = session

    def record(
        self,
        action: str,
        *,
        object_type: str = "",
        object_id: str | int = "",
        detail: dict[str, Any] | None = None,
        purpose: str = "",
        principal: Principal | None = None,
    ) -> None:
        principal = principal or getattr(self.request.state, "principal", None)
        if principal is None:
            raise RuntimeError("audit.record called before authentication")
        purpose = purpose or self.request.headers.get(PURPOSE_HEADER, "")[:500]
        fields: dict[str, Any] = {
            "actor": principal.prefix,
            "role": principal.role.value,
            "force_id": principal.force_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "purpose": purpose or _default_purpose(action),
            "detail": detail,
        }
        chainer = getattr(self.request.app.state, "audit_chainer", None)
        counted = (
            action in oversight.VIEW_ACTIONS and principal.role.value in oversight.COUNTED_ROLES
        )
        if chainer is None or has_writes(self.session):
            # a change: its event commits with it, or neither does (and it is counted here)
            audit_log.record(self.session, **fields)
            if counted:
                oversight.count_view(
                    self.session,
                    actor=principal.prefix,
                    role=principal.role.value,
                    force_id=principal.force_id,
                    budget=self.request.app.state.settings.daily_view_budget,
                    now=utcnow(),
                )
        else:
            # a read: staged with no lock and committed now (the page was built before this
            # point); the chainer chains it, and counts the opening, shortly after
            audit_queue.stage(self.session, **fields)
            self.session.commit()
            chainer.wake()
        self.request.state.audited = True

    def record_list(self, action: str, object_type: str, ids: list[int], **detail: Any) -> None:
        """One event for a page of objects: every id shown (``detail.ids``), their count and a
        hash of the full list; ``object_id`` keeps only a readable start of it."""
        self.record(
            action,
            object_type=object_type,
            object_id=",".join(map(str, ids))[:200],
            detail={**audit_log.list_detail(ids), **detail},
        )

    def record_event(self, event: ReviewEvent | ReferralEvent, **extra: Any) -> None:
        """The audit event for a state change the review domain returned."""
        object_type, object_id = (
            ("flag", event.flag_id)
            if isinstance(event, ReviewEvent)
            else ("referral", event.referral_id)
        )
        detail = {**event.detail, **extra}
        self.record(
            event.action, object_type=object_type, object_id=object_id, detail=detail or None
        )


def _default_purpose(action: str) -> str:
    area = action.split(".", 1)[0]
    return {
        "flags": "review of classifier flags",
        "referrals": "referral to the force's professional standards department",
        "exports": "pseudonymised export for classifier retraining",
        "audit": "audit of access to personal data",
        "keys": "credential administration",
        "alerts": "oversight of analysts' access to personal data",
    }.get(area, "professional standards integrity checks")


def get_auditor(request: Request, session: SessionDep) -> Auditor:
    return Auditor(request, session)


AuditDep = Annotated[Auditor, Depends(get_auditor)]


def parse_time(value: datetime | None) -> datetime | None:
    """Query datetimes without a zone are taken as UTC (the database stores aware UTC only).

    Query models can use ``api.schemas.common.Timestamp`` instead, which also bounds the range."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
