"""Subject rights: everything Probity holds about one person (UK GDPR art. 15), and the
rectification of an identification verdict (art. 16).

What belongs to a person is read from the schema, not listed by hand: every table with a
foreign key that leads, directly or through other tables, to ``platform_accounts`` or ``posts``
is searched (``subject_tables``), so a table added later is exported without a change here.
Two tables refer to an account without a foreign key and are searched by value
(``VALUE_KEYED``): payloads by the account's platform id, and audit events by the ids of the
person's rows. The HTML summary is in ``probity.subject_html``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, func, or_, select, update
from sqlalchemy.orm import Session

from probity import audit, audit_queue, purge
from probity.db import lock_for_write
from probity.errors import NotFoundError, ProbityError
from probity.forces import FORCE_IDS
from probity.models import (
    AuditEvent,
    Base,
    Flag,
    Platform,
    PlatformAccount,
    Post,
    RawItem,
    Referral,
    ReferralStatus,
    Role,
    VerdictRectification,
    utcnow,
)

ROOTS = ("platform_accounts", "posts")
VALUE_KEYED = ("raw_items", "audit_events")
# Audit events name the person's rows by these object types (object_id, or detail.ids on lists).
AUDIT_OBJECT_TYPES = {
    "flag": "flags",
    "referral": "referrals",
    "post": "posts",
    "platform_account": "platform_accounts",
}
AUDIT_BATCH = 2000


def subject_tables() -> dict[str, list[tuple[str, str]]]:
    """Tables keyed to an account or a post, through foreign keys: name → [(column, table)].

    In dependency order, so a table's parents come before it."""
    reached: dict[str, list[tuple[str, str]]] = {"platform_accounts": []}
    changed = True
    while changed:
        changed = False
        for table in Base.metadata.sorted_tables:
            edges = sorted(
                (fk.parent.name, fk.column.table.name)
                for fk in table.foreign_keys
                if fk.column.table.name in reached and fk.column.table.name != table.name
            )
            if edges and reached.get(table.name) != edges:
                reached[table.name] = edges
                changed = True
    order = [t.name for t in Base.metadata.sorted_tables]
    return {name: reached[name] for name in order if name in reached}


def parse_account(value: str) -> tuple[str, str]:
    """``PLATFORM:HANDLE`` → (platform, handle); a leading @ on the handle is ignored."""
    platform, sep, handle = value.partition(":")
    handle = handle.strip().lstrip("@")
    if not sep or not platform or not handle:
        raise ProbityError(
            f"account {value!r}: expected PLATFORM:HANDLE, e.g. bluesky:pc.bsky.social"
        )
    platform = platform.strip().lower()
    known = [p.value for p in Platform]
    if platform not in known:
        raise ProbityError(f"account {value!r}: unknown platform {platform!r}; one of {known}")
    return platform, handle


def find_accounts(session: Session, platform: str, handle: str) -> list[PlatformAccount]:
    accounts = list(
        session.scalars(
            select(PlatformAccount)
            .where(
                PlatformAccount.platform == platform,
                func.lower(PlatformAccount.handle) == handle.lower(),
            )
            .order_by(PlatformAccount.id)
        )
    )
    if not accounts:
        raise NotFoundError(f"no account {platform}:{handle} is held")
    return accounts


def json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def _rows(session: Session, table: Table, condition: Any) -> list[dict[str, Any]]:
    result = session.execute(select(table).where(condition).order_by(table.c.id))
    return [{k: json_value(v) for k, v in row._mapping.items()} for row in result]


@dataclass
class SubjectExport:
    platform: str
    handle: str
    generated_at: datetime
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def ids(self, table: str) -> set[int]:
        return {int(r["id"]) for r in self.tables.get(table, [])}

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items()}

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": f"{self.platform}:{self.handle}",
            "generated_at": self.generated_at.isoformat(),
            "what_this_is": (
                "Everything Probity holds about the accounts with this handle: one list of rows "
                "per table. Posts whose words were removed under the retention schedule keep "
                "only ids, hashes and times; audit events are those that name these rows."
            ),
            "counts": self.counts(),
            "tables": self.tables,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False, default=str)


