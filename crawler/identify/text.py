"""Text normalisation that keeps a map back to the original characters.

Handles and hashtags are written without spaces ("@PCSmithKentPol", "#PoliceFamily"); splitting
them at case changes lets the same phrase rules see "PC Smith Kent Pol" and "Police Family".
Normalisation only replaces characters one-for-one or inserts spaces, so every span found in the
normalised text maps back to an exact substring of the input (evidence must be quotable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Case-change boundaries inside a run of word characters: aB, ABc (before the last capital),
# letter->digit and digit->letter.
_CAMEL = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])"
)
_TAGGED = re.compile(r"[@#][A-Za-z0-9_]+")
# Words in handles that are titles or force abbreviations, written in their usual case so the
# case-sensitive abbreviation rules see them ("pc_jones_gmp" -> "PC jones GMP").
_HANDLE_WORDS = (
    "PC",
    "PCSO",
    "DC",
    "DS",
    "DI",
    "DCI",
    "Sgt",
    "Insp",
    "SPC",
    "SC",
    "GMP",
    "WMP",
    "MPS",
    "TVP",
    "BTP",
    "SYP",
    "WYP",
    "NYP",
    "SWP",
    "NWP",
    "CoLP",
    "MSC",
    "DSgt",
    "TDC",
    "Met",
)
HANDLE_CANONICAL = {w.lower(): w for w in _HANDLE_WORDS}


@dataclass(frozen=True)
class Normalised:
    """Normalised text plus, for each of its characters, the index of the original character."""

    original: str
    text: str
    index: tuple[int, ...]

    def original_span(self, start: int, end: int) -> str:
        """The exact original substring that normalised characters [start, end) came from."""
        if start >= end:
            return ""
        return self.original[self.index[start] : self.index[end - 1] + 1]


def _split_word(word: str) -> list[str]:
    return [p for p in _CAMEL.split(word) if p]


def normalise(
    original: str, *, is_handle: bool = False, keep: frozenset[str] = frozenset()
) -> Normalised:
    """Normalise ``original``; tagged words whose lower-case form is in ``keep`` stay whole."""
    chars: list[str] = []
    index: list[int] = []

    def emit(piece: str, at: int) -> None:
        for offset, ch in enumerate(piece):
            chars.append(ch)
            index.append(at + offset)

    def emit_word(word: str, at: int) -> None:
        # split a handle-like word at case changes, keeping indices of the real characters
        pos = at
        for n, part in enumerate(_split_word(word)):
            if n:
                chars.append(" ")
                index.append(pos)
            emit(HANDLE_CANONICAL.get(part.lower(), part) if is_handle else part, pos)
            pos += len(part)

    if is_handle:
        cleaned = original.replace("_", " ").replace(".", " ").lstrip("@")
        offset = len(original) - len(original.lstrip("@"))
        pos = 0
        for m in re.finditer(r"\S+|\s+", cleaned):
            if m.group().isspace():
                emit(m.group(), offset + m.start())
            else:
                emit_word(m.group(), offset + m.start())
            pos = m.end()
        return Normalised(original, "".join(chars), tuple(index))

    pos = 0
    for m in _TAGGED.finditer(original):
        emit(original[pos : m.start()], pos)
        emit(" ", m.start())  # the @ or # becomes a space
        body_at = m.start() + 1
        if m.group()[1:].lower() in keep:
            emit(m.group()[1:], body_at)
            pos = m.end()
            continue
        for piece in re.finditer(r"[^_]+|_", m.group()[1:]):
            if piece.group() == "_":
                emit(" ", body_at + piece.start())
            else:
                emit_word(piece.group(), body_at + piece.start())
        pos = m.end()
    emit(original[pos:], pos)
    text = "".join(chars)
    # "PC1234" -> "PC 1234": collar numbers glued to titles; insert spaces keeping the map.
    out_chars: list[str] = []
    out_index: list[int] = []
    for i, ch in enumerate(text):
        if i and ch.isdigit() and text[i - 1].isupper() and _starts_caps_run(text, i):
            out_chars.append(" ")
            out_index.append(index[i])
        out_chars.append(ch)
        out_index.append(index[i])
    return Normalised(original, "".join(out_chars), tuple(out_index))


def _starts_caps_run(text: str, i: int) -> bool:
    """True when text[:i] ends with a 2-4 letter capitalised word (PC, PCSO, DC) glued to digits."""
    j = i
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    word = text[j:i]
    return 2 <= len(word) <= 4 and word.isupper()
