"""``probity sample load``: a deterministic reference data return for all 44 forces,
September 2011 – May 2012, whose totals equal HMIC's published figures (``figures.py``).

Loading is one transaction and idempotent: a second load changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from probity.db import upsert
from probity.models import (
    BusinessInterest,
    Contract,
    DecisionAction,
    Flag,
    FlagStatus,
    GiftHospitality,
    Investigation,
    PlatformAccount,
    Post,
    Referral,
    ReferralItem,
    ReviewDecision,
)
from registers.sample.investigations import sample_investigations
from registers.sample.planted import PlantedCase, plant
from registers.sample.registers import sample_business_interests, sample_contracts, sample_gifts
from registers.sample.social import sample_social

log = logging.getLogger(__name__)
DEFAULT_SEED = 2012
SAMPLE_REVIEWER = "hmic-2012-research"
SAMPLE_PREFIX = "sample-"


@dataclass
class SampleData:
    investigations: list[dict[str, Any]]
    gifts: list[dict[str, Any]]
    interests: list[dict[str, Any]]
    contracts: list[dict[str, Any]]
    social: dict[str, list[dict[str, Any]]]
    planted: list[PlantedCase] = field(default_factory=list)


def build_sample(seed: int = DEFAULT_SEED, *, plant_cases: bool = True) -> SampleData:
    """The sample; ``plant_cases=False`` gives the clean data set the cross-check tests start from."""
    rng = random.Random(seed)
    investigations = sample_investigations(rng)
    gifts = sample_gifts(rng)
    interests = sample_business_interests(rng)
    contracts = sample_contracts(rng)
    planted = plant(gifts, interests, contracts) if plant_cases else []
    return SampleData(investigations, gifts, interests, contracts, sample_social(rng), planted)


@dataclass(frozen=True)
class LoadSummary:
    investigations: int
    gifts: int
    interests: int
    contracts: int
    accounts: int
    instances: int
    social_loaded: bool


def load_sample(
    session: Session, seed: int = DEFAULT_SEED, *, plant_cases: bool = True
) -> LoadSummary:
    data = build_sample(seed, plant_cases=plant_cases)
    upsert(session, Investigation, data.investigations, keys=["force_id", "case_ref"])
    upsert(session, GiftHospitality, data.gifts, keys=["force_id", "entry_ref"])
    upsert(session, BusinessInterest, data.interests, keys=["force_id", "entry_ref"])
    upsert(session, Contract, data.contracts, keys=["force_id", "contract_ref"])
    loaded = _load_social(session, data.social["accounts"])
    instances = sum(a["instances"] for a in data.social["accounts"])
    summary = LoadSummary(
        len(data.investigations),
        len(data.gifts),
        len(data.interests),
        len(data.contracts),
        len(data.social["accounts"]),
        instances,
        loaded,
    )
    log.info("sample loaded: %s", summary)
    return summary


def _load_social(session: Session, accounts: list[dict[str, Any]]) -> bool:
    already = session.scalar(
        select(func.count())
        .select_from(PlatformAccount)
        .where(PlatformAccount.platform_id.like(f"{SAMPLE_PREFIX}%"))
    )
    if already:
        return False  # loaded before, in one transaction: nothing to add
    # Bulk inserts with RETURNING: one statement per table instead of one per row.
    account_rows = []
    for a in accounts:
        a["platform_id"] = f"{SAMPLE_PREFIX}{a['force_id']}-{a['n']:04d}"
        account_rows.append(
            {
                "platform": a["platform"],
                "platform_id": a["platform_id"],
                "handle": f"sample_{a['force_id']}_{a['n']:04d}",
                "display_name": "",
                "bio": "",
                "url": "",
                "captured_at": a["first_seen"],
                "first_seen": a["first_seen"],
                "last_seen": a["first_seen"],
                "self_identified": True,
                "role": a["role"],
                "force_id": a["force_id"],
                "confidence": 1.0,
                "evidence": ["HMIC 2012 reference data (sample)"],
                "identified_at": a["first_seen"],
                "identifier_version": "hmic-2012-sample",
            }
        )
    account_ids = dict(
        session.execute(
            insert(PlatformAccount).returning(PlatformAccount.platform_id, PlatformAccount.id),
            account_rows,
        ).all()
    )
    flagged = [a for a in accounts if a["posts"]]
    post_rows, post_meta = [], {}
    for a in flagged:
        for i, p in enumerate(a["posts"], 1):
            text = f"HMIC 2012 reference data: one instance in the category '{p['label']}' (sample)"
            platform_id = f"{a['platform_id']}/post/{i}"
            post_rows.append(
                {
                    "platform": a["platform"],
                    "platform_id": platform_id,
                    "account_id": account_ids[a["platform_id"]],
                    "text": text,
                    "url": "",
                    "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                    "is_repost": False,
                    "reference_only": True,
                    "created_at": p["created_at"],
                    "captured_at": p["created_at"],
                    "last_seen": p["created_at"],
                }
            )
            post_meta[platform_id] = (a, p)
    post_ids = session.execute(insert(Post).returning(Post.platform_id, Post.id), post_rows).all()
    flag_rows = [
        {
            "post_id": post_id,
            "force_id": post_meta[pid][0]["force_id"],
            "labels": [post_meta[pid][1]["label"]],
            "max_score": 1.0,
            "status": FlagStatus.confirmed,
            "created_at": post_meta[pid][1]["created_at"],
            "updated_at": post_meta[pid][1]["created_at"],
        }
        for pid, post_id in post_ids
    ]
    flag_ids = session.execute(insert(Flag).returning(Flag.post_id, Flag.id), flag_rows).all()
    by_post = {post_id: pid for pid, post_id in post_ids}
    referral_rows = [
        {
            "force_id": a["force_id"],
            "account_id": account_ids[a["platform_id"]],
            "created_at": max(p["created_at"] for p in a["posts"]) + timedelta(days=7),
        }
        for a in flagged
    ]
    referral_ids = dict(
        session.execute(
            insert(Referral).returning(Referral.account_id, Referral.id), referral_rows
        ).all()
    )
    decisions, items = [], []
    for post_id, flag_id in flag_ids:
        a, p = post_meta[by_post[post_id]]
        decided = p["created_at"] + timedelta(days=3)
        decisions.append(
            {
                "flag_id": flag_id,
                "reviewer": SAMPLE_REVIEWER,
                "action": DecisionAction.confirm,
                "labels": [p["label"]],
                "note": "referred to the force by HMIC's research",
                "decided_at": decided,
            }
        )
        items.append(
            {
                "referral_id": referral_ids[account_ids[a["platform_id"]]],
                "flag_id": flag_id,
                "labels": [p["label"]],
                "added_at": decided,
            }
        )
    session.execute(insert(ReviewDecision), decisions)
    session.execute(insert(ReferralItem), items)
    return True
