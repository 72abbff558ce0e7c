"""Loading the real recorded payloads under fixtures/real/ and replaying them over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from crawler.fake.server import serve

REAL = Path(__file__).parent / "fixtures" / "real"


def doc(name: str) -> dict[str, Any]:
    """A fixture file: {"source", "status", "headers", "body"}."""
    return json.loads((REAL / f"{name}.json").read_text(encoding="utf-8"))


def body(name: str) -> Any:
    return doc(name)["body"]


def paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON value, list positions collapsed to []: its shape."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            out.add(prefix + key)
            out |= paths(item, f"{prefix}{key}.")
    elif isinstance(value, list):
        for item in value:
            out |= paths(item, f"{prefix}[].")
    return out


@contextmanager
def replay(
    routes: dict[str, dict[str, Any] | list[tuple[dict[str, str], dict[str, Any]]]],
) -> Iterator[str]:
    """Serve recorded responses: path → fixture doc, or → [(query params it must match, doc)]."""

    def answer(request: Request) -> Response:
        entry = routes[request.url.path]
        if isinstance(entry, list):
            query = dict(request.query_params)
            entry = next(d for want, d in entry if all(query.get(k) == v for k, v in want.items()))
        headers = {k: v for k, v in entry.get("headers", {}).items() if k != "link"}
        if "link" in entry.get("headers", {}):
            # The recorded Link header points at the recording host; keep its query string.
            base = str(request.base_url).rstrip("/")
            headers["link"] = entry["headers"]["link"].replace("http://localhost:3000", base)
        return JSONResponse(entry["body"], entry["status"], headers=headers)

    app = Starlette(routes=[Route(path, answer) for path in routes])
    with serve(app) as url:
        yield url
