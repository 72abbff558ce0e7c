"""The integrity registers as the API and the web UI read them: one table of the four registers,
and one page of a register's rows in the caller's force scope and date window.

The API's list routes (``GET /api/v1/registers/{name}``) are registered from this table, and the
UI's pages look their register up in it, so a register is described once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.deps import Principal, scope_to_force
from api.pagination import Pager
from api.schemas.integrity import ContractOut, GiftOut, InterestOut, InvestigationOut
from probity.models import BusinessInterest, Contract, GiftHospitality, Investigation
from probity.settings import Settings

RegisterModel = GiftHospitality | BusinessInterest | Contract | Investigation


@dataclass(frozen=True)
class Register:
    name: str  # the path segment and the audit actions' middle word
    title: str  # the UI's heading
    description: str  # the API list operation's description
    model: type[RegisterModel]
    date_column: InstrumentedAttribute[date]  # what date_from and date_to filter on
    schema: type[BaseModel]
    ref: str  # the force's own reference column, shown as the row's name
    search: tuple[str, ...]  # columns the UI's free-text filter looks in


REGISTERS: dict[str, Register] = {
    r.name: r
    for r in (
        Register(
            "gifts",
            "Gifts and hospitality",
            "Gifts and hospitality register entries, oldest id first.",
            GiftHospitality,
            GiftHospitality.entry_date,
            GiftOut,
            "entry_ref",
            ("entry_ref", "offeror", "description"),
        ),
        Register(
            "interests",
            "Business interests",
            "Business-interest (second job) applications.",
            BusinessInterest,
            BusinessInterest.applied_on,
            InterestOut,
            "entry_ref",
            ("entry_ref", "business_name"),
        ),
        Register(
            "contracts",
            "Contracts",
            "Contracts awarded to suppliers.",
            Contract,
            Contract.awarded_on,
            ContractOut,
            "contract_ref",
            ("contract_ref", "supplier", "description"),
        ),
        Register(
            "investigations",
            "Integrity investigations",
            "Integrity investigations.",
            Investigation,
            Investigation.opened_on,
            InvestigationOut,
            "case_ref",
            ("case_ref",),
        ),
    )
}


class RegisterPageQuery(Protocol):
    """What both surfaces' filter models have (the UI's adds a force and a text filter)."""

    page_size: int
    page_token: str | None
    date_from: date | None
    date_to: date | None

    def model_dump(self, *, mode: str, exclude: set[str]) -> dict[str, Any]: ...


def page_rows(
    session: Session,
    settings: Settings,
    principal: Principal,
    register: Register,
    q: RegisterPageQuery,
    pager_scope: str,
    *where: ColumnElement[bool],
) -> tuple[Sequence[Any], str | None]:
    """One page of ``register``'s rows the caller may see, oldest id first, within ``q``'s date
    window and ``where``; the next page's token is bound to ``pager_scope`` and the filters."""
    pager = Pager(
        settings.secret_key.get_secret_value(),
        pager_scope,
        principal.force_id,
        q.model_dump(exclude={"page_token"}, mode="json"),
        min(q.page_size, settings.max_page_size),
    )
    model = register.model
    stmt = scope_to_force(select(model), model.force_id, principal).where(*where)
    if q.date_from is not None:
        stmt = stmt.where(register.date_column >= q.date_from)
    if q.date_to is not None:
        stmt = stmt.where(register.date_column <= q.date_to)
    return pager.fetch(session, stmt, model.id, q.page_token)
