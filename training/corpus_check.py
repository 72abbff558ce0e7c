"""Corpus hygiene checks: no two examples share a run of more than 6 words, no near-duplicates.

Why: a corpus written from templates teaches a model the templates, not the codebook, and
inflates test scores because test examples echo training ones. These checks run in the test
suite over ``training/data/corpus.jsonl`` and, while the corpus is being written, over the parts.

Run: ``python -m training.corpus_check [FILES...]`` (default: every part and the corpus).
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
SHARED_RUN = 7  # a shared run of 7 words is "more than 6"
NEAR_DUPLICATE_JACCARD = 0.5  # on word-trigram sets

_WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def shingles(tokens: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@dataclass(frozen=True)
class Problem:
    kind: str  # "shared-run" | "near-duplicate"
    first: str
    second: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.first} ~ {self.second}: {self.detail}"


def find_problems(examples: Iterable[tuple[str, str]]) -> list[Problem]:
    """``examples`` are (id, text) pairs; returns every offending pair once."""
    items = list(examples)
    problems: list[Problem] = []
    seen_pairs: set[tuple[str, str]] = set()
    runs: dict[tuple[str, ...], str] = {}
    trigram_index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    trigram_sets: list[set[tuple[str, ...]]] = []
    for idx, (ident, text) in enumerate(items):
        tokens = words(text)
        for run in shingles(tokens, SHARED_RUN):
            other = runs.get(run)
            if other is not None and other != ident:
                pair = (other, ident)
                if pair not in seen_pairs:
                    seen_pairs.add(pair)
                    problems.append(Problem("shared-run", other, ident, " ".join(run)))
            else:
                runs[run] = ident
        tri = shingles(tokens, 3) or {tuple(tokens)}
        trigram_sets.append(tri)
        candidates: dict[int, int] = defaultdict(int)
        for t in tri:
            for j in trigram_index[t]:
                candidates[j] += 1
        for j, common in candidates.items():
            union = len(tri) + len(trigram_sets[j]) - common
            if union and common / union >= NEAR_DUPLICATE_JACCARD:
                pair = (items[j][0], ident)
                if pair not in seen_pairs:
                    seen_pairs.add(pair)
                    problems.append(
                        Problem(
                            "near-duplicate",
                            items[j][0],
                            ident,
                            f"trigram Jaccard {common / union:.2f}",
                        )
                    )
        for t in tri:
            trigram_index[t].append(idx)
    return problems


def load_jsonl(paths: Iterable[Path]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{n}: not valid JSON: {exc}") from exc
    return rows


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((DATA_DIR / "parts").glob("*.jsonl"))
    rows = load_jsonl(paths)
    ids = [str(r["id"]) for r in rows]
    dupes = {i for i in ids if ids.count(i) > 1}
    problems = find_problems((str(r["id"]), str(r["text"])) for r in rows)
    for p in problems:
        print(p)
    for d in sorted(dupes):
        print(f"duplicate id: {d}")
    print(f"{len(rows)} examples, {len(problems)} problem pair(s), {len(dupes)} duplicate id(s)")
    return 1 if problems or dupes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
