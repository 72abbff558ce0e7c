"""Real public tweets as negatives: Davidson 2017 (vendored, MIT) and OLID (shared, when present).

Neither set uses the codebook's labels, so only their *everyday* posts are used, as negatives
for every label, with care for label noise:

- Davidson: only rows that every annotator called "neither" (``hate_speech == 0`` and
  ``offensive_language == 0`` votes); majority-"neither" rows with an insult vote are left out.
- OLID "not offensive": tweets mentioning political or extreme topics (``POLITICAL_TERMS``) are
  left out of training, because some are strong opinions on government that the codebook could
  label ``government``; the held-out figures keep every OLID "not offensive" test tweet.

Fixed parts: Davidson rows go to train / dev / test by a salted hash of the row index (80/10/10),
so the test part is never used for any choice. OLID keeps its own train / val / test split;
OLID test and the Davidson test part are for reporting only.
"""

from __future__ import annotations

import csv
import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from training.olid import load_olid_split, olid_available

DAVIDSON_DIR = Path(__file__).parent / "data" / "public" / "davidson-2017"
DAVIDSON_SALT = "probity-davidson-v1:"
PARTS = ("train", "dev", "test")
OLID_SPLIT = {"train": "train", "dev": "val", "test": "test"}

# Political or extreme topics: OLID "not offensive" tweets that mention these are not trusted as
# negatives for `government` (an opinion can be extreme without being "offensive" in OLID's sense).
POLITICAL_TERMS = re.compile(
    r"\b(government|govt|president|trump|obama|hillary|clinton|democrats?|republicans?|liberals?|"
    r"conservatives?|congress|senate|senator|minister|parliament|brexit|tories|tory|labour|"
    r"maga|antifa|socialis[mt]s?|communis[mt]s?|fascis[mt]s?|nazis?|traitors?|treason|hang|"
    r"execute|kill|shoot|gun|guns|nra|terroris[mt]s?|immigra\w*|illegals?|deport\w*|"
    r"police|cops?|riot\w*|war|vote|voters?|election)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RealPosts:
    """Everyday real posts of one part, by source."""

    davidson: list[str]
    olid: list[str]

    @property
    def all(self) -> list[str]:
        return self.davidson + self.olid


def davidson_part(row_index: int) -> str:
    bucket = int(hashlib.sha256(f"{DAVIDSON_SALT}{row_index}".encode()).hexdigest()[:8], 16) % 100
    return "test" if bucket < 10 else "dev" if bucket < 20 else "train"


def _tweet(text: str) -> str:
    return html.unescape(text).strip()  # the file keeps HTML entities (&amp;, &#128514;)


def davidson_rows(directory: Path = DAVIDSON_DIR) -> list[dict[str, object]]:
    with (directory / "labeled_data.csv").open(encoding="utf-8", newline="") as handle:
        return [
            {
                "index": int(r[""]),
                "text": _tweet(r["tweet"]),
                "class": int(r["class"]),
                "hate_speech": int(r["hate_speech"]),
                "offensive_language": int(r["offensive_language"]),
            }
            for r in csv.DictReader(handle)
        ]


def davidson_everyday(part: str, directory: Path = DAVIDSON_DIR) -> list[str]:
    """Rows every annotator called "neither", in one fixed part."""
    return [
        str(r["text"])
        for r in davidson_rows(directory)
        if r["hate_speech"] == 0
        and r["offensive_language"] == 0
        and davidson_part(int(str(r["index"]))) == part
    ]


def davidson_hate(part: str, directory: Path = DAVIDSON_DIR) -> list[str]:
    """Majority "hate speech" rows of one part (an indicative recall check, never training)."""
    return [
        str(r["text"])
        for r in davidson_rows(directory)
        if r["class"] == 0 and davidson_part(int(str(r["index"]))) == part
    ]


def olid_everyday(part: str, *, filter_political: bool) -> list[str]:
    if not olid_available():
        return []
    texts, y = load_olid_split(OLID_SPLIT[part])
    return [
        t
        for t, v in zip(texts, y, strict=True)
        if v == 0 and not (filter_political and POLITICAL_TERMS.search(t))
    ]


def olid_offensive(part: str) -> list[str]:
    if not olid_available():
        return []
    texts, y = load_olid_split(OLID_SPLIT[part])
    return [t for t, v in zip(texts, y, strict=True) if v == 1]


def real_everyday(part: str, *, use_olid: bool = True) -> RealPosts:
    """Training negatives (filtered) for train; every everyday post for dev and test."""
    olid = olid_everyday(part, filter_political=part == "train") if use_olid else []
    return RealPosts(davidson=davidson_everyday(part), olid=olid)
