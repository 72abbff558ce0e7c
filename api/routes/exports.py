"""Researcher exports: pseudonymised decided flags for retraining (no handles, URLs or ids)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from api.deps import ADMIN, RESEARCHER, AuditDep, Principal, SessionDep, require
from api.services import exports

router = APIRouter(prefix="/exports", tags=["exports"])


@router.get("/training.jsonl", responses={200: {"content": {"application/x-ndjson": {}}}})
def training_jsonl(
    principal: Annotated[Principal, Depends(require(ADMIN, RESEARCHER))],
    request: Request,
    session: SessionDep,
    audit: AuditDep,
) -> StreamingResponse:
    """Every confirmed or dismissed flag: scrubbed text, model and human labels, outcome."""
    return exports.training_download(request, session, audit)
