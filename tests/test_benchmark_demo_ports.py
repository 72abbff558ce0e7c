"""benchmarks/demo_ports.py: ``pipeline_scale.py --crawl-only`` crawls a demo database again on
the ports it was built with (its accounts keep the fake platforms' URLs), or refuses."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from lawfulworld import account

from benchmarks.demo_ports import DEMO_PLATFORMS, built_port_base, database_port_base
from probity.db import get_engine, session_scope
from probity.models import Platform

BUILT = [("bluesky", "http://127.0.0.1:28701"), ("mastodon", "http://127.0.0.1:28702")]


def test_the_port_base_is_read_from_the_accounts_and_a_mixture_or_nothing_is_refused() -> None:
    assert built_port_base(BUILT) == 28701
    assert built_port_base([("x", "http://127.0.0.1:9003")]) == 9001  # x is the demo's third
    # accounts from elsewhere (a file import, a real instance) say nothing about the demo's ports
    assert built_port_base([*BUILT, ("bluesky", ""), ("mastodon", "https://mastodon.social")]) == (
        28701
    )
    with pytest.raises(ValueError, match="28701, 38701"):
        built_port_base([*BUILT, ("x", "http://127.0.0.1:38703")])
    with pytest.raises(ValueError, match="none"):
        built_port_base([("bluesky", "")])


def test_the_platform_order_is_the_demos() -> None:
    from demo.run import PLATFORMS  # slow (the identification models): only here

    assert DEMO_PLATFORMS == PLATFORMS


def test_a_database_tells_its_port_base_and_an_unknown_one_is_named(
    database_factory: Callable[[], str],
) -> None:
    url = database_factory()
    with pytest.raises(ValueError, match=r"none\)"):
        database_port_base(url)  # no account yet: refused, not a crawl of nothing
    with session_scope(get_engine(url)) as session:
        account(session, "kent", source="http://127.0.0.1:28701")
        account(session, "essex", source="http://127.0.0.1:28702").platform = Platform.mastodon
    assert database_port_base(url) == 28701
