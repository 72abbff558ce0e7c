"""Evidence-grade helpers: canonical text and its SHA-256, HTML to text, keyed account hashes.

Canonical text (what ``text_sha256`` is computed over), so anyone can re-derive the hash:
  1. Unicode NFC normalisation;
  2. every run of whitespace (spaces, tabs, newlines, NBSP …) collapsed to one space;
  3. leading and trailing whitespace stripped;
  4. encoded as UTF-8.
Case, punctuation, emoji, URLs and mentions are kept exactly as posted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from html import unescape
from html.parser import HTMLParser
from typing import Any, ClassVar

from probity.settings import get_settings

_WHITESPACE = re.compile(r"\s+")


def canonical_text(text: str) -> str:
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def text_sha256(text: str) -> str:
    return hashlib.sha256(canonical_text(text).encode("utf-8")).hexdigest()


def payload_sha256(payload: Any) -> str:
    """Hash of a raw payload in a stable JSON form (sorted keys), to de-duplicate re-captures."""
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def account_hash(platform: str, platform_id: str) -> str:
    """Keyed hash of an out-of-scope account: recognisable again by us, meaningless to others."""
    key = get_settings().secret_key.get_secret_value().encode("utf-8")
    return hmac.new(key, f"{platform}:{platform_id}".encode(), hashlib.sha256).hexdigest()


class _TextExtractor(HTMLParser):
    # Mastodon's content is a small HTML subset: paragraphs, line breaks, links, spans.
    BREAKS: ClassVar[dict[str, str]] = {"br": "\n", "p": "\n\n"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Mastodon status/bio HTML to plain text: paragraphs and <br> become line breaks."""
    if "<" not in html:
        return unescape(html).strip()
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
