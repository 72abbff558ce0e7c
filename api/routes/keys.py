"""API key administration (admin): list, create (the key is shown once), revoke."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from api.deps import ADMIN, AuditDep, Principal, SessionDep, require
from api.schemas.keys import KeyIn, KeyOut, NewKeyOut
from probity import keys

router = APIRouter(prefix="/keys", tags=["keys"])
Admin = Annotated[Principal, Depends(require(ADMIN))]


@router.get("", response_model=list[KeyOut])
def list_keys(principal: Admin, session: SessionDep) -> list[KeyOut]:
    """Every key by prefix (never the key itself)."""
    return [KeyOut.model_validate(k, from_attributes=True) for k in keys.list_keys(session)]


@router.post("", response_model=NewKeyOut, status_code=201)
def create_key(body: KeyIn, principal: Admin, session: SessionDep, audit: AuditDep) -> NewKeyOut:
    """Create a key; the response is the only time it is shown."""
    expires = (
        datetime.now(UTC) + timedelta(days=body.expires_in_days) if body.expires_in_days else None
    )
    new = keys.create_key(
        session, body.role, force_id=body.force_id, name=body.name, expires_at=expires
    )
    audit.record(
        "keys.create",
        object_type="api_key",
        object_id=new.record.prefix,
        detail={"role": body.role.value, "force_id": body.force_id},
    )
    session.commit()
    return NewKeyOut(
        key=new.key, **KeyOut.model_validate(new.record, from_attributes=True).model_dump()
    )


@router.post("/{prefix}/revoke", response_model=KeyOut)
def revoke_key(
    prefix: Annotated[str, Path(pattern=r"^pb_[0-9a-f]{8}$")],
    principal: Admin,
    session: SessionDep,
    audit: AuditDep,
) -> KeyOut:
    """Revoke at once: requests with the key are refused from now on."""
    record = keys.revoke_key(session, prefix)
    audit.record("keys.revoke", object_type="api_key", object_id=prefix)
    session.commit()
    return KeyOut.model_validate(record, from_attributes=True)
