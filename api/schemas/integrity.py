"""Schemas for registers, statistics, cross-checks and reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Strict


class ScopeQuery(Strict):
    force_id: str | None = Field(
        None,
        max_length=40,
        description="National callers may pick a force; a force key sees only its own.",
    )
    date_from: date | None = None
    date_to: date | None = None


class StatsQuery(ScopeQuery):
    published: bool = Field(
        False, description="Suppress counts from 1 to 4 as '<5' for publication."
    )


class CrosscheckQuery(Strict):
    force_id: str | None = Field(None, max_length=40)
    as_of: date | None = Field(
        None, description="Judge review dates as at this day (default today)."
    )


class RegisterQuery(Strict):
    page_size: int = Field(50, ge=1, le=500)
    page_token: str | None = None
    date_from: date | None = None
    date_to: date | None = None


class Row(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    force_id: str


class GiftOut(Row):
    entry_ref: str
    entry_date: date
    recipient_role: str
    recipient_rank: str
    chief_officer: bool
    offeror: str
    offeror_type: str
    kind: str
    description: str
    value: Decimal
    accepted: bool
    reason: str


class InterestOut(Row):
    entry_ref: str
    applied_on: date
    applicant_role: str
    category: str
    business_name: str
    status: str
    conditions: str
    decided_on: date | None
    next_review_on: date | None
    pdr_reviewed: bool


class ContractOut(Row):
    contract_ref: str
    supplier: str
    description: str
    value: Decimal
    awarded_on: date
    route: str


class InvestigationOut(Row):
    case_ref: str
    type: str
    recipient: str | None
    media_scope: str | None
    status: str
    suspended: bool
    opened_on: date
    closed_on: date | None


class FindingOut(BaseModel):
    check: str
    force: str
    summary: str
    rows: list[dict[str, Any]]


class ImportOut(BaseModel):
    # aliased: a field named "register" would shadow BaseModel.register
    register_name: str = Field(
        alias="register", description="gifts, interests, contracts or investigations."
    )
    rows: int = Field(description="Entries in the file (blank lines are not entries).")
    inserted: int
    updated: int
    unchanged: int


class ImportProblem(BaseModel):
    row: int = Field(description="Spreadsheet row: the header is row 1.")
    column: str | None
    reason: str


class ImportRejectedOut(BaseModel):
    """A rejected file (``problems`` and ``errors`` set), or a malformed request (FastAPI's list)."""

    detail: Any = Field(
        description="A rejected file: the same short report the command line prints."
    )
    message: str | None = None
    problems: int | None = Field(None, description="How many problems the file had in all.")
    errors: list[ImportProblem] | None = Field(
        None, description="The first 50 problems, in row order."
    )
