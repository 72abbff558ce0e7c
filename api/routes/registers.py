"""Integrity registers: a force reads its own; national callers read all (or filter by force).

Imports: an admin key imports any force's rows, a force key only its own force's (the ``force``
column may then be left out). The file is the request body, streamed to a temporary file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute
from starlette.concurrency import run_in_threadpool

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
from api.schemas.common import ErrorOut
from api.schemas.integrity import (
    ContractOut,
    GiftOut,
    ImportOut,
    ImportProblem,
    ImportRejectedOut,
    InterestOut,
    InvestigationOut,
    RegisterQuery,
)
from probity.errors import InputFileError
from probity.models import BusinessInterest, Contract, GiftHospitality, Investigation
from registers.importer import ImportSummary, import_register

router = APIRouter(prefix="/registers", tags=["registers"])
Reader = Annotated[Principal, Depends(require(ADMIN, ANALYST, FORCE))]
Importer = Annotated[Principal, Depends(require(ADMIN, FORCE))]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUFFIXES = {"text/csv": ".csv", "application/csv": ".csv", XLSX_TYPE: ".xlsx"}


Register = GiftHospitality | BusinessInterest | Contract | Investigation


class RegisterRoute(NamedTuple):
    """One register's list route: ``GET /registers/{name}``, operation ``list_{name}``."""

    name: str
    model: type[Register]
    date_column: InstrumentedAttribute[date]  # what date_from and date_to filter on
    schema: type[BaseModel]
    doc: str  # the operation's description


REGISTER_ROUTES = (
    RegisterRoute(
        "gifts",
        GiftHospitality,
        GiftHospitality.entry_date,
        GiftOut,
        "Gifts and hospitality register entries, oldest id first.",
    ),
    RegisterRoute(
        "interests",
        BusinessInterest,
        BusinessInterest.applied_on,
        InterestOut,
        "Business-interest (second job) applications.",
    ),
    RegisterRoute(
        "contracts", Contract, Contract.awarded_on, ContractOut, "Contracts awarded to suppliers."
    ),
    RegisterRoute(
        "investigations",
        Investigation,
        Investigation.opened_on,
        InvestigationOut,
        "Integrity investigations.",
    ),
)


def _list_endpoint(register: RegisterRoute) -> Callable[..., Page[Any]]:
    """The route function for one register's list: a page of rows in the caller's scope, oldest
    id first, audited as one read of every row shown."""
    name, model, date_column, schema, _doc = register

    def list_register(
        q: Annotated[RegisterQuery, Query()],
        principal: Reader,
        session: SessionDep,
        settings: SettingsDep,
        audit: AuditDep,
    ) -> Page[Any]:
        filters = q.model_dump(exclude={"page_token"}, mode="json")
        pager = Pager(
            settings.secret_key.get_secret_value(),
            f"registers.{name}",
            principal.force_id,
            filters,
            min(q.page_size, settings.max_page_size),
        )
        stmt = scope_to_force(select(model), model.force_id, principal)
        if q.date_from is not None:
            stmt = stmt.where(date_column >= q.date_from)
        if q.date_to is not None:
            stmt = stmt.where(date_column <= q.date_to)
        rows, token = pager.fetch(session, stmt, model.id, q.page_token)
        items = [schema.model_validate(r) for r in rows]
        audit.record_list(
            f"registers.{name}.list", model.__tablename__, [r.id for r in rows]
        )  # every row shown
        session.commit()
        return Page[schema](items=items, next_page_token=token)  # type: ignore[valid-type]

    return list_register


for _register in REGISTER_ROUTES:
    router.add_api_route(
        f"/{_register.name}",
        _list_endpoint(_register),
        methods=["GET"],
        name=f"list_{_register.name}",  # the operationId (api.main._operation_id)
        description=_register.doc,
        response_model=Page[_register.schema],  # type: ignore[name-defined]  # run-time model
    )


@router.post(
    "/{register}/import",
    response_model=ImportOut,
    responses={
        415: {"model": ErrorOut, "description": "Content-Type is neither text/csv nor XLSX"},
        422: {
            "model": ImportRejectedOut,
            "description": "The file was rejected (nothing was imported), or the "
            "request was malformed",
        },
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def import_file(
    register: Literal["gifts", "interests", "contracts", "investigations"],
    request: Request,
    principal: Importer,
    settings: SettingsDep,
    force_id: Annotated[
        str | None,
        Query(
            max_length=40,
            description=("Import for this force only (a force key: its own, the default)."),
        ),
    ] = None,
) -> Any:
    """Import a register file sent as the body (`Content-Type: text/csv` or XLSX): every row valid, or
    nothing imported and 422 with the rows, columns and reasons."""
    if principal.force_id is not None:
        if force_id not in (None, principal.force_id):
            raise HTTPException(403, "a force key imports only its own force's registers")
        force_id = principal.force_id
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    suffix = SUFFIXES.get(content_type)
    if suffix is None:
        raise HTTPException(
            415, f"send the file as text/csv or {XLSX_TYPE}, not {content_type or 'nothing'!r}"
        )
    with tempfile.TemporaryDirectory(prefix="probity-import-") as folder:
        path = Path(folder) / f"{register}{suffix}"
        with path.open("wb") as out:
            async for chunk in request.stream():
                out.write(chunk)
        try:
            summary = await run_in_threadpool(_import, request, register, path, force_id)
        except InputFileError as exc:
            rejected = ImportRejectedOut(
                detail=str(exc),
                problems=exc.total,
                errors=[
                    ImportProblem(row=e.row, column=e.column, reason=e.reason) for e in exc.errors
                ],
            )
            return JSONResponse(rejected.model_dump(), status_code=422)
    return ImportOut(**summary.__dict__)


def _import(request: Request, register: str, path: Path, force_id: str | None) -> ImportSummary:
    """The import and its audit event in one transaction of its own (the request's session has
    already committed the key check), rolled back whole on any error."""
    with request.app.state.session_factory() as session:
        try:
            summary = import_register(
                session, register, path, force_id=force_id, source=f"{register} upload"
            )
            Auditor(request, session).record(
                f"registers.{register}.import",
                object_type=register,
                detail={
                    "force_id": force_id,
                    "rows": summary.rows,
                    "inserted": summary.inserted,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                },
            )
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return summary
