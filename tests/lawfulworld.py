"""A small world for the retention and subject-access tests: accounts, posts, flags and referrals
in every state the retention schedule distinguishes, all dated from one day ``T0``."""

from __future__ import annotations

import hashlib
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from probity.models import (
    DecisionAction,
    Flag,
    FlagStatus,
    ModelVersion,
    Platform,
    PlatformAccount,
    Post,
    PostVersion,
    Prediction,
    RawItem,
    Referral,
    ReferralItem,
    ReferralStatus,
    ReviewDecision,
    VersionPrediction,
)

T0 = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
_n = itertools.count(1)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def model_version(session: Session) -> ModelVersion:
    mv = session.query(ModelVersion).filter_by(version="lawful-v1").one_or_none()
    if mv is None:
        mv = ModelVersion(
            version="lawful-v1", kind="fixture", path="", config={}, metrics={}, thresholds={}
        )
        session.add(mv)
        session.flush()
    return mv


def account(
    session: Session, force_id: str, *, at: datetime = T0, raw: bool = True, **kw: object
) -> PlatformAccount:
    tag = uuid.uuid4().hex[:10]
    row = PlatformAccount(
        platform=Platform.bluesky,
        platform_id=f"did:plc:{tag}",
        handle=f"pc{tag}.bsky.social",
        display_name=f"PC Lawful {next(_n)}",
        bio=f"Serving officer with {force_id}. Views my own.",
        url=f"https://bsky.app/profile/pc{tag}",
        raw={"did": f"did:plc:{tag}", "description": "Serving officer"} if raw else None,
        captured_at=at,
        first_seen=at,
        last_seen=at,
        self_identified=True,
        role="officer",
        role_evidence="PC",
        force_id=force_id,
        confidence=0.9,
        evidence=["Serving officer"],
        identified_at=at,
        **kw,
    )
    session.add(row)
    session.flush()
    return row


def post(
    session: Session,
    owner: PlatformAccount,
    text: str,
    *,
    at: datetime = T0,
    raw_item: bool = False,
    explanation: bool = True,
) -> Post:
    n = next(_n)
    row = Post(
        platform=owner.platform,
        platform_id=f"at://{owner.platform_id}/post/{n}",
        account_id=owner.id,
        text=text,
        text_sha256=sha(text),
        content_warning="cw",
        url=f"https://bsky.app/post/{n}",
        created_at=at,
        captured_at=at,
        last_seen=at,
        context=[{"relation": "reply", "text": "someone else's words"}],
        raw={"text": text},
    )
    session.add(row)
    session.flush()
    version = PostVersion(
        post_id=row.id, text=text + " (edited)", text_sha256=sha(text + "e"), seen_at=at
    )
    session.add(version)
    session.flush()
    session.add(  # the edited text, classified too
        VersionPrediction(
            post_version_id=version.id,
            model_version_id=model_version(session).id,
            scores={"offensive": 0.2},
            labels=[],
            explanation={"offensive": [{"text": text.split()[0]}]} if explanation else None,
            created_at=at,
        )
    )
    session.add(
        Prediction(
            post_id=row.id,
            model_version_id=model_version(session).id,
            scores={"offensive": 0.9},
            labels=["offensive"],
            explanation={"offensive": [{"text": text.split()[0]}]} if explanation else None,
            created_at=at,
        )
    )
    if raw_item:
        session.add(
            RawItem(
                platform=owner.platform,
                item_type="post",
                platform_id=row.platform_id,
                payload={"text": text},
                payload_sha256=sha(row.platform_id),
                captured_at=at,
                account_key=owner.platform_id,
            )
        )
    session.flush()
    return row


def flag(
    session: Session, target: Post, status: FlagStatus, *, at: datetime = T0, note: str = ""
) -> Flag:
    owner = session.get(PlatformAccount, target.account_id)
    assert owner is not None
    prediction = session.query(Prediction).filter_by(post_id=target.id).first()
    row = Flag(
        post_id=target.id,
        prediction_id=prediction.id if prediction else None,
        force_id=owner.force_id,
        labels=["offensive"],
        max_score=0.9,
        risk=0.9,
        status=status,
        created_at=at,
        updated_at=at,
    )
    session.add(row)
    session.flush()
    if status in (FlagStatus.dismissed, FlagStatus.confirmed):
        action = (
            DecisionAction.dismiss if status is FlagStatus.dismissed else DecisionAction.confirm
        )
        session.add(
            ReviewDecision(
                flag_id=row.id,
                reviewer="pb_analyst",
                action=action,
                labels=[] if action is DecisionAction.dismiss else ["offensive"],
                note=note,
                decided_at=at,
            )
        )
        session.flush()
    return row


def refer(
    session: Session,
    flagged: Flag,
    *,
    at: datetime = T0,
    closed_at: datetime | None = None,
    note: str = "",
) -> Referral:
    target = session.get(Post, flagged.post_id)
    assert target is not None and flagged.force_id is not None
    referral = Referral(force_id=flagged.force_id, account_id=target.account_id, created_at=at)
    if closed_at is not None:
        referral.status = ReferralStatus.closed
        referral.outcome = "management_advice"  # type: ignore[assignment]
        referral.outcome_note, referral.outcome_at = note, closed_at
    session.add(referral)
    session.flush()
    session.add(ReferralItem(referral_id=referral.id, flag_id=flagged.id, labels=["offensive"]))
    session.flush()
    return referral


@dataclass
class World:
    posts: dict[str, Post] = field(default_factory=dict)
    accounts: dict[str, PlatformAccount] = field(default_factory=dict)
    flags: dict[str, Flag] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)
    post_ids: dict[str, int] = field(default_factory=dict)  # readable after a post is deleted


def build(session: Session) -> World:
    """One row in each state the schedule tells apart (names say which)."""
    w = World()
    a = w.accounts["in_scope"] = account(session, "wiltshire")
    w.posts["unflagged"] = post(session, a, "Lovely day on patrol", raw_item=True)
    w.posts["dismissed"] = post(session, a, "Scum weather today")
    w.flags["dismissed"] = flag(session, w.posts["dismissed"], FlagStatus.dismissed, note="weather")
    w.posts["pending"] = post(session, a, "Pending words")
    w.flags["pending"] = flag(session, w.posts["pending"], FlagStatus.pending)
    w.posts["open_referral"] = post(session, a, "Open referral words", raw_item=True)
    w.flags["open_referral"] = flag(session, w.posts["open_referral"], FlagStatus.confirmed)
    w.referrals["open"] = refer(session, w.flags["open_referral"])
    # a closed referral under the schedule's default period, and one under a force's own
    d = w.accounts["closed_default"] = account(session, "wiltshire", raw=False)
    w.posts["closed_default"] = post(session, d, "Closed default words")
    w.flags["closed_default"] = flag(session, w.posts["closed_default"], FlagStatus.confirmed)
    w.referrals["closed_default"] = refer(
        session, w.flags["closed_default"], closed_at=T0, note="advice given"
    )
    b = w.accounts["closed_force"] = account(session, "leicestershire", raw=False)
    w.posts["closed_force"] = post(session, b, "Closed force words")
    w.flags["closed_force"] = flag(session, w.posts["closed_force"], FlagStatus.confirmed)
    w.referrals["closed_force"] = refer(
        session, w.flags["closed_force"], closed_at=T0, note="written warning"
    )
    c = w.accounts["left"] = account(session, "wiltshire", left_scope_at=T0)
    c.left_scope_reason = "retired"
    w.posts["left"] = post(session, c, "Retired life words", explanation=False)
    session.flush()
    w.post_ids = {name: p.id for name, p in w.posts.items()}
    return w
