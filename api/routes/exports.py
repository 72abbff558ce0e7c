"""Researcher exports: pseudonymised decided flags for retraining (no handles, URLs or ids)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from api.deps import ADMIN, RESEARCHER, AuditDep, Principal, SessionDep, require
from api.services import training_export
from api.services.referrals import streamed

router = APIRouter(prefix="/exports", tags=["exports"])


@router.get("/training.jsonl", responses={200: {"content": {"application/x-ndjson": {}}}})
def training_jsonl(principal: Annotated[Principal, Depends(require(ADMIN, RESEARCHER))], request: Request,
                   session: SessionDep, audit: AuditDep) -> StreamingResponse:
    """Every confirmed or dismissed flag: scrubbed text, model and human labels, outcome."""
    audit.record("exports.training", object_type="flag")
    session.commit()
    secret = request.app.state.settings.secret_key.get_secret_value()
    body = streamed(request.app.state.session_factory,
                    lambda s: training_export.jsonl(training_export.training_rows(s, secret)))
    return StreamingResponse(body, media_type="application/x-ndjson",
                             headers={"Content-Disposition": 'attachment; filename="training.jsonl"'})
