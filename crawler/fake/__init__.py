"""Local fake platforms serving a generated world; tests and the demo never touch the internet."""

from __future__ import annotations

from starlette.applications import Starlette

from crawler.fake.server import FakePlatform


def build_app(state: FakePlatform) -> Starlette:
    from crawler.fake import bluesky, mastodon, x

    builders = {"bluesky": bluesky.build_app, "mastodon": mastodon.build_app, "x": x.build_app}
    return builders[state.platform](state)
