"""Import posts from a file for platforms without an API; all or nothing.

Every row is validated first (which row, which column, why); only a file without a single
problem is stored. Accounts then go through the same identification and minimisation as
crawled ones: an out-of-scope account keeps a keyed hash and none of its posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from crawler import ingest
from crawler.crawl import now
from crawler.mapping import files as file_mapping
from crawler.mapping.fields import Holder, MalformedItem
from crawler.sources.files import read_rows
from probity.db import get_engine, session_scope
from probity.errors import InputFileError, RowError
from probity.models import Platform

IMPORT_PLATFORMS = ("facebook", "other")


@dataclass
class ImportResult:
    rows: int
    accounts_in_scope: int
    accounts_excluded: int
    new_posts: int


def normalise(row: dict[str, Any], column_map: dict[str, str]) -> dict[str, Any]:
    """Rename the file's columns to our field names (unmapped fields keep their own name)."""
    return {name: row.get(column_map.get(name, name)) for name in file_mapping.FIELDS}


def import_posts_file(
    path: Path,
    *,
    platform: str = "other",
    column_map: dict[str, str] | None = None,
    engine: Engine | None = None,
    identifier: Any = None,
    version: str = "",
) -> ImportResult:
    if platform not in IMPORT_PLATFORMS:
        raise InputFileError(
            str(path),
            [
                RowError(
                    0,
                    None,
                    f"platform {platform!r} has an API source: "
                    f"import is for {', '.join(IMPORT_PLATFORMS)}",
                )
            ],
        )
    column_map = column_map or {}
    unknown = set(column_map) - set(file_mapping.FIELDS)
    if unknown:
        raise InputFileError(
            str(path),
            [
                RowError(
                    0,
                    None,
                    f"unknown field(s) in --map: {sorted(unknown)}; "
                    f"fields are {', '.join(file_mapping.FIELDS)}",
                )
            ],
        )
    rows: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    for number, raw in read_rows(path):
        row = normalise(raw, column_map)
        try:
            file_mapping.post(row, Holder(""))
        except MalformedItem as exc:
            column = column_map.get(exc.field, exc.field) if exc.field else None
            errors.append(RowError(number, column, str(exc)))
            continue
        rows.append((number, row))
    if errors:
        raise InputFileError(str(path), errors)
    if not rows:
        raise InputFileError(str(path), [RowError(0, None, "no rows")])
    if identifier is None:
        identifier, version = ingest.default_identifier()
    result = ImportResult(len(rows), 0, 0, 0)
    by_account: dict[str, list[dict[str, Any]]] = {}
    for _, row in rows:
        by_account.setdefault(str(row["account_id"]), []).append(row)
    stamp = now()
    with session_scope(engine or get_engine()) as session:  # one transaction: all or nothing
        for account_rows in by_account.values():
            fields = file_mapping.profile(account_rows[0])
            profile_raw = {
                k: account_rows[0][k]
                for k in ("account_id", "handle", "display_name", "bio", "account_url")
            }
            outcome = ingest.apply_profile(
                session,
                platform,
                fields,
                profile_raw,
                source=str(path),
                now=stamp,
                identifier=identifier,
                version=version,
                via="import",
            )
            if not outcome.in_scope or outcome.account is None:
                result.accounts_excluded += 1
                continue
            result.accounts_in_scope += 1
            result.new_posts += ingest.apply_posts(
                session, outcome.account, account_rows, source=str(path), now=stamp
            ).new
    return result


assert set(IMPORT_PLATFORMS) <= {p.value for p in Platform}
