"""One place per platform: everything the crawler, the ingest and the fakes need to know.

Adding a platform is one :class:`PlatformSpec` here, one source (``crawler/sources/``), one
mapper (``crawler/mapping/``) and one fake (``crawler/fake/``), plus, for graph discovery, one
follow-list source (``crawler/sources/graph.py``) and its fake lists (``crawler/fake/graph.py``).
Nothing else branches on the platform's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol

from starlette.applications import Starlette

from crawler.fake import bluesky as fake_bluesky
from crawler.fake import graph as fake_lists
from crawler.fake import mastodon as fake_mastodon
from crawler.fake import x as fake_x
from crawler.fake.graph import FakeGraph
from crawler.fake.server import FakePlatform
from crawler.mapping import bluesky, files, mastodon, x
from crawler.mapping.fields import Holder, PostFields, ProfileFields
from crawler.sources import SourceFactory
from crawler.sources.bluesky import BlueskySource
from crawler.sources.graph import BlueskyGraph, GraphSource, MastodonGraph, XGraph
from crawler.sources.mastodon import MastodonSource
from crawler.sources.x import TIMELINE_CAP, XSource
from crawler.transport import Transport
from probity.errors import ConfigurationError
from probity.models import Platform, PlatformAccount
from probity.settings import Settings


class Mapper(Protocol):
    """Raw payload → fields, nothing else (no identification, no storage)."""

    def profile(self, raw: dict[str, Any]) -> ProfileFields: ...

    def post(
        self, raw: dict[str, Any], holder: Holder, includes: dict[str, Any] | None = None
    ) -> PostFields: ...

    def includes_for(
        self, raw: dict[str, Any], includes: dict[str, Any]
    ) -> dict[str, Any] | None: ...


def _by_handle(account: PlatformAccount) -> str:
    return account.handle


def _by_id(account: PlatformAccount) -> str:
    return account.platform_id


def _same_name(x_username: str) -> str:
    return x_username


def _bsky_social(x_username: str) -> str:
    return f"{x_username.lower()}.bsky.social"


def _no_urls(settings: Settings) -> list[str]:
    return []


def _no_headers(settings: Settings, base_url: str) -> dict[str, str]:
    return {}


def _x_headers(settings: Settings, base_url: str) -> dict[str, str]:
    if settings.x_bearer_token is None:
        raise ConfigurationError("PROBITY_X_BEARER_TOKEN is required to crawl X")
    return {"Authorization": f"Bearer {settings.x_bearer_token.get_secret_value()}"}


def mastodon_token(settings: Settings, base_url: str) -> str | None:
    tokens = {url.rstrip("/"): token for url, token in settings.mastodon_token.items()}
    token = tokens.get(base_url.rstrip("/"))
    return token.get_secret_value() if token else None


def _mastodon_headers(settings: Settings, base_url: str) -> dict[str, str]:
    token = mastodon_token(settings, base_url)
    return {"Authorization": f"Bearer {token}"} if token else {}


@dataclass(frozen=True)
class PlatformSpec:
    platform: Platform
    mapper: Mapper
    source: SourceFactory | None = None  # None: file import only
    fake: Callable[[FakePlatform], Starlette] | None = None
    account_search: bool = False  # False: discovery takes a list of handles
    profile_key: Callable[[PlatformAccount], str] = _by_handle  # what get_profile is asked with
    base_urls: Callable[[Settings], list[str]] = _no_urls
    headers: Callable[[Settings, str], dict[str, str]] = _no_headers  # credentials per base URL
    timeline_cap: int | None = None  # the feed reaches only this many newest posts
    graph: Callable[[Transport], GraphSource] | None = (
        None  # follower / follows lists (graph discovery)
    )
    fake_graph: FakeGraph | None = None  # the fake's follow lists
    # a force's official X username → the handle a force under the same name has here (graph seeds)
    seed_handle: Callable[[str], str] = _same_name
    notes: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.platform.value

    def authenticated(self, settings: Settings, base_url: str) -> bool:
        return "Authorization" in self.headers(settings, base_url)


def _module(mapper: ModuleType) -> Mapper:
    return mapper  # type: ignore[return-value]  # a module with the three functions


SPECS: dict[Platform, PlatformSpec] = {
    Platform.bluesky: PlatformSpec(
        Platform.bluesky,
        _module(bluesky),
        BlueskySource,
        fake_bluesky.build_app,
        account_search=True,
        profile_key=_by_id,
        base_urls=lambda s: [s.bluesky_base_url.rstrip("/")],
        graph=BlueskyGraph,
        fake_graph=fake_lists.BLUESKY,
        seed_handle=_bsky_social,
    ),
    Platform.mastodon: PlatformSpec(
        Platform.mastodon,
        _module(mastodon),
        MastodonSource,
        fake_mastodon.build_app,
        account_search=True,
        base_urls=lambda s: [u.rstrip("/") for u in s.mastodon_instances],
        headers=_mastodon_headers,
        graph=MastodonGraph,
        fake_graph=fake_lists.MASTODON,
    ),
    Platform.x: PlatformSpec(
        Platform.x,
        _module(x),
        XSource,
        fake_x.build_app,
        base_urls=lambda s: [s.x_base_url.rstrip("/")],
        headers=_x_headers,
        timeline_cap=TIMELINE_CAP,
        graph=XGraph,
        fake_graph=fake_lists.X,
    ),
    Platform.facebook: PlatformSpec(Platform.facebook, _module(files)),
    Platform.other: PlatformSpec(Platform.other, _module(files)),
}
CRAWLABLE = tuple(spec.name for spec in SPECS.values() if spec.source is not None)


def spec_for(platform: str | Platform) -> PlatformSpec:
    try:
        return SPECS[Platform(platform)]
    except ValueError:
        raise ConfigurationError(
            f"unknown platform {platform!r}: expected one of {', '.join(p.value for p in Platform)}"
        ) from None
