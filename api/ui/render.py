"""Templates and the evidence highlighter for the server-rendered UI."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from api.ui.session import csrf_token

# Pages show personal data: not cached, not framed, no inline or third-party scripts, and no
# Referer leaking an internal URL when an analyst follows a post's link.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _spans(text: str, explanation: dict[str, Any] | None) -> list[tuple[int, int, str]]:
    """(start, end, label) for every explanation item found in ``text``.

    Items may be words/phrases (found case-insensitively) or {"start", "end"} offsets, or
    {"text"|"token"|"word": ...} objects, which is what classifiers commonly return.
    """
    found: list[tuple[int, int, str]] = []
    for label, items in (explanation or {}).items():
        for item in items if isinstance(items, list) else []:
            if (
                isinstance(item, dict)
                and isinstance(item.get("start"), int)
                and isinstance(item.get("end"), int)
            ):
                if 0 <= item["start"] < item["end"] <= len(text):
                    found.append((item["start"], item["end"], label))
                continue
            term = (
                item
                if isinstance(item, str)
                else next(
                    (
                        item[k]
                        for k in ("text", "token", "word")
                        if isinstance(item, dict) and isinstance(item.get(k), str)
                    ),
                    None,
                )
            )
            if term and term.strip():
                for m in re.finditer(re.escape(term.strip()), text, flags=re.IGNORECASE):
                    found.append((m.start(), m.end(), label))
    return sorted(found)


def highlight(text: str, explanation: dict[str, Any] | None) -> Markup:
    """The post text, escaped, with the words that drove each label wrapped in <mark>."""
    out: list[str] = []
    pos = 0
    for start, end, label in _spans(text, explanation):
        if start < pos:
            continue  # overlapping spans: keep the first
        out.append(str(escape(text[pos:start])))
        out.append(
            f'<mark class="ev ev-{escape(label)}" title="{escape(label)}">{escape(text[start:end])}</mark>'
        )
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    principal = getattr(request.state, "principal", None)
    response = templates.TemplateResponse(
        request,
        name,
        {"principal": principal, "csrf": csrf_token(request), "highlight": highlight, **context},
        status_code=status_code,
    )
    response.headers.update(PAGE_HEADERS)
    return response