def export_subject(session: Session, platform: str, handle: str) -> SubjectExport:
    """Every row about the accounts ``platform:handle`` (read only; callers audit the export)."""
    accounts = find_accounts(session, platform, handle)
    export = SubjectExport(platform, handle, utcnow())
    ids: dict[str, set[int]] = {"platform_accounts": {a.id for a in accounts}}
    for name, edges in subject_tables().items():
        table = Base.metadata.tables[name]
        if name == "platform_accounts":
            condition: Any = table.c.id.in_(sorted(ids[name]))
        else:
            wanted = [(col, sorted(ids.get(parent, set()))) for col, parent in edges]
            clauses = [table.c[col].in_(values) for col, values in wanted if values]
            if not clauses:
                export.tables[name] = []
                ids[name] = set()
                continue
            condition = or_(*clauses)
        export.tables[name] = _rows(session, table, condition)
        ids[name] = {int(r["id"]) for r in export.tables[name]}
    raw = RawItem.__table__
    keys = [(a.platform, a.platform_id) for a in accounts]
    export.tables["raw_items"] = _rows(
        session,
        raw,  # type: ignore[arg-type]
        or_(
            *(
                (RawItem.platform == p) & or_(RawItem.account_key == k, RawItem.platform_id == k)
                for p, k in keys
            )
        ),
    )
    while audit_queue.chain_pending(session):  # staged reads first: the list is complete
        pass
    export.tables["audit_events"] = list(_audit_events(session, ids))
    return export


def _audit_events(session: Session, ids: dict[str, set[int]]) -> Iterator[dict[str, Any]]:
    """Audit events whose object, or listed ids, are among the person's rows."""
    wanted = {kind: ids.get(table, set()) for kind, table in AUDIT_OBJECT_TYPES.items()}
    last = 0
    while True:
        batch = list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.id > last, AuditEvent.object_type.in_(list(wanted)))
                .order_by(AuditEvent.id)
                .limit(AUDIT_BATCH)
            )
        )
        if not batch:
            return
        for event in batch:
            last = event.id
            mine = wanted[event.object_type]
            named = {int(x) for x in event.object_id.split(",") if x.strip().isdigit()}
            listed = (event.detail or {}).get("ids") or []
            named |= {int(x) for x in listed if isinstance(x, int)}
            if named & mine:
                yield {c.name: json_value(getattr(event, c.name)) for c in AuditEvent.__table__.c}


# --- rectification -----------------------------------------------------------------------------

RECTIFIABLE = ("serving", "force_id", "role")


@dataclass
class Rectification:
    account_id: int
    changes: list[dict[str, Any]]
    purged: dict[str, int] | None  # what was removed, when the account left scope
    purge_waits_for: list[int]  # open referrals that hold the purge back
    referrals_to_review: list[int]  # open referrals already sent to the old force


def _value(account: PlatformAccount, name: str) -> str | None:
    if name == "serving":
        return (
            None if account.self_identified is None else str(bool(account.self_identified)).lower()
        )
    value = getattr(account, name)
    return None if value is None else str(json_value(value))


