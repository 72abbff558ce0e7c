"""Scoring verdicts against the labelled profile set.

Precision and recall are of ``self_identified``. Force accuracy is measured on true positives the
system also found: the force must equal the truth, and null for a truth of null counts as correct.
Role accuracy is reported the same way. The set is split into dev and test halves by a stable hash
of the id, so rules tuned on dev can be checked on profiles they were not tuned on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from crawler.identify.identifier import Verdict, identify_many
from crawler.identify.io import ROLES, ProfileRow, read_profiles
from probity.errors import InputFileError, RowError
from probity.forces import FORCE_IDS

Split = Literal["dev", "test", "all"]
DEFAULT_LABELLED = Path(__file__).resolve().parents[1] / "data" / "profiles_labelled.jsonl"


def split_of(profile_id: str) -> Literal["dev", "test"]:
    """Stable half of the set a profile belongs to (independent of file order and Python's hash)."""
    return "dev" if hashlib.sha256(profile_id.encode("utf-8")).digest()[0] % 2 == 0 else "test"


@dataclass(frozen=True)
class Truth:
    self_identified: bool
    force: str | None
    role: str | None
    kind: str = ""


@dataclass
class Scores:
    n: int = 0
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    force_correct: int = 0
    role_correct: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else 1.0

    @property
    def force_accuracy(self) -> float:
        return self.force_correct / self.true_positive if self.true_positive else 1.0

    @property
    def role_accuracy(self) -> float:
        return self.role_correct / self.true_positive if self.true_positive else 1.0

    def summary(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "errors"}
        data.update(
            precision=round(self.precision, 4),
            recall=round(self.recall, 4),
            force_accuracy=round(self.force_accuracy, 4),
            role_accuracy=round(self.role_accuracy, 4),
        )
        return data


def score(truths: Mapping[str, Truth], verdicts: Mapping[str, Verdict]) -> Scores:
    """Score ``verdicts`` against ``truths`` (same ids; a missing verdict is an error)."""
    missing = sorted(set(truths) - set(verdicts))
    if missing:
        raise ValueError(f"no verdict for {len(missing)} labelled profile(s), e.g. {missing[:3]}")
    s = Scores()
    for pid, truth in truths.items():
        v = verdicts[pid]
        s.n += 1
        if truth.self_identified and v.self_identified:
            s.true_positive += 1
            s.force_correct += v.force == truth.force
            s.role_correct += v.role == truth.role
            if v.force != truth.force or v.role != truth.role:
                s.errors.append(
                    {"id": pid, "error": "force/role", "truth": asdict(truth), "got": asdict(v)}
                )
        elif v.self_identified:
            s.false_positive += 1
            s.errors.append(
                {"id": pid, "error": "false positive", "truth": asdict(truth), "got": asdict(v)}
            )
        elif truth.self_identified:
            s.false_negative += 1
            s.errors.append(
                {"id": pid, "error": "false negative", "truth": asdict(truth), "got": asdict(v)}
            )
        else:
            s.true_negative += 1
    return s


def read_truths(rows: Iterable[ProfileRow], source: str) -> dict[str, Truth]:
    """The truth columns of labelled rows, with row-level errors for bad values."""
    truths: dict[str, Truth] = {}
    errors: list[RowError] = []
    for n, row in enumerate(rows, 1):
        raw = row.raw
        si, force, role = raw.get("self_identified"), raw.get("force"), raw.get("role")
        if not isinstance(si, bool):
            errors.append(RowError(n, "self_identified", "must be true or false"))
        if force is not None and force not in FORCE_IDS:
            errors.append(RowError(n, "force", f"unknown force id {force!r}"))
        if role is not None and role not in ROLES:
            errors.append(RowError(n, "role", f"unknown role {role!r}"))
        if si is False and (force is not None or role is not None):
            errors.append(
                RowError(n, "force", "a profile that is not self-identified has no force or role")
            )
        truths[row.id] = Truth(bool(si), force, role, str(raw.get("kind", "")))
    if errors:
        raise InputFileError(source, errors)
    return truths


def evaluate(path: Path = DEFAULT_LABELLED, split: Split = "all") -> Scores:
    """Run the identifier on the labelled file (or one half of it) and score it."""
    rows = [r for r in read_profiles(path) if split == "all" or split_of(r.id) == split]
    truths = read_truths(rows, str(path))
    verdicts = dict(zip((r.id for r in rows), identify_many(r.profile for r in rows)))
    return score(truths, verdicts)
