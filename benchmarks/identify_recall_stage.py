"""Does the learned recall stage help on a writer it never saw? (a measurement, not a test)

    python benchmarks/identify_recall_stage.py [--thresholds 0.3 0.5 0.7]

Leave-one-file-out over the files written by writers who never read the rules (held-out a-f and
the two extra files): for each, the recall stage (``crawler/identify/learned.py``) is trained on
every other training file and asked about the held file's profiles that the rules rejected for
want of a claim while finding a force, place or police word. Precision, recall and force accuracy
of the rules alone and of rules + stage are reported per file and pooled, and written to
benchmarks/results/identify_recall_stage.json.

Read with care: the rules were tuned on most of these files, so there the stage's *cost* shows
more than its gain; a file the current rules were never tuned on is the honest fold. The files
kept untouched for the next change to the rules are never read here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "identify_recall_stage.json"
WRITER_FILES = (
    "heldout_a",
    "heldout_b",
    "heldout_c",
    "heldout_d",
    "heldout_e",
    "extra_1",
    "extra_2",
    "heldout_f",
    "heldout_g",
)


def _prf(rows: list[dict[str, Any]], key: str) -> dict[str, float | int]:
    tp = [r for r in rows if r[key][0] and r["truth"]]
    fp = sum(1 for r in rows if r[key][0] and not r["truth"])
    fn = sum(1 for r in rows if not r[key][0] and r["truth"])
    forces = sum(1 for r in tp if r[key][1] == r["force"])
    n = len(tp)
    return {
        "tp": n,
        "fp": fp,
        "fn": fn,
        "precision": round(n / (n + fp), 4) if n + fp else 1.0,
        "recall": round(n / (n + fn), 4) if n + fn else 1.0,
        "force_accuracy": round(forces / n, 4) if n else 1.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.3, 0.5, 0.7])
    parser.add_argument(
        "--train-on",
        choices=("population", "placed", "all"),
        default="all",
        help="which profiles of the other files train the stage",
    )
    args = parser.parse_args()

    from crawler.identify import IDENTIFIER_VERSION
    from crawler.identify import learned as ln
    from crawler.identify.identifier import ProfileText, analyse_many

    pairs = ln.training_rows()
    records = [r for _, r in pairs]
    profiles = [
        ProfileText(r["handle"] or "", r["display_name"] or "", r["bio"] or "") for r in records
    ]
    rows: list[dict[str, Any]] = []
    for (name, r), (a, d, texts) in zip(pairs, analyse_many(profiles), strict=True):
        asked = ln.in_population(a, d)
        placed = ln.placed(a)
        flipped = ln.second_opinion(a, 1.0) if asked else None
        rows.append(
            {
                "file": name,
                "id": r["id"],
                "truth": bool(r["self_identified"]),
                "force": r["force"],
                "rules": (d.self_identified, d.force),
                "asked": asked,
                "placed": placed,
                "flip": (True, flipped.force) if flipped else None,
                "text": ln.profile_text(texts),
            }
        )
    held_files = [f for f in WRITER_FILES if any(r["file"] == f for r in rows)]
    out: dict[str, Any] = {
        "identifier": IDENTIFIER_VERSION,
        "train_on": args.train_on,
        "load_average": os.getloadavg(),
        "asked": {f: sum(1 for r in rows if r["file"] == f and r["asked"]) for f in held_files},
    }
    probs: dict[str, float] = {}
    for held in held_files:
        chosen = {"population": "asked", "placed": "placed", "all": "file"}[args.train_on]
        train = [(r["text"], r["truth"]) for r in rows if r["file"] != held and r[chosen]]
        test = [r for r in rows if r["file"] == held and r["asked"]]
        stage = ln.fit(train)
        for r, p in zip(test, stage.probabilities(r["text"] for r in test), strict=True):
            probs[r["id"]] = p
    for threshold in args.thresholds:
        for r in rows:
            q = probs.get(r["id"])
            r["stage"] = r["flip"] if q is not None and q >= threshold else r["rules"]
        per_file: dict[str, Any] = {}
        for f in held_files:
            mine = [r for r in rows if r["file"] == f]
            per_file[f] = {"rules": _prf(mine, "rules"), "rules+stage": _prf(mine, "stage")}
        pooled = [r for r in rows if r["file"] in held_files]
        per_file["pooled"] = {"rules": _prf(pooled, "rules"), "rules+stage": _prf(pooled, "stage")}
        per_file["flipped"] = [
            {"id": r["id"], "truth": r["truth"], "p": round(probs[r["id"]], 3), "text": r["text"]}
            for r in pooled
            if r["stage"] != r["rules"]
        ]
        out[f"threshold {threshold}"] = per_file
        print(f"threshold {threshold}: pooled {per_file['pooled']}", flush=True)
        for f in held_files:
            print(f"  {f}: {per_file[f]}", flush=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
