"""Cross-checks between registers, as HMIC recommended and most forces did not do.

- hospitality_supplier: a gift or hospitality from an offeror that is, or later becomes, a
  supplier of the same force (fuzzy organisation-name match within a configurable window);
- interest_supplier: a business interest whose business matches a supplier of the force;
- chief_officer: every chief-officer register entry, listed for peer review;
- warned_category: approvals in categories the guidance warns about;
- review_overdue / conditions_not_reviewed: approvals past their review date, or with conditions
  never checked at a PDR.
Each finding carries the rows that raised it, so a reviewer can check it without a query.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, TypeVar

from rapidfuzz import fuzz
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from probity.models import (
    BusinessInterest,
    Contract,
    GiftHospitality,
    InterestCategory,
    InterestStatus,
)

LEGAL_WORDS = {
    "ltd",
    "limited",
    "plc",
    "llp",
    "llc",
    "inc",
    "co",
    "company",
    "group",
    "uk",
    "the",
    "and",
}
APPROVED = (InterestStatus.approved, InterestStatus.approved_with_conditions)


@dataclass(frozen=True)
class CrosscheckConfig:
    window_before_days: int = 730  # a supplier awarded a contract up to this long before the gift
    window_after_days: int = 365  # … or that becomes one up to this long after it
    name_threshold: float = 90.0  # rapidfuzz token_sort_ratio on normalised names
    warned_categories: frozenset[InterestCategory] = frozenset(
        {
            InterestCategory.private_investigation,
            InterestCategory.media_consultancy,
            InterestCategory.police_related_training,
        }
    )


@dataclass(frozen=True)
class Finding:
    check: str
    force_id: str
    summary: str
    rows: list[dict[str, Any]] = field(hash=False)

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(r["ref"] for r in self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "force": self.force_id,
            "summary": self.summary,
            "rows": self.rows,
        }


@lru_cache(maxsize=65536)
def normalise_org(name: str) -> str:
    words = re.sub(r"[^a-z0-9 ]+", " ", name.lower().replace("&", " and ")).split()
    return " ".join(w for w in words if w not in LEGAL_WORDS)


def same_organisation(a: str, b: str, threshold: float) -> bool:
    na, nb = normalise_org(a), normalise_org(b)
    return bool(na and nb) and fuzz.token_sort_ratio(na, nb) >= threshold


def _gift_row(g: GiftHospitality) -> dict[str, Any]:
    return {
        "register": "gifts_hospitality",
        "ref": g.entry_ref,
        "date": g.entry_date.isoformat(),
        "offeror": g.offeror,
        "offeror_type": g.offeror_type.value,
        "kind": g.kind.value,
        "value": str(g.value),
        "accepted": g.accepted,
        "recipient_rank": g.recipient_rank,
        "chief_officer": g.chief_officer,
    }


def _contract_row(c: Contract) -> dict[str, Any]:
    return {
        "register": "contracts",
        "ref": c.contract_ref,
        "date": c.awarded_on.isoformat(),
        "supplier": c.supplier,
        "value": str(c.value),
        "route": c.route,
    }


def _interest_row(b: BusinessInterest) -> dict[str, Any]:
    return {
        "register": "business_interests",
        "ref": b.entry_ref,
        "date": b.applied_on.isoformat(),
        "business_name": b.business_name,
        "category": b.category.value,
        "status": b.status.value,
        "conditions": b.conditions,
        "next_review_on": b.next_review_on.isoformat() if b.next_review_on else None,
        "pdr_reviewed": b.pdr_reviewed,
    }


_Register = TypeVar("_Register", Contract, GiftHospitality, BusinessInterest)


def run_crosschecks(
    session: Session,
    force_id: str | None = None,
    as_of: date | None = None,
    config: CrosscheckConfig | None = None,
) -> list[Finding]:
    """All findings for one force (or all), judged as at ``as_of`` (default today)."""
    config = config or CrosscheckConfig()
    as_of = as_of or date.today()

    def scoped(model: type[_Register]) -> Select[_Register]:
        stmt = select(model)
        return stmt.where(model.force_id == force_id) if force_id else stmt

    contracts: dict[str, list[Contract]] = defaultdict(list)
    for c in session.scalars(scoped(Contract).order_by(Contract.force_id, Contract.contract_ref)):
        contracts[c.force_id].append(c)
    gifts = list(
        session.scalars(
            scoped(GiftHospitality).order_by(GiftHospitality.force_id, GiftHospitality.entry_ref)
        )
    )
    interests = list(
        session.scalars(
            scoped(BusinessInterest).order_by(BusinessInterest.force_id, BusinessInterest.entry_ref)
        )
    )
    findings: list[Finding] = []
    before, after = (
        timedelta(days=config.window_before_days),
        timedelta(days=config.window_after_days),
    )
    for g in gifts:
        for c in contracts[g.force_id]:
            in_window = g.entry_date - before <= c.awarded_on <= g.entry_date + after
            if in_window and same_organisation(g.offeror, c.supplier, config.name_threshold):
                when = "later became" if c.awarded_on > g.entry_date else "was already"
                findings.append(
                    Finding(
                        "hospitality_supplier",
                        g.force_id,
                        f"{g.kind.value} from {g.offeror!r} on {g.entry_date}; the offeror {when} "
                        f"a supplier ({c.supplier!r}, contract {c.contract_ref} on {c.awarded_on})",
                        [_gift_row(g), _contract_row(c)],
                    )
                )
        if g.chief_officer:
            findings.append(
                Finding(
                    "chief_officer",
                    g.force_id,
                    f"chief officer ({g.recipient_rank}) {g.kind.value} from {g.offeror!r}: "
                    "for peer review",
                    [_gift_row(g)],
                )
            )
    for b in interests:
        if b.status in (InterestStatus.refused, InterestStatus.withdrawn):
            continue
        for c in contracts[b.force_id]:
            if b.business_name and same_organisation(
                b.business_name, c.supplier, config.name_threshold
            ):
                findings.append(
                    Finding(
                        "interest_supplier",
                        b.force_id,
                        f"business interest {b.business_name!r} matches supplier {c.supplier!r}",
                        [_interest_row(b), _contract_row(c)],
                    )
                )
        if b.status not in APPROVED:
            continue
        if b.category in config.warned_categories:
            findings.append(
                Finding(
                    "warned_category",
                    b.force_id,
                    f"{b.status.value} in a category the guidance warns about: {b.category.value}",
                    [_interest_row(b)],
                )
            )
        if b.next_review_on is not None and b.next_review_on < as_of:
            findings.append(
                Finding(
                    "review_overdue",
                    b.force_id,
                    f"review was due on {b.next_review_on}",
                    [_interest_row(b)],
                )
            )
        if b.status is InterestStatus.approved_with_conditions and not b.pdr_reviewed:
            findings.append(
                Finding(
                    "conditions_not_reviewed",
                    b.force_id,
                    "approved with conditions never checked at a PDR",
                    [_interest_row(b)],
                )
            )
    return findings
