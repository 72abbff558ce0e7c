"""The figures of an HMIC force report, computed from the database for one force or nationally.

Published outputs use small-cell suppression: counts from 1 to 4 are shown as "<5", because
small counts about a named force can identify individuals. Internal use sees exact counts, except
for special-category (``government``-only) instances, which are suppressed everywhere.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypedDict, TypeVarTuple, cast

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import QueryableAttribute, Session

from probity.labels import LABELS
from probity.models import (
    BusinessInterest,
    Flag,
    GiftHospitality,
    GiftKind,
    Investigation,
    InvestigationStatus,
    InvestigationType,
    PlatformAccount,
    Post,
    Referral,
    ReferralItem,
    Role,
)
from probity.special_category import SPECIAL_CATEGORY_LABELS

SUPPRESSED = "<5"
STATUS_GROUPS = {  # the outcome groups HMIC reports; "left the service" has three kinds
    InvestigationStatus.continuing: "continuing",
    InvestigationStatus.referred_external: "referred_external",
    InvestigationStatus.no_further_action: "no_further_action",
    InvestigationStatus.management_action: "management_action",
    InvestigationStatus.left_dismissed: "left_service",
    InvestigationStatus.left_resigned: "left_service",
    InvestigationStatus.left_retired: "left_service",
}
STATUS_KEYS = (
    "continuing",
    "referred_external",
    "no_further_action",
    "management_action",
    "left_service",
)


@dataclass(frozen=True)
class StatsScope:
    force_id: str | None = None  # None: national
    date_from: date | None = None
    date_to: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "force": self.force_id or "national",
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }


Row = TypeVarTuple("Row")


class _DisclosureCounts(TypedDict):
    total: int
    by_scope: dict[str, int]
    by_status: dict[str, int]
    suspended: int


def _where(
    stmt: Select[*Row],
    scope: StatsScope,
    force_col: QueryableAttribute[Any],
    date_col: QueryableAttribute[Any],
    *,
    is_datetime: bool = False,
) -> Select[*Row]:
    if scope.force_id is not None:
        stmt = stmt.where(force_col == scope.force_id)
    if scope.date_from is not None:
        lower: Any = (
            datetime.combine(scope.date_from, time.min, tzinfo=UTC)
            if is_datetime
            else scope.date_from
        )
        stmt = stmt.where(date_col >= lower)
    if scope.date_to is not None:
        if is_datetime:
            stmt = stmt.where(
                date_col < datetime.combine(scope.date_to + timedelta(days=1), time.min, tzinfo=UTC)
            )
        else:
            stmt = stmt.where(date_col <= scope.date_to)
    return stmt


def _counts(session: Session, stmt: Select[Any, int]) -> dict[Any, int]:
    return {key: int(n) for key, n in session.execute(stmt)}


def _value(key: Any) -> Any:
    return getattr(key, "value", key)


def investigation_stats(session: Session, scope: StatsScope) -> dict[str, Any]:
    I = Investigation
    rows = session.execute(
        _where(
            select(
                I.type, I.recipient, I.media_scope, I.status, I.suspended, func.count()
            ).group_by(I.type, I.recipient, I.media_scope, I.status, I.suspended),
            scope,
            I.force_id,
            I.opened_on,
        )
    )
    by_type: dict[str, int] = {t.value: 0 for t in InvestigationType}
    by_status = dict.fromkeys(STATUS_KEYS, 0)
    by_type_status: dict[str, dict[str, int]] = {
        t.value: dict.fromkeys(STATUS_KEYS, 0) for t in InvestigationType
    }
    left_kinds = {"dismissed": 0, "resigned": 0, "retired": 0}
    recipients: dict[str, int] = {
        "criminals": 0,
        "friends_family": 0,
        "personal_use": 0,
        "media": 0,
        "other": 0,
    }
    media: _DisclosureCounts = {
        "total": 0,
        "by_scope": {"local": 0, "national": 0},
        "by_status": dict.fromkeys(STATUS_KEYS, 0),
        "suspended": 0,
    }
    relationship: _DisclosureCounts = {
        "total": 0,
        "by_scope": {"local": 0, "national": 0},
        "by_status": dict.fromkeys(STATUS_KEYS, 0),
        "suspended": 0,
    }
    suspended = 0
    for type_, recipient, media_scope, status, is_suspended, n in rows:
        group = STATUS_GROUPS[status]
        by_type[type_.value] += n
        by_status[group] += n
        by_type_status[type_.value][group] += n
        if group == "left_service":
            left_kinds[status.value.removeprefix("left_")] += n
        suspended += n if is_suspended else 0
        target: _DisclosureCounts | None = None
        if type_ is InvestigationType.information_disclosure and recipient is not None:
            recipients[recipient.value] += n
            target = media if recipient.value == "media" else None
        elif type_ is InvestigationType.media_relationship:
            target = relationship
        if target is not None:
            target["total"] += n
            target["by_status"][group] += n
            target["suspended"] += n if is_suspended else 0
            if media_scope is not None:
                target["by_scope"][media_scope.value] += n
    disclosure = by_type_status[InvestigationType.information_disclosure.value]
    return {
        "total": sum(by_type.values()),
        "by_type": by_type,
        "by_status": by_status,
        "left_service_by_kind": left_kinds,
        "suspended": suspended,
        "by_type_and_status": by_type_status,
        "information_disclosure": {
            "total": by_type["information_disclosure"],
            "by_recipient": recipients,
            "by_status": disclosure,
        },
        "media_disclosure": media,
        "media_relationship": relationship,
    }


def register_stats(session: Session, scope: StatsScope) -> dict[str, Any]:
    G = GiftHospitality
    rows = session.execute(
        _where(
            select(G.kind, G.accepted, func.count()).group_by(G.kind, G.accepted),
            scope,
            G.force_id,
            G.entry_date,
        )
    )
    counts = {(kind, bool(accepted)): int(n) for kind, accepted, n in rows}

    def c(kind: GiftKind | None, accepted: bool | None) -> int:
        return sum(
            n
            for (k, a), n in counts.items()
            if (kind is None or k is kind) and (accepted is None or a is accepted)
        )

    declining_forces = session.scalar(
        _where(
            select(func.count(distinct(G.force_id))).where(G.accepted.is_(False)),
            scope,
            G.force_id,
            G.entry_date,
        )
    )
    chief = session.scalar(
        _where(
            select(func.count()).where(G.chief_officer.is_(True)), scope, G.force_id, G.entry_date
        )
    )
    return {
        "total": c(None, None),
        "gratuities": c(GiftKind.gratuity, None),
        "hospitality": c(GiftKind.hospitality, None),
        "accepted": c(None, True),
        "declined": c(None, False),
        "gratuities_declined": c(GiftKind.gratuity, False),
        "hospitality_declined": c(GiftKind.hospitality, False),
        "forces_with_declines": int(declining_forces or 0),
        "chief_officer_entries": int(chief or 0),
    }


def business_interest_stats(session: Session, scope: StatsScope) -> dict[str, Any]:
    B = BusinessInterest
    by_status = {
        k.value: n
        for k, n in _counts(
            session,
            _where(
                select(B.status, func.count()).group_by(B.status), scope, B.force_id, B.applied_on
            ),
        ).items()
    }
    by_category = {
        k.value: n
        for k, n in _counts(
            session,
            _where(
                select(B.category, func.count()).group_by(B.category),
                scope,
                B.force_id,
                B.applied_on,
            ),
        ).items()
    }
    statuses = ("approved", "approved_with_conditions", "refused", "withdrawn", "pending")
    by_status = {s: by_status.get(s, 0) for s in statuses}
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "approved_total": by_status["approved"] + by_status["approved_with_conditions"],
        "by_category": by_category,
    }


def social_media_stats(session: Session, scope: StatsScope) -> dict[str, Any]:
    A = PlatformAccount
    # role (issue #17): officers, specials, PCSOs, staff and volunteers are counted apart
    by_role = cast(
        "Select[Any]",
        select(A.role, func.count()).where(A.self_identified.is_(True)).group_by(A.role),
    )
    role_rows = _where(by_role, scope, A.force_id, A.first_seen, is_datetime=True)
    profiles_by_role = dict.fromkeys([*(r.value for r in Role), "unknown"], 0)
    for row in session.execute(role_rows):
        profiles_by_role[_value(row[0]) if row[0] is not None else "unknown"] += int(row[1])
    # every profile has one role (or none: "unknown"), so the roles add up to the profiles: one
    # scan of the accounts instead of two
    profiles = sum(profiles_by_role.values())
    # Referred instances, aggregated in SQL: one row per (labels, platform, role) combination
    # (a few dozen), whatever the number of instances. Label sets are grouped whole (JSON text
    # on SQLite, jsonb on PostgreSQL) and split into labels here.
    instances_by_role = dict.fromkeys(profiles_by_role, 0)
    by_category: dict[str, int] = dict.fromkeys(LABELS, 0)
    by_platform: dict[str, int] = {}
    instances = 0
    for labels, platform, role, n in session.execute(
        _referred(
            select(ReferralItem.labels, A.platform, A.role, func.count()).group_by(
                ReferralItem.labels, A.platform, A.role
            ),
            scope,
        )
    ):
        instances += n
        instances_by_role[_value(role) if role is not None else "unknown"] += n
        by_platform[_value(platform)] = by_platform.get(_value(platform), 0) + n
        for label in labels:
            by_category[label] = by_category.get(label, 0) + n
    profiles_with_instances = session.scalar(_referred_accounts(scope))
    R = Referral
    outcomes = _counts(
        session,
        _where(
            select(R.outcome, func.count()).group_by(R.outcome),
            scope,
            R.force_id,
            R.created_at,
            is_datetime=True,
        ),
    )
    return {
        "profiles": int(profiles),
        "instances": instances,
        "profiles_with_instances": int(profiles_with_instances or 0),
        "by_category": by_category,
        "by_platform": dict(sorted(by_platform.items())),
        "profiles_by_role": profiles_by_role,
        "instances_by_role": instances_by_role,
        "instances_referred": instances,
        "referrals": sum(outcomes.values()),
        "referral_outcomes": {
            (_value(k) if k is not None else "not_recorded"): n for k, n in outcomes.items()
        },
    }


def _referred_accounts(scope: StatsScope) -> Select[Any]:
    """Distinct accounts with a referred instance. Without a date range: the accounts of the
    referrals that hold an item (a semi-join over the referrals, not a join of every item with
    its referral and account: the same set, about half the work)."""
    if scope.date_from is not None or scope.date_to is not None:
        return _referred(select(func.count(distinct(Referral.account_id))), scope)
    stmt = select(func.count(distinct(Referral.account_id))).where(
        select(ReferralItem.id).where(ReferralItem.referral_id == Referral.id).exists()
    )
    if scope.force_id is not None:
        stmt = stmt.where(Referral.force_id == scope.force_id)
    return stmt


def _referred(stmt: Select[*Row], scope: StatsScope) -> Select[*Row]:
    """``stmt`` over referred instances: each referral item with its referral and account.

    A referral is one account's, in its flags' force, so the platform, the role and the force
    come from the referral and its account; the posts (a million rows nationally) are joined
    only when a date range asks for their dates."""
    A = PlatformAccount
    joined = (
        stmt.select_from(ReferralItem)
        .join(Referral, Referral.id == ReferralItem.referral_id)
        .join(A, A.id == Referral.account_id)
    )
    if scope.force_id is not None:
        joined = joined.where(Referral.force_id == scope.force_id)
    if scope.date_from is None and scope.date_to is None:
        return joined
    dated = joined.join(Flag, Flag.id == ReferralItem.flag_id).join(Post, Post.id == Flag.post_id)
    return _where(
        dated,
        StatsScope(None, scope.date_from, scope.date_to),
        Flag.force_id,
        Post.created_at,
        is_datetime=True,
    )


def compute_stats(
    session: Session, scope: StatsScope, *, published: bool = False
) -> dict[str, Any]:
    stats = {
        "scope": scope.as_dict(),
        "investigations": investigation_stats(session, scope),
        "gifts_hospitality": register_stats(session, scope),
        "business_interests": business_interest_stats(session, scope),
        "social_media": social_media_stats(session, scope),
        "suppressed": published,
    }
    return suppress(stats) if published else suppress_special_category(stats)


def suppress_special_category(stats: dict[str, Any]) -> dict[str, Any]:
    """Counts of special-category instances (political opinion, UK GDPR art. 9) are suppressed
    in every output, internal ones too: a small count about one force can point at a colleague."""
    categories = stats["social_media"]["by_category"]
    for label in SPECIAL_CATEGORY_LABELS & categories.keys():
        categories[label] = suppress(categories[label])
    return stats


def suppress(value: Any) -> Any:
    """Replace every count from 1 to 4 by "<5" (published outputs only)."""
    if isinstance(value, dict):
        return {k: (v if k in ("scope", "suppressed") else suppress(v)) for k, v in value.items()}
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and 1 <= value <= 4:
        return SUPPRESSED
    return value


def flatten(stats: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in stats.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            yield from flatten(value, name)
        else:
            yield name, value


def to_csv(stats: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["metric", "value"])
    for name, value in flatten(stats):
        writer.writerow([name, "" if value is None else value])
    return out.getvalue()
