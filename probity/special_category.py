"""Special category data (UK GDPR art. 9): a post whose only label is ``government`` reveals a
political opinion and nothing else the Standards of Professional Behaviour are concerned with.

Such a post is shown only to national analysts and to the force it concerns, leaves research
exports only as a count, and its statistics are always published with small-cell suppression.
A post that also carries another label is referred for that other reason and treated like any
other flag (the analyst still sees the government label).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

SPECIAL_CATEGORY_LABELS: frozenset[str] = frozenset({"government"})
WITHHELD = "[withheld: special category data (political opinion) of another force]"


def is_special_category(labels: Iterable[Any]) -> bool:
    """True when every label is a special-category one (and there is at least one)."""
    found = {str(label) for label in labels}
    return bool(found) and found <= SPECIAL_CATEGORY_LABELS


def decided_labels(model_labels: Sequence[Any], decisions: Iterable[Any]) -> list[Any]:
    """The labels people settled on (the last decision that referred something), else the
    model's: the labels a post is judged special category by.

    ``decisions`` are ``ReviewDecision``-like rows in order (``action`` and ``labels``)."""
    labels: list[Any] = list(model_labels)
    for decision in decisions:
        action = getattr(decision.action, "value", decision.action)
        if action != "dismiss":
            labels = list(decision.labels or [])
    return labels
