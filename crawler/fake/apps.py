"""The fake app of a platform, as its :class:`~crawler.platforms.PlatformSpec` names it, with its
follow lists (graph discovery) where the spec names them."""

from __future__ import annotations

from starlette.applications import Starlette

from crawler.fake.graph import GraphIndex, add_graph_routes
from crawler.fake.server import FakePlatform
from crawler.fake.world import World
from crawler.platforms import spec_for


def build_app(state: FakePlatform) -> Starlette:
    spec = spec_for(state.platform)
    if spec.fake is None:
        raise ValueError(f"no fake server for platform {state.platform!r}")
    app = spec.fake(state)
    if spec.fake_graph is not None:
        add_graph_routes(app, state, spec.fake_graph)
    return app


def graph_index(world: World, platform: str) -> GraphIndex:
    """The follow lists the fake of ``platform`` serves over ``world`` (see ``served_list``)."""
    spec = spec_for(platform)
    if spec.fake_graph is None:
        raise ValueError(f"no fake follow lists for platform {platform!r}")
    return GraphIndex(world, platform, spec.fake_graph)
