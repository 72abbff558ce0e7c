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
from api.services import presenters, review, special_category
from api.ui.render import render
from api.ui.session import check_csrf
from api.ui.thread import flag_threads, thread_contexts
from probity import review as domain
from probity.models import LABELS, Flag, Post, utcnow

router = APIRouter(prefix="/ui", tags=["ui"], include_in_schema=False)
Reviewer = Annotated[Principal, Depends(require_ui(ADMIN, ANALYST))]


UI_ONLY_PARAMS = frozenset({"decided"})  # page notices, not filters
BaseModelT = TypeVar("BaseModelT", bound=BaseModel)


def form_query(
    request: Request, model: type[BaseModelT], ignore: frozenset[str] = frozenset()
) -> BaseModelT:
    """A filter model from a GET form; empty inputs mean 'not set'; ``ignore`` names fields
    that are not filters."""
    skip = UI_ONLY_PARAMS | ignore
    values = {k: v for k, v in request.query_params.items() if v != "" and k not in skip}
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise HTTPException(
            422,
            detail="; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()),
        ) from None


@router.get("/queue")
def queue(
    request: Request,
    principal: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> Response:
    q = form_query(request, FlagQuery)
    assert isinstance(q, FlagQuery)
    items, token = review.queue_page(session, settings, principal, q, audit, ui=True)
    session.commit()
    threads = flag_threads(
        session, [f.id for f in items], principal.force_id
    )  # after the commit: the audit lock is released
    next_params = {
        **{
            k: v
            for k, v in request.query_params.items()
            if k not in ("page_token", *UI_ONLY_PARAMS)
        },
        "page_token": token,
    }
    return render(
        request,
        "queue.html",
        items=items,
        q=q,
        labels=LABELS,
        threads=threads,
        next_params=next_params if token else None,
    )


@router.get("/flags/{flag_id}")
def flag_page(
    flag_id: ObjectId, request: Request, principal: Reviewer, session: SessionDep, audit: AuditDep
) -> Response:
    flag = get_in_scope(session, Flag, flag_id, principal)
    detail = special_category.redact_flag(session, principal, presenters.flag_detail(session, flag))
    post = session.get(Post, flag.post_id)
    thread = (
        thread_contexts(session, [post], principal.force_id)[flag.post_id]
        if post is not None
        else []
    )
    audit.record("flags.read", object_type="flag", object_id=flag.id, detail={"ui": True})
    session.commit()
    return render(request, "flag.html", flag=detail, labels=LABELS, thread=thread)


@router.post("/flags/{flag_id}/claim")
def claim(
    flag_id: ObjectId,
    request: Request,
    principal: Reviewer,
    session: SessionDep,
    audit: AuditDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(request, csrf)
    event = domain.claim(session, flag_id, principal.actor, utcnow())
    audit.record_event(event, ui=True)
    session.commit()
    return RedirectResponse(f"/ui/flags/{event.flag_id}", status_code=303)


@router.post("/flags/{flag_id}/decide")
def decide(
    flag_id: ObjectId,
    request: Request,
    principal: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
    action: Annotated[str, Form(max_length=20)],
    labels: Annotated[list[str] | None, Form()] = None,
    note: Annotated[str, Form(max_length=4000)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    expected_version: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    check_csrf(request, csrf)
    try:
        body = DecisionIn.model_validate(
            {
                "action": action,
                "note": note,
                "expected_version": expected_version,
                **({"labels": labels} if action == "change" else {}),
            }
        )
    except ValidationError as exc:
        raise HTTPException(422, detail="; ".join(e["msg"] for e in exc.errors())) from None
    out = review.decide(session, settings, principal, audit, flag_id, body, ui=True)
    return RedirectResponse(f"/ui/queue?decided={out.flag_id}", status_code=303)
