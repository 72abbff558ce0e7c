"""Liveness (public) and who-am-I (authenticated)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import PrincipalDep
from api.schemas.common import Health, WhoAmI

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health() -> Health:
    """Public liveness probe: says nothing about data."""
    return Health(status="ok")


@router.get("/whoami", response_model=WhoAmI)
def whoami(principal: PrincipalDep) -> WhoAmI:
    """The calling key's prefix, role and force."""
    return WhoAmI(prefix=principal.prefix, role=principal.role.value, force_id=principal.force_id)
