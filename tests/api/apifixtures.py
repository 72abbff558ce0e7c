"""Helpers the API tests import (a unique module name: ``conftest`` is ambiguous across folders)."""

from __future__ import annotations

import hashlib
import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from probity.models import (
    Flag,
    GiftHospitality,
    GiftKind,
    ModelVersion,
    OfferorType,
    Platform,
    PlatformAccount,
    Post,
    Prediction,
)

_counter = itertools.count(1)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _model_version(session: Session) -> ModelVersion:
    mv = session.query(ModelVersion).filter_by(version="fixture-v1").one_or_none()
    if mv is None:
        mv = ModelVersion(
            version="fixture-v1",
            kind="fixture",
            path="",
            config={},
            metrics={},
            thresholds={"offensive": 0.5},
        )
        session.add(mv)
        session.flush()
    return mv


def _explanation(text: str, labels: tuple[str, ...]) -> dict | None:
    """The classifier's shape: {label: [{"text", "start", "end", "weight"}]} (occlusion spans)."""
    start = text.find("scum")
    if not labels or start < 0:
        return None
    return {labels[0]: [{"text": "scum", "start": start, "end": start + 4, "weight": 0.42}]}


def create_flag(
    session: Session,
    force_id: str | None,
    labels: tuple[str, ...] = ("offensive",),
    text: str = "They are all scum, every last one of them",
    score: float = 0.91,
    platform: Platform = Platform.bluesky,
    account: PlatformAccount | None = None,
    created_at: datetime | None = None,
) -> Flag:
    """What the classifier leaves behind for a post with ≥1 label."""
    n = next(_counter)
    tag = uuid.uuid4().hex[:8]
    if account is None:
        account = PlatformAccount(
            platform=platform,
            platform_id=f"did:plc:{tag}",
            handle=f"officer{tag}.bsky.social",
            display_name=f"PC Fixture {n}",
            bio=f"Serving officer, {force_id}",
            url=f"https://bsky.app/profile/{tag}",
            self_identified=True,
            force_id=force_id,
            confidence=0.9,
        )
        session.add(account)
        session.flush()
    post = Post(
        platform=account.platform,
        platform_id=f"at://{account.platform_id}/post/{tag}",
        account_id=account.id,
        text=text,
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        url=f"https://bsky.app/profile/{tag}/post/{n}",
        created_at=created_at or datetime.now(UTC) - timedelta(days=1),
        context=[
            {
                "relation": "reply",
                "platform_id": "at://other/1",
                "author_id": "did:plc:other",
                "author_handle": "someone.bsky.social",
                "text": "What do you think of them?",
                "is_account_holder": False,
            }
        ],
    )
    session.add(post)
    session.flush()
    scores = {
        label: (score if label in labels else 0.05)
        for label in ("offensive", "protocol", "negativity", "government")
    }
    prediction = Prediction(
        post_id=post.id,
        model_version_id=_model_version(session).id,
        scores=scores,
        labels=list(labels),
        explanation=_explanation(text, labels),
    )
    session.add(prediction)
    session.flush()
    flag = Flag(
        post_id=post.id,
        prediction_id=prediction.id,
        force_id=force_id,
        labels=list(labels),
        max_score=score,
        risk=score,
    )
    session.add(flag)
    session.flush()
    return flag


def create_gift(
    session: Session, force_id: str, offeror: str = "Acme Security Ltd"
) -> GiftHospitality:
    """One gifts-and-hospitality register row of ``force_id``."""
    gift = GiftHospitality(
        force_id=force_id,
        entry_ref=f"G-{uuid.uuid4().hex[:10]}",
        entry_date=date(2011, 10, 3),
        recipient_role="Police Officer",
        recipient_rank="Inspector",
        chief_officer=False,
        offeror=offeror,
        offeror_type=OfferorType.business,
        kind=GiftKind.hospitality,
        description="Dinner",
        value=Decimal("45.00"),
        accepted=True,
        reason="",
    )
    session.add(gift)
    session.flush()
    return gift
