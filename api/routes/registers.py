"""Integrity registers: a force reads its own; national callers read all (or filter by force).

Imports: an admin key imports any force's rows, a force key only its own force's (the ``force``
column may then be left out). The file is the request body, streamed to a temporary file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
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
)
from api.pagination import Page
from api.schemas.common import ErrorOut
from api.schemas.integrity import ImportOut, ImportProblem, ImportRejectedOut, RegisterQuery
from api.services.registers import REGISTERS, Register, page_rows
from probity.errors import InputFileError
from registers.importer import ImportSummary, import_register

router = APIRouter(prefix="/registers", tags=["registers"])
Reader = Annotated[Principal, Depends(require(ADMIN, ANALYST, FORCE))]
Importer = Annotated[Principal, Depends(require(ADMIN, FORCE))]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUFFIXES = {"text/csv": ".csv", "application/csv": ".csv", XLSX_TYPE: ".xlsx"}


def _list_endpoint(register: Register) -> Callable[..., Page[Any]]:
    """The route function for one register's list: a page of rows in the caller's scope, oldest
    id first, audited as one read of every row shown."""
    schema = register.schema

    def list_register(
        q: Annotated[RegisterQuery, Query()],
        principal: Reader,
        session: SessionDep,
        settings: SettingsDep,
        audit: AuditDep,
    ) -> Page[Any]:
        rows, token = page_rows(
            session, settings, principal, register, q, f"registers.{register.name}"
        )
        items = [schema.model_validate(r) for r in rows]
        audit.record_list(
            f"registers.{register.name}.list", register.model.__tablename__, [r.id for r in rows]
        )  # every row shown
        session.commit()
        return Page[schema](items=items, next_page_token=token)  # type: ignore[valid-type]

    return list_register


# GET /registers/gifts, /interests, /contracts, /investigations: one route (and operation) each
for _register in REGISTERS.values():
    router.add_api_route(
        f"/{_register.name}",
        _list_endpoint(_register),
        methods=["GET"],
        name=f"list_{_register.name}",  # the operationId (api.main._operation_id)
        description=_register.description,
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
