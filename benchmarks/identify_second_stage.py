"""Would a learned second stage help the identifier on an unseen writer? (a measurement, not a test)

    python benchmarks/identify_second_stage.py

A logistic regression over what the rules found (verdict, reason, role, cue families, mention
labels and states) and the profile's words (lower-cased unigrams and bigrams of display name, bio
and split handle) is trained on every labelled file but one and used as a veto on the rules'
serving verdicts of the file left out (leave-one-file-out: each file was written by a different
writer or round, so this is the nearest proxy for a new writer). Two feature sets (words only;
words and rule features), two populations (every profile; only profiles where the rules saw a
role or employment word) and three veto thresholds are tried. Results go to
benchmarks/results/identify_second_stage.json.

Read the figures with care: the rules were tuned on these files, so where they are already
perfect only the veto's *cost* shows. Run on the rules of ``rules-2026.11.30.5`` (main at
``665505b`` plus this script and ``analyse_many``), held-out c is the one honest fold: those rules
had never seen it. ``rules-2026.11.30.6`` was tuned on c, so no fold is honest for it.
The files held out for the next change to the rules are never read here.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "identify_second_stage.json"
# every labelled file the rules have been tuned on, oldest first; never the untouched ones
FILES = ("labelled", "fresh", "fresh2", "heldout_a", "heldout_b", "heldout_c")
THRESHOLDS = (0.1, 0.3, 0.5)
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[^\sa-z0-9]", re.IGNORECASE)


def _text_features(texts: tuple[str, str, str]) -> list[str]:
    feats: list[str] = []
    for tag, text in zip(("n", "b", "h"), texts):
        words = [w.lower() for w in _WORD.findall(text)]
        feats += [f"w:{w}" for w in words] + [f"w:{a}_{b}" for a, b in itertools.pairwise(words)]
        if tag == "h":
            feats += [f"h:{w}" for w in words]
    return feats


def _rule_features(a, d) -> list[str]:  # type: ignore[no-untyped-def]
    feats = [f"r:reason={d.reason}", f"r:role={d.role}"]
    for m in a.mentions:
        feats.append(f"m:{m.label}:{m.state}")
        if m.label == "ROLE":
            feats += [f"m:ROLE:{m.tier}:{m.state}", f"m:ROLE:{m.role}:{m.field}"]
    feats += [f"c:{c.label}" for c in a.cues]
    feats += ["g:global_past"] * bool(a.global_past) + ["g:military"] * bool(a.military)
    feats += [f"g:singular={min(a.singular_voice, 2)}", f"g:plural={min(a.plural_voice, 2)}"]
    return feats


def _rows() -> list[dict[str, object]]:
    from crawler.identify.identifier import ProfileText, analyse_many

    rows: list[dict[str, object]] = []
    for name in FILES:
        path = ROOT / "crawler" / "data" / f"profiles_{name}.jsonl"
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        profiles = [
            ProfileText(r["handle"] or "", r["display_name"] or "", r["bio"] or "") for r in records
        ]
        for r, (a, d, texts) in zip(records, analyse_many(profiles)):
            rule = _rule_features(a, d)
            rows.append(
                {
                    "file": name,
                    "truth": bool(r["self_identified"]),
                    "rules": d.self_identified,
                    "text": _text_features(texts),
                    "rule": rule,
                    "candidate": any(f.startswith(("m:ROLE", "m:EMPLOY")) for f in rule),
                }
            )
    return rows


def _prf(rows: list[dict[str, object]], predicted: list[bool]) -> dict[str, float | int]:
    tp = sum(1 for r, p in zip(rows, predicted) if p and r["truth"])
    fp = sum(1 for r, p in zip(rows, predicted) if p and not r["truth"])
    fn = sum(1 for r, p in zip(rows, predicted) if not p and r["truth"])
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
    }


def main() -> None:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from crawler.identify import IDENTIFIER_VERSION

    rows = _rows()
    out: dict[str, object] = {"identifier": IDENTIFIER_VERSION, "rules alone": {}}
    for name in FILES:
        held_rows = [r for r in rows if r["file"] == name]
        out["rules alone"][name] = _prf(held_rows, [bool(r["rules"]) for r in held_rows])  # type: ignore[index]
    for variant in ("text", "text+rules"):
        for population in ("all", "candidates"):
            for threshold in THRESHOLDS:
                per_file: dict[str, object] = {}
                pooled_rows: list[dict[str, object]] = []
                pooled_pred: list[bool] = []
                for held in FILES:

                    def feats(r: dict[str, object], variant: str = variant) -> dict[str, int]:
                        names = list(r["text"])  # type: ignore[call-overload]
                        if variant == "text+rules":
                            names += list(r["rule"])  # type: ignore[call-overload]
                        return dict.fromkeys(names, 1)

                    train = [
                        r
                        for r in rows
                        if r["file"] != held and (population == "all" or r["candidate"])
                    ]
                    test = [r for r in rows if r["file"] == held]
                    vectoriser = DictVectorizer()
                    x = vectoriser.fit_transform([feats(r) for r in train])
                    model = LogisticRegression(C=1.0, max_iter=3000)
                    model.fit(x, [r["truth"] for r in train])
                    p = model.predict_proba(vectoriser.transform([feats(r) for r in test]))[:, 1]
                    predicted = [bool(r["rules"]) and pi >= threshold for r, pi in zip(test, p)]
                    per_file[held] = _prf(test, predicted)
                    pooled_rows += test
                    pooled_pred += predicted
                key = f"veto {variant}, trained on {population}, below {threshold}"
                out[key] = {**per_file, "pooled": _prf(pooled_rows, pooled_pred)}
                print(key, out[key]["pooled"], "c:", per_file["heldout_c"], flush=True)  # type: ignore[index]
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
