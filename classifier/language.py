"""Cheap language check: is a post English, or something the model was never trained on?

The model only knows English. A post in another language would score near zero and pass
silently, so such posts are marked ``language=<code>`` and sent to people as ``unscored``
instead. Two signals, both cheap and explainable:

- script: letters outside the Latin script (Arabic, Devanagari, Gurmukhi, Bengali, Cyrillic,
  Greek, CJK, …); Arabic-script text with Urdu-only letters is ``ur``, other Arabic script ``ar``;
- Welsh function words and letter pairs: posts where a fifth or more of the words (and at least
  three) are common Welsh words are ``cy``. Welsh is an official language in two of the forces.

Anything else is treated as English (``en``). Unknown Latin-script languages (Polish, …) are not
detected; that is a known limit.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SCRIPTS = {  # first word of the Unicode character name → language code (or script tag)
    "ARABIC": "ar",
    "DEVANAGARI": "hi",
    "GURMUKHI": "pa",
    "BENGALI": "bn",
    "GUJARATI": "gu",
    "TAMIL": "ta",
    "CYRILLIC": "und-Cyrl",
    "GREEK": "el",
    "HEBREW": "he",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "THAI": "th",
    "ETHIOPIC": "am",
}
URDU_LETTERS = set("ٹڈڑںھہۓےۂ")
WELSH_WORDS = frozenset(
    [
        "a",
        "ac",
        "ai",
        "am",
        "ar",
        "bod",
        "bydd",
        "byddwn",
        "chi",
        "chwi",
        "cymru",
        "cymraeg",
        "da",
        "diolch",
        "dw",
        "dwi",
        "dy",
        "eich",
        "ei",
        "eu",
        "ew",
        "fe",
        "fi",
        "fy",
        "fydd",
        "gan",
        "gyda",
        "hefyd",
        "hi",
        "hwn",
        "hwnnw",
        "hyn",
        "iawn",
        "mae",
        "maen",
        "mewn",
        "mi",
        "na",
        "nad",
        "neu",
        "nhw",
        "ni",
        "nid",
        "nos",
        "o",
        "oedd",
        "oes",
        "ond",
        "os",
        "pan",
        "pawb",
        "pob",
        "rhaid",
        "roedd",
        "rwy",
        "rydw",
        "rydych",
        "sut",
        "syth",
        "wedi",
        "wnes",
        "wrth",
        "y",
        "yma",
        "ydy",
        "ydw",
        "yn",
        "yng",
        "ym",
        "yr",
        "yw",
        "ydyn",
        "ddim",
        "heddiw",
        "bore",
        "prynhawn",
        "croeso",
        "llongyfarchiadau",
        "heddlu",
        "swyddog",
        "gwaith",
        "bradwyr",
        "crogi",
        "nhw'n",
        "i'r",
        "o'r",
        "ar",
        "y",
        "hefo",
        "efo",
        "chdi",
        "fo",
    ]
)
WELSH_ONLY = frozenset(
    [
        "mae",
        "yr",
        "yw",
        "wedi",
        "ddim",
        "diolch",
        "iawn",
        "gyda",
        "heddlu",
        "rwy",
        "dw",
        "dwi",
        "nhw",
        "eich",
        "ydy",
        "roedd",
        "oedd",
        "bradwyr",
        "crogi",
        "llongyfarchiadau",
        "croeso",
        "heddiw",
        "hefyd",
        "rhaid",
    ]
)
WORD = re.compile(r"[a-zâêîôûŵŷäëïöüÿ']+", re.IGNORECASE)
# A post is Welsh only if one of WELSH_ONLY's words is among its words: one regex search finds
# out for most posts (English ones) without splitting them into words. It matches wherever
# WORD's tokens would (a WELSH_ONLY word between non-letters), and more: only a pre-check.
_WELSH_ONLY_SEARCH = re.compile(
    r"(?<![a-zâêîôûŵŷäëïöüÿ])(?:"
    + "|".join(sorted(WELSH_ONLY, key=len, reverse=True))
    + r")(?![a-zâêîôûŵŷäëïöüÿ])",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def _script_of(ch: str) -> str:
    """ "LATIN", a code of SCRIPTS, or "" for a letter of another script."""
    name = unicodedata.name(ch, "")
    if name.startswith("LATIN"):
        return "LATIN"
    return SCRIPTS.get(name.split(" ")[0], "")


def _script_language(text: str) -> str | None:
    if text.isascii():  # every ASCII letter is Latin: most posts stop here
        return None
    counts: dict[str, int] = {}
    latin = 0
    for ch in text:
        if not ch.isalpha():
            continue
        script = "LATIN" if ch.isascii() else _script_of(ch)
        if script == "LATIN":
            latin += 1
        elif script:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    code, n = max(counts.items(), key=lambda kv: kv[1])
    if n < max(3, latin):  # a few foreign letters inside an English post are still English
        return None
    if code == "ar" and any(ch in URDU_LETTERS for ch in text):
        return "ur"
    return code


def detect_language(text: str) -> str:
    """A language code: ``en`` for English (and anything not recognised), else e.g. ``cy``, ``ur``."""
    by_script = _script_language(text)
    if by_script:
        return by_script
    if _WELSH_ONLY_SEARCH.search(text) is None:
        return "en"  # no distinctive Welsh word: the word count could not say "cy"
    return "cy" if welsh_by_words(text) else "en"


def welsh_by_words(text: str) -> bool:
    """Whether a fifth or more of the words (at least three, one of them distinctive) are
    common Welsh words."""
    words = [w.lower().strip("'") for w in WORD.findall(text)]
    if len(words) < 3:
        return False
    welsh = sum(w in WELSH_WORDS for w in words)
    distinctive = sum(w in WELSH_ONLY for w in words)
    return welsh >= 3 and distinctive >= 1 and welsh / len(words) >= 0.2
