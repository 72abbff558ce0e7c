"""Analysts' decisions as training examples (``probity train --include-reviewed``).

Only human decisions count: a flag that reached a final status (confirmed or dismissed) gives its
post the labels people settled on (dismissed → no label). Unreviewed predictions, pending or
half-reviewed flags are never used. Reposts are dropped (other people's words), then exact and
near-duplicates (word-trigram Jaccard ≥ 0.5, the corpus check's rule) against the corpus and each
other, before splitting; the split is a stable hash of the account, so one account's posts never
straddle train and test.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from probity.models import DecisionAction, Flag, FlagStatus, PlatformAccount, Post, ReviewDecision
from probity.models.review import LABELS
from training.corpus import load_corpus, split_of
from training.corpus_check import NEAR_DUPLICATE_JACCARD, shingles, words

FINAL = (FlagStatus.confirmed, FlagStatus.dismissed)


def final_labels(flag: Flag, decision: ReviewDecision) -> list[str]:
    if flag.status == FlagStatus.dismissed or decision.action == DecisionAction.dismiss:
        return []
    chosen = (
        decision.labels
        if decision.action == DecisionAction.change or decision.labels
        else flag.labels
    )
    return [label for label in LABELS if label in chosen]


def decided_posts(session: Session) -> list[dict[str, Any]]:
    """One row per post with a final human decision (the latest decision on its flag)."""
    rows = session.execute(
        select(Flag, Post, PlatformAccount)
        .join(Post, Post.id == Flag.post_id)
        .join(PlatformAccount, PlatformAccount.id == Post.account_id)
        .where(
            Flag.status.in_(FINAL),
            Post.is_repost.is_(False),
            Post.reference_only.is_(False),
            Post.text_removed_at.is_(None),  # words removed under the retention schedule
        )
        .order_by(Flag.id)
    ).all()
    out = []
    for flag, post, account in rows:
        if not flag.decisions:
            continue  # a final status without a recorded decision is not a human label we can use
        labels = final_labels(flag, flag.decisions[-1])
        out.append(
            {
                "id": f"reviewed-{post.id}",
                "text": post.text,
                "labels": labels,
                "platform": post.platform.value,
                "kind": "positive" if labels else "negative",
                "account": f"{account.platform.value}:{account.platform_id}",
                "split": split_of("account:" + f"{account.platform.value}:{account.platform_id}"),
            }
        )
    return out


def drop_near_duplicates(
    rows: Sequence[dict[str, Any]], keep_first: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Drop rows whose text is a near-duplicate of an earlier row or of any ``keep_first`` text."""
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    sets: list[set[tuple[str, ...]]] = []

    def is_duplicate(tri: set[tuple[str, ...]]) -> bool:
        common: dict[int, int] = defaultdict(int)
        for t in tri:
            for j in index[t]:
                common[j] += 1
        return any(
            c / (len(tri) + len(sets[j]) - c) >= NEAR_DUPLICATE_JACCARD for j, c in common.items()
        )

    def add(tri: set[tuple[str, ...]]) -> None:
        for t in tri:
            index[t].append(len(sets))
        sets.append(tri)

    def trigrams(text: str) -> set[tuple[str, ...]]:
        tokens = words(text)
        return shingles(tokens, 3) or {tuple(tokens)}

    for text in keep_first:
        add(trigrams(text))
    kept = []
    for row in rows:
        tri = trigrams(row["text"])
        if not is_duplicate(tri):
            kept.append(row)
            add(tri)
    return kept


def reviewed_examples(
    session: Session, corpus: Sequence[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    corpus = load_corpus() if corpus is None else corpus
    return drop_near_duplicates(decided_posts(session), keep_first=[r["text"] for r in corpus])
