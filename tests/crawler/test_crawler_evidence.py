"""Canonical text, hashes, HTML to text, reset headers: the small rules evidence depends on."""

from __future__ import annotations

import hashlib
import hmac

import httpx
import pytest

from crawler.evidence import account_hash, canonical_text, html_to_text, text_sha256
from crawler.sources.mastodon import next_link_query
from crawler.transport import RateBudget


def test_canonical_text_is_nfc_with_collapsed_whitespace():
    decomposed = "Cafe\u0301  at\u00a0the\n\nstation\t "
    assert canonical_text(decomposed) == "Caf\u00e9 at the station"
    assert (
        text_sha256(decomposed) == hashlib.sha256("Caf\u00e9 at the station".encode()).hexdigest()
    )
    assert text_sha256("Shift done") != text_sha256("shift done")  # case is evidence


def test_account_hash_is_hmac_of_platform_and_id_with_the_secret_key(monkeypatch):
    monkeypatch.setenv("PROBITY_SECRET_KEY", "k" * 40)
    from probity.settings import reset_settings_cache

    reset_settings_cache()
    expected = hmac.new(b"k" * 40, b"x:12345", hashlib.sha256).hexdigest()
    assert account_hash("x", "12345") == expected
    assert account_hash("bluesky", "12345") != expected


def test_mastodon_html_becomes_text_with_line_breaks():
    html = '<p>Night shift &amp; <a href="https://x.example/tags/tea">#<span>tea</span></a></p><p>line<br>two</p>'
    assert html_to_text(html) == "Night shift & #tea\n\nline\ntwo"


@pytest.mark.parametrize(
    ("headers", "reset"),
    [
        ({"RateLimit-Remaining": "0", "RateLimit-Reset": "1764041400"}, 1764041400.0),  # Bluesky
        (
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2025-11-25T03:30:00.000Z"},
            1764041400.0,
        ),  # Mastodon
        ({"x-rate-limit-remaining": "0", "x-rate-limit-reset": "1764041400"}, 1764041400.0),  # X
    ],
)
def test_each_reset_header_format_is_understood(headers, reset):
    budget = RateBudget()
    assert budget.update(httpx.Headers(headers))
    assert budget.remaining == 0 and budget.reset_at == reset
    assert budget.wait_needed(reset - 10) == pytest.approx(11.0)  # 10 s + the safety margin


def test_link_header_next_query():
    link = (
        '<https://m.example/api/v1/accounts/1/statuses?limit=40&max_id=99>; rel="next", '
        '<https://m.example/api/v1/accounts/1/statuses?limit=40&min_id=120>; rel="prev"'
    )
    assert next_link_query(link) == "limit=40&max_id=99"
    assert next_link_query('<https://m.example/x?min_id=1>; rel="prev"') is None
