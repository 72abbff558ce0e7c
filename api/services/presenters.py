"""Turn stored rows into the evidence people review and forces receive."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.schemas.flags import (
    AccountOut,
    ContextItem,
    DecisionOut,
    FlagDetail,
    FlagSummary,
    ModelEvidence,
    PostEvidence,
    PostVersionOut,
)
from probity.models import (
    Flag,
    ModelVersion,
    PlatformAccount,
    Post,
    Prediction,
    ReferralItem,
    ReviewDecision,
)

EXCERPT_CHARS = 160


def post_evidence(post: Post) -> PostEvidence:
    context = [
        ContextItem(
            relation=str(c.get("relation", "")),
            author_handle=c.get("author_handle"),
            text=str(c.get("text", "")),
            is_account_holder=bool(c.get("is_account_holder", False)),
        )
        for c in (post.context or [])
        if isinstance(c, dict)
    ]
    versions = [
        PostVersionOut(
            text=v.text,
            sha256=v.text_sha256,
            content_warning=v.content_warning,
            seen_at=v.seen_at,
            edited_at=v.edited_at,
            signal=v.signal,
            labels=list(v.predictions[-1].labels) if v.predictions else None,
        )
        for v in post.versions
    ]
    return PostEvidence(
        id=post.id,
        platform=post.platform,
        platform_id=post.platform_id,
        url=post.url,
        text=post.text,
        sha256=post.text_sha256,
        content_warning=post.content_warning or "",
        created_at=post.created_at,
        captured_at=post.captured_at,
        deleted_at=post.deleted_at,
        edited=bool(versions),
        versions=versions,
        context=context,
    )


def account_out(account: PlatformAccount) -> AccountOut:
    return AccountOut(
        id=account.id,
        platform=account.platform,
        handle=account.handle,
        display_name=account.display_name,
        url=account.url,
        force_id=account.force_id,
        role=account.role.value if account.role else None,
        role_evidence=account.role_evidence,
    )


def decision_out(d: ReviewDecision) -> DecisionOut:
    return DecisionOut(
        id=d.id,
        flag_id=d.flag_id,
        reviewer=d.reviewer,
        action=d.action,
        labels=list(d.labels or []),
        note=d.note,
        decided_at=d.decided_at,
    )


def model_evidence(session: Session, flag: Flag) -> ModelEvidence:
    prediction = session.get(Prediction, flag.prediction_id) if flag.prediction_id else None
    if prediction is None:
        return ModelEvidence(
            model_version=None, labels=list(flag.labels), scores={}, explanation=None
        )
    version = session.get(ModelVersion, prediction.model_version_id)
    return ModelEvidence(
        model_version=version.version if version else None,
        labels=list(prediction.labels),
        scores=dict(prediction.scores or {}),
        explanation=prediction.explanation,
    )


def model_evidence_many(session: Session, flags: list[Flag]) -> dict[int, ModelEvidence]:
    """``model_evidence`` for many flags in two statements (predictions, then their versions)."""
    ids = {f.prediction_id for f in flags if f.prediction_id}
    predictions = (
        {p.id: p for p in session.scalars(select(Prediction).where(Prediction.id.in_(ids)))}
        if ids
        else {}
    )
    version_ids = {p.model_version_id for p in predictions.values()}
    versions = (
        {
            v_id: name
            for v_id, name in session.execute(
                select(ModelVersion.id, ModelVersion.version).where(
                    ModelVersion.id.in_(version_ids)
                )
            )
        }
        if version_ids
        else {}
    )
    out = {}
    for flag in flags:
        prediction = predictions.get(flag.prediction_id) if flag.prediction_id else None
        out[flag.id] = (
            ModelEvidence(
                model_version=versions.get(prediction.model_version_id),
                labels=list(prediction.labels),
                scores=dict(prediction.scores or {}),
                explanation=prediction.explanation,
            )
            if prediction is not None
            else ModelEvidence(
                model_version=None, labels=list(flag.labels), scores={}, explanation=None
            )
        )
    return out


def excerpt_of(text: str) -> str:
    """A post's text as a list shows it: at most ``EXCERPT_CHARS`` characters."""
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def flag_summary(flag: Flag, post: Post) -> FlagSummary:
    excerpt = excerpt_of(post.text)
    return FlagSummary(
        id=flag.id,
        status=flag.status,
        force_id=flag.force_id,
        labels=list(flag.labels),
        max_score=flag.max_score,
        platform=post.platform,
        post_created_at=post.created_at,
        created_at=flag.created_at,
        claimed_by=flag.claimed_by,
        excerpt=excerpt,
        reason=flag.reason,
        risk=flag.risk,
        language=flag.language,
        version=flag.version,
        account_role=post.account.role.value if post.account.role else None,
    )


def flag_detail(session: Session, flag: Flag) -> FlagDetail:
    post = session.get(Post, flag.post_id)
    assert post is not None  # foreign key
    referral_id = session.scalar(
        select(ReferralItem.referral_id).where(ReferralItem.flag_id == flag.id)
    )
    return FlagDetail(
        **flag_summary(flag, post).model_dump(),
        post=post_evidence(post),
        account=account_out(post.account),
        model=model_evidence(session, flag),
        decisions=[decision_out(d) for d in flag.decisions],
        referral_id=referral_id,
    )
