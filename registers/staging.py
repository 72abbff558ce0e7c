"""The write side of a register import: rows stream into a temporary staging table, duplicates and
counts come from SQL, and one set-based merge writes the register, all in the caller's transaction.

Why a staging table: the file is never held in memory (a million rows stream through), duplicate
keys are found by the database rather than a Python set of every key, and the register is only
touched once every row is known to be valid, by three statements whose size does not grow with
the file (no giant IN list or VALUES list, so no parameter or stack-depth limit to hit).

On PostgreSQL rows arrive by COPY and the merge holds a transaction-scoped advisory lock per
register, so two concurrent imports of overlapping files merge one after the other (no deadlock,
no duplicate-key error, exact counts). On SQLite the merge's first statement is a write, which
takes the database's single write lock (waiting for it) before anything reads the register.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Enum,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from probity.db import batched
from probity.errors import RowError
from registers.templates import Template

ROWNUM = "_row"
SQLITE_BATCH = 1000  # rows per executemany call into the staging table


class Staging:
    """One import's staging table; ``drop()`` it when done (PostgreSQL also drops it on commit)."""

    def __init__(self, session: Session, template: Template):
        self.session = session
        self.template = template
        self.dialect = session.get_bind().dialect.name
        self.target: Table = template.model.__table__
        self.fields = [c.attribute for c in template.columns]
        self.nonkey = [f for f in self.fields if f not in template.key]
        columns = [Column(ROWNUM, Integer, nullable=False)]
        for name in self.fields:
            kind: Any = self.target.c[name].type
            # enum columns carry CHECK constraints; values are validated already, so plain text
            staged_type: Any = String(kind.length) if isinstance(kind, Enum) else kind
            columns.append(Column(name, staged_type))
        options: dict[str, Any] = (
            {"postgresql_on_commit": "DROP"} if self.dialect == "postgresql" else {}
        )
        self.table = Table(
            f"import_staging_{uuid.uuid4().hex[:12]}",
            MetaData(),
            *columns,
            prefixes=["TEMPORARY"],
            **options,
        )
        if self.dialect == "sqlite":
            _drop_leftovers(session)
        self.table.create(session.connection())

    def load(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Append ``(row number, *field values)`` tuples, streaming."""
        if self.dialect == "postgresql":
            raw: Any = self.session.connection().connection.driver_connection
            names = ", ".join(f'"{c.name}"' for c in self.table.columns)
            with (
                raw.cursor() as cursor,
                cursor.copy(f'COPY "{self.table.name}" ({names}) FROM STDIN') as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        # sqlite3's executemany with the column types' own bind conversions (dates as ISO text,
        # booleans as 0/1): the same stored values as an ORM insert, without per-row overhead
        dialect = self.session.get_bind().dialect
        convert = [c.type._cached_bind_processor(dialect) for c in self.table.columns]
        sql = f'INSERT INTO "{self.table.name}" VALUES ({", ".join("?" * len(convert))})'
        sqlite_connection: Any = self.session.connection().connection.driver_connection
        cursor = sqlite_connection.cursor()
        try:
            for batch in batched(rows, SQLITE_BATCH):
                cursor.executemany(
                    sql,
                    [
                        tuple(v if f is None or v is None else f(v) for f, v in zip(convert, row))
                        for row in batch
                    ],
                )
        finally:
            cursor.close()

    def finish_loading(self) -> int:
        """Index the key, refresh planner statistics, and return the number of staged rows."""
        key = [self.table.c[k] for k in self.template.key]
        Index(f"{self.table.name}_key", *key).create(self.session.connection())
        if self.dialect == "postgresql":
            self.session.execute(text(f'ANALYZE "{self.table.name}"'))
        return self.session.scalar(select(func.count()).select_from(self.table)) or 0

    def duplicates(self, limit: int) -> tuple[list[RowError], int]:
        """The first ``limit`` rows that repeat an earlier row's key, and how many there are."""
        s, key = self.table, list(self.template.key)
        groups = (
            select(*[s.c[k] for k in key], func.min(s.c[ROWNUM]).label("first"))
            .group_by(*[s.c[k] for k in key])
            .having(func.count() > 1)
            .subquery()
        )
        repeats = (
            select(s.c[ROWNUM], groups.c.first, s.c[key[-1]])
            .join(groups, and_(*[s.c[k] == groups.c[k] for k in key]))
            .where(s.c[ROWNUM] != groups.c.first)
        )
        total = self.session.scalar(select(func.count()).select_from(repeats.subquery())) or 0
        shown = (
            self.session.execute(repeats.order_by(s.c[ROWNUM]).limit(limit)).all() if total else []
        )
        return [
            RowError(row, key[-1], f"duplicate of row {first} ({value!r})")
            for row, first, value in shown
        ], total

    def merge(self, staged: int) -> tuple[int, int, int]:
        """Write the ``staged`` rows into the register: (inserted, updated, unchanged)."""
        s, t, key = self.table, self.target, list(self.template.key)
        if self.dialect == "postgresql":
            lock = zlib.crc32(f"probity.registers.import.{t.name}".encode())
            self.session.execute(select(func.pg_advisory_xact_lock(lock)))
        same_key = and_(*[t.c[k] == s.c[k] for k in key])
        # imported_at is not refreshed, so re-importing an identical file changes nothing
        changed = or_(*[t.c[f].is_distinct_from(s.c[f]) for f in self.nonkey])
        result: Any = self.session.execute(
            update(t).where(same_key, changed).values({f: s.c[f] for f in self.nonkey})
        )
        updated: int = result.rowcount
        matched = self.session.scalar(select(func.count()).select_from(s.join(t, same_key))) or 0
        now = bindparam("imported_at", datetime.now(UTC), type_=t.c.imported_at.type)
        insert: Any = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[self.dialect](t)
        statement: Any = insert.from_select(
            [*self.fields, "imported_at"],
            select(*[s.c[f] for f in self.fields], now).where(~exists().where(same_key)),
        )
        # a row another writer (not an import: those hold the lock) added meanwhile is updated
        statement = statement.on_conflict_do_update(
            index_elements=key, set_={f: statement.excluded[f] for f in self.nonkey}
        )
        self.session.execute(statement)
        return staged - matched, updated, matched - updated

    def drop(self) -> None:
        self.session.execute(text(f'DROP TABLE IF EXISTS "{self.table.name}"'))


def _drop_leftovers(session: Session) -> None:
    """Drop staging tables a failed import left on this pooled SQLite connection.

    SQLite creates a temporary table outside the (lazily begun) transaction, so a rolled-back
    import's DROP is rolled back too and the table outlives it; the next import on the same
    connection removes it.
    """
    names = (
        session.execute(
            text(
                "SELECT name FROM sqlite_temp_master WHERE type = 'table' "
                "AND name LIKE 'import_staging_%'"
            )
        )
        .scalars()
        .all()
    )
    for name in names:
        session.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
