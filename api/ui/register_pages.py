"""The integrity registers in the browser: a filtered table per register, one row's detail, and
the import page (upload a CSV or XLSX; every bad row is listed and nothing is stored).

Roles and force scope are those of ``/api/v1/registers/*``: admins, analysts and force users read
(a force-limited key sees its own force only); admins and force users import (a force key for its
own force only), through the same ``import_register`` as ``POST /api/v1/registers/{register}/import``.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import Field
from sqlalchemy import func, or_

from api.deps import (
    ADMIN,
    ANALYST,
    FORCE,
    AuditDep,
    ObjectId,
    Principal,
    SessionDep,
    SettingsDep,
    get_in_scope,
    require_ui,
)
from api.schemas.common import Strict
from api.services.registers import REGISTERS, page_rows
from api.ui.render import render
from api.ui.review_pages import form_query
from api.ui.session import check_csrf
from probity.errors import InputFileError, RowError
from probity.forces import FORCE_IDS, FORCES
from registers.importer import import_register
from registers.templates import TEMPLATES

log = logging.getLogger(__name__)
router = APIRouter(prefix="/ui", tags=["ui"], include_in_schema=False)
Reader = Annotated[Principal, Depends(require_ui(ADMIN, ANALYST, FORCE))]
Importer = Annotated[Principal, Depends(require_ui(ADMIN, FORCE))]
RegisterName = Literal["gifts", "interests", "contracts", "investigations"]
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".xlsm")


class RegisterPageQuery(Strict):
    force_id: str | None = Field(None, max_length=40)
    date_from: date | None = None
    date_to: date | None = None
    text: str | None = Field(
        None, max_length=200, description="words in the reference, name or description"
    )
    page_size: int = Field(50, ge=1, le=500)
    page_token: str | None = Field(None, max_length=2048)


@router.get("/registers")
def registers_index(
    request: Request, principal: Reader, session: SessionDep, audit: AuditDep
) -> Response:
    # No personal data on this page, but every UI request leaves one event.
    audit.record("registers.index", object_type="registers", detail={"ui": True})
    session.commit()
    return render(request, "registers.html", registers=REGISTERS)


@router.get("/registers/import")
def import_page(
    request: Request, principal: Importer, session: SessionDep, audit: AuditDep
) -> Response:
    audit.record("registers.import.form", object_type="registers", detail={"ui": True})
    session.commit()
    return _import_form(request, principal)


def _import_form(
    request: Request, principal: Principal, status_code: int = 200, **context: Any
) -> Response:
    return render(
        request,
        "register_import.html",
        status_code=status_code,
        registers=REGISTERS,
        templates=TEMPLATES,
        forces=FORCES,
        **context,
    )


@router.post("/registers/import")
def import_upload(
    request: Request,
    principal: Importer,
    session: SessionDep,
    audit: AuditDep,
    register_name: Annotated[str, Form(alias="register", max_length=40)] = "",
    force_id: Annotated[str, Form(max_length=40)] = "",
    file: Annotated[UploadFile | None, File()] = None,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(request, csrf)
    register = register_name
    # A force key imports for its own force only, whatever the form says.
    force = principal.force_id or (force_id or None)
    errors: list[RowError] = []
    if register not in REGISTERS:
        errors.append(RowError(0, "register", f"choose one of: {', '.join(REGISTERS)}"))
    if force is not None and force not in FORCE_IDS:
        errors.append(RowError(0, "force", f"unknown force {force!r}"))
    name = Path(file.filename or "").name if file is not None else ""
    if file is None or not name:
        errors.append(RowError(0, "file", "choose a CSV or XLSX file to upload"))
    elif Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        errors.append(RowError(0, "file", f"{name!r} is not a .csv or .xlsx file"))
    summary = None
    total = len(errors)
    if not errors and file is not None:
        with tempfile.TemporaryDirectory(prefix="probity-upload-") as tmp:
            path = Path(tmp) / f"upload{Path(name).suffix.lower()}"
            path.write_bytes(file.file.read())
            try:
                summary = import_register(session, register, path, force_id=force, source=name)
            except InputFileError as exc:
                session.rollback()  # all or nothing: a rejected file leaves no row behind
                errors, total = exc.errors, exc.total
    audit.record(
        "registers.import",
        object_type=register or "registers",
        detail={
            "file": name,
            "force": force,
            "ok": summary is not None,
            "problems": total,
            **(
                {"rows": summary.rows, "inserted": summary.inserted, "updated": summary.updated}
                if summary
                else {}
            ),
            "ui": True,
        },
    )
    session.commit()
    if summary is None:
        log.info("register import rejected: %s, %d problem(s)", name, len(errors))
        return _import_form(
            request,
            principal,
            status_code=400,
            errors=errors,
            total=total,
            filename=name,
            chosen=register,
            chosen_force=force or "",
        )
    return _import_form(
        request,
        principal,
        summary=summary,
        filename=name,
        chosen=register,
        chosen_force=force or "",
    )


@router.get("/registers/{register}")
def register_table(
    register: RegisterName,
    request: Request,
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> Response:
    spec = REGISTERS[register]
    q = form_query(request, RegisterPageQuery)
    assert isinstance(q, RegisterPageQuery)
    where = []
    if principal.national and q.force_id:
        where.append(spec.model.force_id == q.force_id)
    if q.text and q.text.strip():
        term = q.text.strip().lower()
        where.append(
            or_(
                *(
                    func.lower(getattr(spec.model, c)).contains(term, autoescape=True)
                    for c in spec.search
                )
            )
        )
    rows, token = page_rows(
        session, settings, principal, spec, q, f"ui.registers.{register}", *where
    )
    items = [spec.schema.model_validate(r).model_dump() for r in rows]
    # the audit event last: on PostgreSQL the audit chain's lock is held from here to the commit
    audit.record_list(
        f"registers.{register}.list", spec.model.__tablename__, [r.id for r in rows], ui=True
    )
    session.commit()
    columns = [c for c in spec.schema.model_fields if c != "id"]
    next_params = {
        **{k: v for k, v in request.query_params.items() if k != "page_token"},
        "page_token": token,
    }
    return render(
        request,
        "register_table.html",
        register=register,
        spec=spec,
        items=items,
        columns=columns,
        q=q,
        forces=FORCES,
        next_params=next_params if token else None,
    )


@router.get("/registers/{register}/{row_id}")
def register_row(
    register: RegisterName,
    row_id: ObjectId,
    request: Request,
    principal: Reader,
    session: SessionDep,
    audit: AuditDep,
) -> Response:
    spec = REGISTERS[register]
    row = get_in_scope(session, spec.model, row_id, principal)
    shown = spec.schema.model_validate(row).model_dump()
    audit.record(
        f"registers.{register}.read",
        object_type=spec.model.__tablename__,
        object_id=row.id,
        detail={"ui": True},
    )
    session.commit()
    return render(request, "register_row.html", register=register, spec=spec, row=shown)
