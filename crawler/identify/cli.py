"""``probity identify`` and ``probity identify-score``: thin wrappers over plain functions."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from crawler.identify.identifier import IDENTIFIER_VERSION, identify_many
from crawler.identify.io import ProfileRow, read_profiles, verdict_record, write_verdicts
from crawler.identify.scoring import DEFAULT_LABELLED, Scores, Split, evaluate
from probity.logs import track

log = logging.getLogger("probity.identify")
SPLITS: tuple[Split, ...] = ("dev", "test", "all")


def identify_file(in_path: Path, out_path: Path, *, progress: bool = True) -> int:
    """Identify every profile of ``in_path`` (JSONL) into ``out_path``; return the number written.

    The whole input is validated first: one bad line rejects the file and nothing is written.
    """
    rows = read_profiles(in_path)
    log.info(
        "identifying %d profile(s) from %s (identifier %s)", len(rows), in_path, IDENTIFIER_VERSION
    )

    def records() -> Iterator[dict[str, Any]]:
        items: Iterator[ProfileRow] = iter(rows)
        if progress:
            items = track(rows, "identify", total=len(rows))
        for row, verdict in zip(items, identify_many(r.profile for r in rows)):
            yield verdict_record(row.id, verdict)

    count = write_verdicts(out_path, records())
    log.info("wrote %d verdict(s) to %s", count, out_path)
    return count


def score_file(
    data: Path = DEFAULT_LABELLED, splits: tuple[Split, ...] = SPLITS
) -> dict[str, Scores]:
    """Scores of the identifier on each requested half of a labelled file."""
    return {split: evaluate(data, split) for split in splits}


def identify_command(
    in_path: Path = typer.Option(
        ..., "--in", help="Profiles, JSON Lines: id, platform, handle, display_name, bio."
    ),
    out_path: Path = typer.Option(..., "--out", help="Verdicts, JSON Lines."),
) -> None:
    """Decide for each profile whether it self-identifies as serving in one of the 44 forces."""
    identify_file(in_path, out_path)


def score_command(
    data: Path = typer.Option(
        DEFAULT_LABELLED, "--data", help="Labelled profiles (JSON Lines with truth)."
    ),
    split: str = typer.Option(
        "all-splits", "--split", help="dev, test, all, or all-splits (one row each)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    errors: bool = typer.Option(
        False, "--errors", help="Also list every wrong verdict (JSON Lines)."
    ),
) -> None:
    """Precision, recall, force and role accuracy of the identifier on a labelled profile set."""
    if split != "all-splits" and split not in SPLITS:
        raise typer.BadParameter(
            f"expected one of dev, test, all, all-splits; got {split!r}", param_hint="--split"
        )
    chosen: tuple[Split, ...] = SPLITS if split == "all-splits" else (split,)  # type: ignore[assignment]
    results = score_file(data, chosen)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "identifier": IDENTIFIER_VERSION,
                    "data": str(data),
                    **{k: v.summary() for k, v in results.items()},
                },
                indent=2,
            )
        )
    else:
        typer.echo(f"identifier {IDENTIFIER_VERSION} on {data}")
        typer.echo(
            f"{'split':<6}{'n':>6}{'TP':>6}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}"
            f"{'force acc':>11}{'role acc':>10}"
        )
        for name, s in results.items():
            typer.echo(
                f"{name:<6}{s.n:>6}{s.true_positive:>6}{s.false_positive:>5}{s.false_negative:>5}"
                f"{s.precision:>11.4f}{s.recall:>8.4f}{s.force_accuracy:>11.4f}{s.role_accuracy:>10.4f}"
            )
    if errors:
        for name, s in results.items():
            for e in s.errors:
                typer.echo(json.dumps({"split": name, **e}, ensure_ascii=False))
