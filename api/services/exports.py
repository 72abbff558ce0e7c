"""The export downloads, written once for the API and the web UI: referrals (CSV or JSON Lines)
and the researchers' pseudonymised training file.

The audit event is committed before the first byte is streamed; the rows are then read in a
session of their own that lives exactly as long as the stream.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from api.deps import Auditor, Principal
from api.schemas.referrals import ExportQuery
from api.services import access, training_export
from api.services import referrals as service

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


def referral_export(
    request: Request,
    principal: Principal,
    q: ExportQuery,
    fmt: Literal["csv", "jsonl"],
    session: Session,
    audit: Auditor,
    justification: str | None = None,
    **detail: Any,
) -> StreamingResponse:
    """Every referred post the caller may see that matches ``q``, streamed as ``fmt``.

    An export spanning more than one force needs a justification (428 without), kept in the
    audit event (issue #15)."""
    filters = q.model_dump(exclude={"format"}, mode="json", exclude_none=True)
    purpose = ""
    if access.needs_export_justification(principal, q.force_id):
        purpose = access.require_justification(
            justification, request.app.state.settings, "exporting more than one force's referrals"
        )
        detail = {**detail, "justification": purpose}
    audit.record(
        "referrals.export",
        object_type="referral",
        purpose=purpose,
        detail={"format": fmt, **filters, **detail},
    )
    session.commit()
    stmt = service.referral_query(principal, q, with_items=False)
    body = service.streamed(
        request.app.state.session_factory,
        lambda s: service.stream(service.export_rows(s, stmt), fmt),
    )
    filename = f"referrals-{principal.force_id or 'all'}.{fmt}"
    return StreamingResponse(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def training_download(
    request: Request, session: Session, audit: Auditor, **detail: Any
) -> StreamingResponse:
    """Every confirmed or dismissed flag: scrubbed text, model and human labels, outcome."""
    audit.record("exports.training", object_type="flag", detail=detail or None)
    session.commit()
    secret = request.app.state.settings.secret_key.get_secret_value()
    body = service.streamed(
        request.app.state.session_factory,
        lambda s: training_export.jsonl(training_export.training_rows(s, secret)),
    )
    return StreamingResponse(
        body,
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="training.jsonl"'},
    )