def rectify(
    session: Session,
    account_id: int,
    *,
    analyst: str,
    reason: str,
    serving: bool | None = None,
    force_id: str | None = None,
    role: str | None = None,
) -> Rectification:
    """Record that the verdict was wrong, and correct the account (or purge it).

    Not serving: the account leaves scope now, and everything beyond the verdict is purged at
    once, unless a referral of it is open (then the retention schedule purges it once the force
    closes the referral). Another force: the account and its undecided flags move to it; open
    referrals already with the old force are returned for the analyst to follow up. Another
    role: the role is corrected. Each corrected field is one ``verdict_rectifications`` row;
    later re-identification keeps the corrected values. Call inside the caller's transaction,
    then record the audit event (``audit_detail``) and commit."""
    if not reason.strip():
        raise ProbityError("a rectification needs a reason (what was wrong, and how you know)")
    if force_id is not None and force_id not in FORCE_IDS:
        raise ProbityError(f"force_id {force_id!r} is not a data.police.uk force id")
    if role is not None and role not in {r.value for r in Role}:
        raise ProbityError(f"role {role!r} is not one of {', '.join(r.value for r in Role)}")
    if serving is None and force_id is None and role is None:
        raise ProbityError("nothing to rectify: give serving, force_id or role")
    lock_for_write(session)
    account = session.execute(
        select(PlatformAccount)
        .where(PlatformAccount.id == account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if account is None:
        raise NotFoundError(f"account {account_id} not found")
    now = utcnow()
    wanted = {
        "serving": None if serving is None else str(serving).lower(),
        "force_id": force_id,
        "role": role,
    }
    changes: list[dict[str, Any]] = []
    for name, new in wanted.items():
        old = _value(account, name)
        if new is None or new == old:
            continue
        changes.append({"field": name, "old": old, "new": new})
        session.add(
            VerdictRectification(
                account_id=account.id,
                field=name,
                old_value=old,
                new_value=new,
                reason=reason.strip(),
                analyst=analyst[:80],
                recorded_at=now,
            )
        )
    result = Rectification(account.id, changes, None, [], [])
    if not changes:
        return result
    account.rectified_at = now
    _apply(session, account, {c["field"]: c["new"] for c in changes}, reason, now)
    open_referrals = list(
        session.scalars(
            select(Referral.id).where(
                Referral.account_id == account.id, Referral.status != ReferralStatus.closed
            )
        )
    )
    if force_id is not None:
        result.referrals_to_review = [
            r
            for r in open_referrals
            if session.get(Referral, r) is not None
            and session.get(Referral, r).force_id != force_id  # type: ignore[union-attr]
        ]
    if serving is False:
        session.flush()
        if open_referrals:
            result.purge_waits_for = open_referrals
        else:
            result.purged = purge.purge_account(session, account.id, now)
    session.flush()
    return result


def _apply(
    session: Session, account: PlatformAccount, values: dict[str, str], reason: str, now: datetime
) -> None:
    if "serving" in values:
        serving = values["serving"] == "true"
        account.self_identified = serving
        account.left_scope_at = None if serving else now
        account.left_scope_reason = None if serving else f"rectified: {reason.strip()}"[:200]
    if "role" in values:
        account.role = Role(values["role"])
        account.role_evidence = "rectified by an analyst"
    if "force_id" in values:
        account.force_id = values["force_id"]
        session.execute(
            update(Flag)
            .where(
                Flag.post_id.in_(select(Post.id).where(Post.account_id == account.id)),
                Flag.status.in_(purge.UNDECIDED),
            )
            .values(force_id=values["force_id"])
            .execution_options(synchronize_session=False)
        )


def reapply_rectifications(session: Session, account_id: int) -> None:
    """Keep an analyst's corrections after the identifier has run again on the profile."""
    latest: dict[str, VerdictRectification] = {}
    for row in session.scalars(
        select(VerdictRectification)
        .where(VerdictRectification.account_id == account_id)
        .order_by(VerdictRectification.id)
    ):
        latest[row.field] = row
    account = session.get(PlatformAccount, account_id)
    if not latest or account is None:
        return
    values: dict[str, str] = {
        name: row.new_value for name, row in latest.items() if row.new_value is not None
    }
    serving = latest.get("serving")
    if serving is not None and serving.new_value == "false":
        account.self_identified = False  # stays out of scope; when it left is not changed
        values.pop("serving")
    _apply(session, account, values, "", account.rectified_at or utcnow())
    session.flush()


def audit_rectification(session: Session, result: Rectification, **who: Any) -> None:
    """The rectification's audit event (the reason stays in verdict_rectifications)."""
    audit.record(
        session,
        action="subject.rectify",
        object_type="platform_account",
        object_id=result.account_id,
        purpose="rectification of an identification verdict (UK GDPR art. 16)",
        detail={
            "changes": result.changes,
            "purged": result.purged,
            "purge_waits_for_referrals": result.purge_waits_for,
            "referrals_to_review": result.referrals_to_review,
        },
        **who,
    )
