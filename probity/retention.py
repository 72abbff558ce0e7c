"""The retention schedule as data, and the engine that applies it.

``load_schedule()`` reads the TOML schedule (``probity/retention_schedule.toml``, or the file
named by ``PROBITY_RETENTION_SCHEDULE``); ``run_retention(session, schedule, as_of, dry_run)``
removes, class by class, what the schedule says is due on ``as_of``'s day and returns a report.

Each class runs in its own transaction and commits together with its one audit event (the
count, and a hash of the ids it touched): killed half way, the class in progress rolls back and
the classes before it stay done and audited. Which rows are due is decided by their state (words
not yet removed, profile not yet purged), so running again, on the same day or later, removes
only what is newly due. The audit log is never a class: nothing here deletes an audit event.
The row operations are in ``probity.purge``; docs/dpia.md explains each default.
"""

from __future__ import annotations

import hashlib
import logging
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, delete, func, null, select, update
from sqlalchemy.orm import Session

from probity import audit, purge
from probity.db import lock_for_write
from probity.errors import ConfigurationError
from probity.forces import FORCE_IDS
from probity.models import PlatformAccount, Post, Prediction, RawItem, utcnow
from probity.settings import get_settings

log = logging.getLogger(__name__)
DEFAULT_SCHEDULE = Path(__file__).with_name("retention_schedule.toml")
# The classes, in the order they run (removing words before payloads keeps counts readable).
CLASSES = (
    "unflagged_posts",
    "dismissed_flags",
    "referred_items",
    "out_of_scope_accounts",
    "raw_payloads",
    "prediction_explanations",
    "export_files",
)
ACTOR = "system:retention"
PURPOSE = "retention schedule (UK GDPR art. 5(1)(e) storage limitation)"


@dataclass(frozen=True)
class ClassRule:
    name: str
    days: int
    starts: str = ""
    description: str = ""
    force_days: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Schedule:
    rules: dict[str, ClassRule]
    source: str = ""

    def __getitem__(self, name: str) -> ClassRule:
        return self.rules[name]


def _days(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"{where}: 'days' must be a whole number ≥ 0, not {value!r}")
    return value


def parse_schedule(data: dict[str, Any], source: str = "") -> Schedule:
    """A schedule from parsed TOML; every class must be there, and nothing else."""
    classes = data.get("classes")
    if not isinstance(classes, dict):
        raise ConfigurationError(f"{source}: no [classes] table")
    unknown = sorted(set(classes) - set(CLASSES))
    missing = [c for c in CLASSES if c not in classes]
    if unknown or missing:
        raise ConfigurationError(
            f"{source}: retention classes unknown {unknown or 'none'}, missing {missing or 'none'}"
        )
    rules = {}
    for name in CLASSES:
        entry = classes[name]
        where = f"{source} [classes.{name}]"
        if not isinstance(entry, dict) or "days" not in entry:
            raise ConfigurationError(f"{where}: needs 'days'")
        force_days = entry.get("force_days", {})
        if not isinstance(force_days, dict):
            raise ConfigurationError(f"{where}: 'force_days' must be a table")
        bad = sorted(set(force_days) - set(FORCE_IDS))
        if bad:
            raise ConfigurationError(f"{where}.force_days: not a force id: {', '.join(bad)}")
        rules[name] = ClassRule(
            name,
            _days(entry["days"], where),
            str(entry.get("starts", "")),
            str(entry.get("description", "")),
            {f: _days(d, f"{where}.force_days.{f}") for f, d in force_days.items()},
        )
    return Schedule(rules, source)


def load_schedule(path: Path | None = None) -> Schedule:
    """The schedule at ``path``, else PROBITY_RETENTION_SCHEDULE, else the bundled default."""
    path = path or get_settings().retention_schedule or DEFAULT_SCHEDULE
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigurationError(f"retention schedule {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"retention schedule {path}: {exc}") from None
    return parse_schedule(data, str(path))


def cutoff(as_of: datetime, days: int) -> datetime:
    """Rows whose clock is before this are due: a row from day D goes on day D + days."""
    day = as_of.astimezone(UTC).date() if as_of.tzinfo else as_of.date()
    return datetime.combine(day - timedelta(days=days - 1), time(0), UTC)


def as_datetime(value: date | datetime | None) -> datetime:
    if value is None:
        return utcnow()
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(12), UTC)


