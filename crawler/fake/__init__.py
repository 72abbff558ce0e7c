"""Local fake platforms serving a generated world; tests and the demo never touch the internet."""

from __future__ import annotations

from starlette.applications import Starlette

from crawler.fake.server import FakePlatform


def build_app(state: FakePlatform) -> Starlette:
    from crawler.fake import bluesky, mastodon, x
    from crawler.fake.graph import add_graph_routes

    builders = {"bluesky": bluesky.build_app, "mastodon": mastodon.build_app, "x": x.build_app}
    app = builders[state.platform](state)
    add_graph_routes(app, state)  # follower / follows lists (graph discovery)
    return app
