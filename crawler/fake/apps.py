"""The fake app of a platform, as its :class:`~crawler.platforms.PlatformSpec` names it."""

from __future__ import annotations

from starlette.applications import Starlette

from crawler.fake.server import FakePlatform
from crawler.platforms import spec_for


def build_app(state: FakePlatform) -> Starlette:
    spec = spec_for(state.platform)
    if spec.fake is None:
        raise ValueError(f"no fake server for platform {state.platform!r}")
    return spec.fake(state)
