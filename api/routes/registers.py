"""Integrity registers: a force reads its own; national callers read all (or filter by force)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.deps import (
    ADMIN,
    ANALYST,
    FORCE,
    AuditDep,
    Auditor,
    Principal,
    SessionDep,
    SettingsDep,
    require,
    scope_to_force,
)
from api.pagination import Page, Pager
from api.schemas.integrity import ContractOut, GiftOut, InterestOut, InvestigationOut, RegisterQuery
from probity.models import BusinessInterest, Contract, GiftHospitality, Investigation
from probity.settings import Settings

router = APIRouter(prefix="/registers", tags=["registers"])
Reader = Annotated[Principal, Depends(require(ADMIN, ANALYST, FORCE))]


Register = GiftHospitality | BusinessInterest | Contract | Investigation


def _page(name: str, model: type[Register], date_column: InstrumentedAttribute[date],
          schema: type[BaseModel], q: RegisterQuery, principal: Principal, session: Session,
          settings: Settings, audit: Auditor) -> Page[Any]:
    filters = q.model_dump(exclude={"page_token"}, mode="json")
    pager = Pager(settings.secret_key.get_secret_value(), f"registers.{name}", principal.force_id, filters,
                  min(q.page_size, settings.max_page_size))
    stmt = scope_to_force(select(model), model.force_id, principal)
    if q.date_from is not None:
        stmt = stmt.where(date_column >= q.date_from)
    if q.date_to is not None:
        stmt = stmt.where(date_column <= q.date_to)
    rows, token = pager.fetch(session, stmt, model.id, q.page_token)
    audit.record(f"registers.{name}.list", object_type=model.__tablename__, detail={"count": len(rows)})
    session.commit()
    return Page[schema](items=[schema.model_validate(r) for r in rows], next_page_token=token)  # type: ignore[valid-type]


@router.get("/gifts", response_model=Page[GiftOut])
def list_gifts(q: Annotated[RegisterQuery, Query()], principal: Reader, session: SessionDep,
               settings: SettingsDep, audit: AuditDep) -> Page[Any]:
    """Gifts and hospitality register entries, oldest id first."""
    return _page("gifts", GiftHospitality, GiftHospitality.entry_date, GiftOut, q, principal, session, settings, audit)


@router.get("/interests", response_model=Page[InterestOut])
def list_interests(q: Annotated[RegisterQuery, Query()], principal: Reader, session: SessionDep,
                   settings: SettingsDep, audit: AuditDep) -> Page[Any]:
    """Business-interest (second job) applications."""
    return _page("interests", BusinessInterest, BusinessInterest.applied_on, InterestOut, q, principal, session,
                 settings, audit)


@router.get("/contracts", response_model=Page[ContractOut])
def list_contracts(q: Annotated[RegisterQuery, Query()], principal: Reader, session: SessionDep,
                   settings: SettingsDep, audit: AuditDep) -> Page[Any]:
    """Contracts awarded to suppliers."""
    return _page("contracts", Contract, Contract.awarded_on, ContractOut, q, principal, session, settings, audit)


@router.get("/investigations", response_model=Page[InvestigationOut])
def list_investigations(q: Annotated[RegisterQuery, Query()], principal: Reader, session: SessionDep,
                        settings: SettingsDep, audit: AuditDep) -> Page[Any]:
    """Integrity investigations."""
    return _page("investigations", Investigation, Investigation.opened_on, InvestigationOut, q, principal, session,
                 settings, audit)