@dataclass
class ClassResult:
    name: str
    days: int
    cutoff: datetime
    removed: int
    details: dict[str, int] = field(default_factory=dict)
    ids: list[int] = field(default_factory=list)

    def line(self) -> str:
        extra = ", ".join(f"{k} {v}" for k, v in self.details.items() if v)
        return (
            f"{self.name:<24} {self.removed:>7}  (after {self.days} days: before "
            f"{self.cutoff.date().isoformat()}){f'; {extra}' if extra else ''}"
        )


@dataclass
class RetentionReport:
    as_of: datetime
    dry_run: bool
    classes: list[ClassResult] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(c.removed for c in self.classes)

    def by_class(self) -> dict[str, int]:
        return {c.name: c.removed for c in self.classes}

    def lines(self) -> list[str]:
        verb = "would remove" if self.dry_run else "removed"
        head = f"retention as of {self.as_of.date().isoformat()}: {verb} {self.total} in all"
        return [head, *(c.line() for c in self.classes)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "classes": {
                c.name: {
                    "days": c.days,
                    "cutoff": c.cutoff.isoformat(),
                    "removed": c.removed,
                    "details": c.details,
                }
                for c in self.classes
            },
        }


def ids_digest(ids: Sequence[int]) -> dict[str, Any]:
    """What the audit event keeps of the rows touched: enough to check, nothing to read."""
    ordered = sorted(ids)
    joined = ",".join(map(str, ordered))
    return {
        "count": len(ordered),
        "min": ordered[0] if ordered else None,
        "max": ordered[-1] if ordered else None,
        "ids_sha256": hashlib.sha256(joined.encode()).hexdigest(),
    }


# --- the classes -------------------------------------------------------------------------------

Runner = Callable[[Session, ClassRule, datetime, bool, datetime], ClassResult]


def _ids(session: Session, column: Any, condition: ColumnElement[bool]) -> list[int]:
    return list(session.scalars(select(column).where(condition).order_by(column)))


def _post_class(condition_for: Callable[[ClassRule, datetime], ColumnElement[bool]]) -> Runner:
    def run(
        session: Session, rule: ClassRule, as_of: datetime, dry_run: bool, now: datetime
    ) -> ClassResult:
        condition = condition_for(rule, as_of)
        ids = _ids(session, Post.id, condition)
        limit = cutoff(as_of, rule.days)
        done = purge.remove_post_words(session, ids, condition, now)
        details = {"posts": len(done)}
        if rule.name == "referred_items":
            details["outcome_notes"] = purge.clear_outcome_notes(session, done)
        return ClassResult(rule.name, rule.days, limit, len(done), details, done)

    return run


def _referred_condition(rule: ClassRule, as_of: datetime) -> ColumnElement[bool]:
    cutoffs = {f: cutoff(as_of, d) for f, d in rule.force_days.items()}
    return purge.referred_posts_due(cutoffs, cutoff(as_of, rule.days))


def _accounts(
    session: Session, rule: ClassRule, as_of: datetime, dry_run: bool, now: datetime
) -> ClassResult:
    limit = cutoff(as_of, rule.days)
    ids = _ids(session, PlatformAccount.id, purge.out_of_scope_accounts(limit))
    details = {"accounts": len(ids), "posts": 0, "raw_items": 0}
    done = []
    for account_id in ids:
        # re-checked under the class's write lock: a referral may have opened since the count
        if not session.scalar(
            select(func.count())
            .select_from(PlatformAccount)
            .where(PlatformAccount.id == account_id, purge.out_of_scope_accounts(limit))
        ):
            continue
        for key, value in purge.purge_account(session, account_id, now).items():
            details[key] += value
        done.append(account_id)
    details["accounts"] = len(done)
    return ClassResult(rule.name, rule.days, limit, len(done), details, done)


def _raw(
    session: Session, rule: ClassRule, as_of: datetime, dry_run: bool, now: datetime
) -> ClassResult:
    limit = cutoff(as_of, rule.days)
    items = _ids(session, RawItem.id, purge.raw_items_due(limit))
    posts = _ids(session, Post.id, purge.post_payloads_due(limit))
    accounts = _ids(session, PlatformAccount.id, purge.account_payloads_due(limit))
    for chunk in purge.chunks(items):
        session.execute(delete(RawItem).where(RawItem.id.in_(chunk), purge.raw_items_due(limit)))
    for chunk in purge.chunks(posts):
        session.execute(
            update(Post)
            .where(Post.id.in_(chunk), purge.post_payloads_due(limit))
            .values(raw=null())
            .execution_options(synchronize_session=False)
        )
    for chunk in purge.chunks(accounts):
        session.execute(
            update(PlatformAccount)
            .where(PlatformAccount.id.in_(chunk), purge.account_payloads_due(limit))
            .values(raw=null())
            .execution_options(synchronize_session=False)
        )
    details = {
        "raw_items": len(items),
        "post_payloads": len(posts),
        "profile_payloads": len(accounts),
    }
    return ClassResult(rule.name, rule.days, limit, sum(details.values()), details, items)


