"""The analysts' pages: the review queue, a flag with its evidence, claiming and deciding."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from api.deps import (
    ADMIN,
    ANALYST,
    AuditDep,
    ObjectId,
    Principal,
    SessionDep,
    SettingsDep,
    get_in_scope,
    require_ui,
)
from api.schemas.flags import DecisionIn, FlagQuery
from api.services import evidence, review
from api.ui.render import render
from api.ui.session import check_csrf
from probity.models import LABELS, Flag

router = APIRouter(prefix="/ui", tags=["ui"], include_in_schema=False)
Reviewer = Annotated[Principal, Depends(require_ui(ADMIN, ANALYST))]


UI_ONLY_PARAMS = frozenset({"decided"})  # page notices, not filters
BaseModelT = TypeVar("BaseModelT", bound=BaseModel)


def form_query(request: Request, model: type[BaseModelT]) -> BaseModelT:
    """A filter model from a GET form; empty inputs mean 'not set'."""
    values = {k: v for k, v in request.query_params.items() if v != "" and k not in UI_ONLY_PARAMS}
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise HTTPException(422, detail="; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                                  for e in exc.errors())) from None


@router.get("/queue")
def queue(request: Request, principal: Reviewer, session: SessionDep, settings: SettingsDep,
          audit: AuditDep) -> Response:
    q = form_query(request, FlagQuery)
    assert isinstance(q, FlagQuery)
    items, token = review.queue_page(session, settings, principal, q, audit, ui=True)
    session.commit()
    next_params = {**{k: v for k, v in request.query_params.items() if k not in ("page_token", *UI_ONLY_PARAMS)},
                   "page_token": token}
    return render(request, "queue.html", items=items, q=q, labels=LABELS, next_params=next_params if token else None)


@router.get("/flags/{flag_id}")
def flag_page(flag_id: ObjectId, request: Request, principal: Reviewer, session: SessionDep, audit: AuditDep) -> Response:
    flag = get_in_scope(session, Flag, flag_id, principal)
    detail = evidence.flag_detail(session, flag)
    audit.record("flags.read", object_type="flag", object_id=flag.id, detail={"ui": True})
    session.commit()
    return render(request, "flag.html", flag=detail, labels=LABELS)


@router.post("/flags/{flag_id}/claim")
def claim(flag_id: ObjectId, request: Request, principal: Reviewer, session: SessionDep, audit: AuditDep,
          csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(request, csrf)
    flag = get_in_scope(session, Flag, flag_id, principal)
    review.claim(flag, principal)
    audit.record("flags.claim", object_type="flag", object_id=flag.id, detail={"ui": True})
    session.commit()
    return RedirectResponse(f"/ui/flags/{flag.id}", status_code=303)


@router.post("/flags/{flag_id}/decide")
def decide(flag_id: ObjectId, request: Request, principal: Reviewer, session: SessionDep, settings: SettingsDep,
           audit: AuditDep, action: Annotated[str, Form(max_length=20)],
           labels: Annotated[list[str] | None, Form()] = None, note: Annotated[str, Form(max_length=4000)] = "",
           csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(request, csrf)
    try:
        body = DecisionIn.model_validate({"action": action, "note": note,
                                          **({"labels": labels} if action == "change" else {})})
    except ValidationError as exc:
        raise HTTPException(422, detail="; ".join(e["msg"] for e in exc.errors())) from None
    flag = get_in_scope(session, Flag, flag_id, principal)
    decision, referral_id = review.decide(session, flag, principal, body, settings.two_person_rule)
    audit.record("flags.decide", object_type="flag", object_id=flag.id,
                 detail={"action": body.action.value, "labels": decision.labels, "status": flag.status.value,
                         "referral_id": referral_id, "ui": True})
    session.commit()
    return RedirectResponse(f"/ui/queue?decided={flag.id}", status_code=303)
