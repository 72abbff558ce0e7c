"""Pseudonymised export of decided flags for retraining: post text with handles and URLs
removed, the model's and the people's labels, the referral outcome, and a keyed pseudonym of the
account (stable, so posts of one account can be grouped, but not reversible without the secret).

Special-category posts (labelled ``government`` only: political opinion) are not rows at all:
the file ends with their count per decision."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.security import pseudonym
from api.services.presenters import model_evidence
from probity.models import Flag, FlagStatus, PlatformAccount, Post, Referral, ReferralItem
from probity.special_category import SPECIAL_CATEGORY_LABELS, decided_labels, is_special_category

BATCH = 500
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_MENTION = re.compile(r"(?<![\w@])@[\w.\-]+(?:@[\w.\-]+)?")


def scrub(text: str, account: PlatformAccount | None = None) -> str:
    text = _URL.sub("<url>", text)
    text = _MENTION.sub("@user", text)
    if account is not None:
        for own in {account.handle, account.display_name} - {""}:
            if len(own) >= 3:
                text = re.sub(re.escape(own), "<account>", text, flags=re.IGNORECASE)
    return text


def training_rows(session: Session, secret: str) -> Iterator[dict[str, Any]]:
    """One row per decided flag, then one count row per decision for the special-category posts
    (political opinion only), which never leave as text, scores or pseudonyms (issue #15)."""
    withheld: dict[str, int] = {}
    after = 0
    while True:
        flags = list(
            session.scalars(
                select(Flag)
                .where(
                    Flag.status.in_((FlagStatus.confirmed, FlagStatus.dismissed)), Flag.id > after
                )
                .order_by(Flag.id)
                .limit(BATCH)
            )
        )
        if not flags:
            yield from special_category_counts(withheld)
            return
        for flag in flags:
            if is_special_category(decided_labels(flag.labels, flag.decisions)):
                withheld[flag.status.value] = withheld.get(flag.status.value, 0) + 1
                continue
            post = session.get_one(Post, flag.post_id)  # foreign keys: both rows exist
            if post.text_removed_at is not None:
                continue  # its words were removed under the retention schedule
            account = session.get_one(PlatformAccount, post.account_id)
            final = flag.decisions[-1] if flag.decisions else None
            outcome = session.scalar(
                select(Referral.outcome).join(ReferralItem).where(ReferralItem.flag_id == flag.id)
            )
            model = model_evidence(session, flag)
            yield {
                "example_id": pseudonym(
                    secret, "post", f"{post.platform.value}:{post.platform_id}"
                ),
                "account": pseudonym(
                    secret, "account", f"{account.platform.value}:{account.platform_id}"
                ),
                "platform": post.platform.value,
                "text": scrub(post.text, account),
                "model_version": model.model_version,
                "model_labels": model.labels,
                "scores": model.scores,
                "decision": flag.status.value,
                "labels": list(final.labels)
                if final and flag.status is FlagStatus.confirmed
                else [],
                "reviews": len(flag.decisions),
                "outcome": outcome.value if outcome else None,
                "decided_on": final.decided_at.date().isoformat() if final else None,
            }
        after = flags[-1].id
        session.expunge_all()


def special_category_counts(withheld: dict[str, int]) -> Iterator[dict[str, Any]]:
    """What a researcher learns of special-category posts: how many there were, per decision."""
    for decision in sorted(withheld):
        yield {
            "record": "special_category_count",
            "labels": sorted(SPECIAL_CATEGORY_LABELS),
            "decision": decision,
            "count": withheld[decision],
        }


def jsonl(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"