def _explanations(
    session: Session, rule: ClassRule, as_of: datetime, dry_run: bool, now: datetime
) -> ClassResult:
    limit = cutoff(as_of, rule.days)
    ids = _ids(session, Prediction.id, purge.explanations_due(limit))
    for chunk in purge.chunks(ids):
        session.execute(
            update(Prediction)
            .where(Prediction.id.in_(chunk), purge.explanations_due(limit))
            .values(explanation=null())
            .execution_options(synchronize_session=False)
        )
    return ClassResult(rule.name, rule.days, limit, len(ids), {"predictions": len(ids)}, ids)


def exports_dir() -> Path:
    return get_settings().data_dir / "exports"


def _files(
    session: Session, rule: ClassRule, as_of: datetime, dry_run: bool, now: datetime
) -> ClassResult:
    limit = cutoff(as_of, rule.days)
    root = exports_dir()
    due = (
        sorted(p for p in root.rglob("*") if p.is_file() and p.stat().st_mtime < limit.timestamp())
        if root.is_dir()
        else []
    )
    if not dry_run:
        for path in due:
            path.unlink(missing_ok=True)  # a concurrent run may have taken it first
    return ClassResult(rule.name, rule.days, limit, len(due), {"files": len(due)})


RUNNERS: dict[str, Runner] = {
    "unflagged_posts": _post_class(lambda r, a: purge.unflagged_posts(cutoff(a, r.days))),
    "dismissed_flags": _post_class(lambda r, a: purge.dismissed_posts(cutoff(a, r.days))),
    "referred_items": _post_class(_referred_condition),
    "out_of_scope_accounts": _accounts,
    "raw_payloads": _raw,
    "prediction_explanations": _explanations,
    "export_files": _files,
}


def run_retention(
    session: Session,
    schedule: Schedule | None = None,
    as_of: date | datetime | None = None,
    dry_run: bool = False,
    *,
    actor: str = ACTOR,
    role: str = "operator",
) -> RetentionReport:
    """Apply ``schedule`` as it stands on ``as_of``'s day (default: now); commit per class.

    A real run writes one ``retention.<class>`` audit event per class, zero counts included, in
    the class's own transaction. A dry run does the same work in one transaction and rolls it
    back (so its counts are exactly what a run would remove, each class after the ones before
    it), deletes no file, and records one ``retention.dry_run`` event. The periodic job and
    ``probity retention run`` call this."""
    schedule = schedule or load_schedule()
    when = as_datetime(as_of)
    report = RetentionReport(when, dry_run)
    session.commit()  # start each class on a transaction of its own
    try:
        for name in CLASSES:
            rule = schedule[name]
            lock_for_write(session)  # SQLite: one writer from the count to the commit
            result = RUNNERS[name](session, rule, when, dry_run, utcnow())
            if not dry_run:
                _record_class(session, actor, role, when, rule, result)
                session.commit()
            report.classes.append(result)
            log.info("retention %s: %s", "dry run" if dry_run else "run", result.line())
    finally:
        session.rollback()  # a dry run's work; after an interruption, the class in progress
    if dry_run:
        audit.record(
            session,
            actor=actor,
            role=role,
            action="retention.dry_run",
            object_type="retention_class",
            object_id="all",
            purpose=PURPOSE,
            detail={"as_of": when.isoformat(), "due": report.by_class()},
        )
        session.commit()
    return report


def _record_class(
    session: Session, actor: str, role: str, when: datetime, rule: ClassRule, result: ClassResult
) -> None:
    audit.record(
        session,
        actor=actor,
        role=role,
        action=f"retention.{rule.name}",
        object_type="retention_class",
        object_id=rule.name,
        purpose=PURPOSE,
        detail={
            "as_of": when.isoformat(),
            "days": rule.days,
            "force_days": rule.force_days or None,
            "cutoff": result.cutoff.isoformat(),
            "removed": result.removed,
            "details": result.details,
            "ids": ids_digest(result.ids),
        },
    )
