"""The demo port base a benchmark's demo database was built with, read from the database.

The demo serves its fake platforms on 127.0.0.1 from ``PROBITY_DEMO_PORT_BASE``, and every
account keeps the base URL it was read from (``platform_accounts.source``); a crawl asks only
for the accounts of the base URL it crawls. So a database crawled again with fake platforms on
other ports finds no account and collects nothing, without an error: the port base is read back
from the accounts and reused (benchmarks/pipeline_scale.py ``--crawl-only``).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from sqlalchemy import create_engine, text

# demo/run.py PLATFORMS, in order: the demo serves platform k on port PROBITY_DEMO_PORT_BASE + k
# (not imported: demo.run loads the identification models, seconds for a constant)
DEMO_PLATFORMS = ("bluesky", "mastodon", "x")


def built_port_base(accounts: Iterable[tuple[str, str]]) -> int:
    """The port base from accounts' (platform, source URL) pairs. Accounts from elsewhere
    (imports, the reference data) are ignored; none left, or two port bases, is refused."""
    bases = set()
    for service, source in accounts:
        url = urlsplit(source)
        if service in DEMO_PLATFORMS and url.hostname == "127.0.0.1" and url.port:
            bases.add(url.port - DEMO_PLATFORMS.index(service))
    if len(bases) != 1:
        found = ", ".join(map(str, sorted(bases))) or "none"
        raise ValueError(
            "cannot tell the demo port base the database was built with (port bases of its "
            f"accounts' fake platforms: {found}); build it again with the demo"
        )
    return bases.pop()


def database_port_base(database_url: str) -> int:
    """The port base of the demo database at ``database_url`` (ValueError naming it if unknown)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            accounts = connection.execute(
                text("SELECT DISTINCT platform, source FROM platform_accounts")
            ).all()
    finally:
        engine.dispose()
    try:
        return built_port_base((str(service), str(source)) for service, source in accounts)
    except ValueError as exc:
        name = database_url.rsplit("/", 1)[-1]
        raise ValueError(f"{name}: {exc}") from None
