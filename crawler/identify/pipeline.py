"""The spaCy pipeline: a blank English tokenizer plus one EntityRuler holding every rule pattern.

Each entity's label says what kind of mention it is and its ``ent_id_`` carries the detail (a
force id, or ``role|tier``). The EntityRuler keeps the longest match where patterns overlap, so
"grammar police" hides "police" and "Police Scotland" hides "Scotland". Built once per process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language

from crawler.identify import lexicon as lx
from crawler.identify.places import CASE_SENSITIVE_PLACES, FOREIGN_PLACES, PLACES, SHARED_AREAS
from probity.forces import FORCES

# Abbreviations in probity.forces that are mostly something else in a bio (BP the oil company,
# DPP the prosecutor, ASC adult social care, DCP): not used to attribute a force.
AMBIGUOUS_ABBREVIATIONS = frozenset({"BP", "DPP", "ASC", "DCP"})
_POLICE_WORDS = ("police", "constabulary", "cops", "heddlu", "transport", "scotland yard", "met")

OFFICIAL_HANDLES: dict[str, str] = {h.lower(): f.id for f in FORCES for h in f.handles}


def _is_caps_code(text: str) -> bool:
    """Short all-capital codes (PSNI, MPS, PD) are matched exactly as written."""
    letters = [c for c in text if c.isalpha()]
    return len(text) <= 5 and bool(letters) and all(c.isupper() for c in letters)


class _Patterns:
    """Collects patterns, dropping a later duplicate of an earlier (higher-priority) one."""

    def __init__(self, nlp: Language):
        self.nlp = nlp
        self.items: list[dict[str, Any]] = []
        self.seen: set[tuple[str, str]] = set()

    def add(self, label: str, phrase: str, ident: str = "", *, exact: bool | None = None) -> None:
        exact = _is_caps_code(phrase) if exact is None else exact
        key = ("orth", phrase) if exact else ("lower", phrase.lower())
        if key in self.seen:
            return
        self.seen.add(key)
        if exact:
            pattern: Any = [{"ORTH": t.text} for t in self.nlp.make_doc(phrase)]
        else:
            pattern = phrase
        item: dict[str, Any] = {"label": label, "pattern": pattern}
        if ident:
            item["id"] = ident
        self.items.append(item)

    def add_tokens(self, label: str, tokens: list[dict[str, Any]], ident: str = "") -> None:
        item: dict[str, Any] = {"label": label, "pattern": tokens}
        if ident:
            item["id"] = ident
        self.items.append(item)


def _force_patterns(p: _Patterns) -> None:
    for force in FORCES:
        p.add("FORCE", force.name, force.id)
        for handle in force.handles:
            p.add("FORCE", handle, force.id, exact=False)
        for abbr in force.abbreviations:
            if abbr not in AMBIGUOUS_ABBREVIATIONS:
                p.add("FORCE", abbr, force.id, exact=True)
                p.add("FORCE", f"{abbr} Police", force.id)
        for alias in force.aliases:
            if any(w in alias.lower() for w in _POLICE_WORDS):
                p.add("FORCE", alias, force.id, exact=alias in ("the Met", "Met Police") or None)
                if alias == "the Met":
                    p.add("FORCE", "The Met", force.id, exact=True)
            else:
                # A county or region name: a place, matched with its capital letter.
                p.add("AREA", alias, force.id, exact=True)
                p.add("AREA", alias.upper(), force.id, exact=True)
    p.add("FORCE", "Met", "metropolitan", exact=True)
    p.add("FORCE", "MET", "metropolitan", exact=True)
    p.add("FORCE", "Metropolitan", "metropolitan", exact=True)
    p.add("FORCE", "New Scotland Yard", "metropolitan")


def _role_patterns(p: _Patterns) -> None:
    for role, phrases in lx.STRONG_ROLES.items():
        for phrase in phrases:
            p.add("ROLE", phrase, f"{role}|strong")
    p.add("ROLE", "pcso", "pcso|strong", exact=False)
    p.add("ROLE", "bobby", "officer|strong", exact=True)  # lower case: the name Bobby is capitalised
    p.add("ROLE", "pcsos", "pcso|strong", exact=False)
    for role, phrases in lx.TITLE_ROLES.items():
        for phrase in phrases:
            p.add("ROLE", phrase, f"{role}|title", exact=True)
    for role, phrases in lx.WEAK_ROLES.items():
        for phrase in phrases:
            p.add("ROLE", phrase, f"{role}|weak")


def _cue_patterns(p: _Patterns) -> None:
    for phrase in lx.NOT_POLICE:
        p.add("NOTPOLICE", phrase)
    for phrase in lx.IDIOMS:
        p.add("IDIOM", phrase)
    for phrase in lx.ACTOR:
        p.add("ACTOR", phrase)
    for phrase in lx.FICTION:
        p.add("FICTION", phrase)
    for phrase in lx.FICTION_SHOWS:
        p.add("FICTION", phrase)
    for phrase in lx.BAND:
        p.add("IDIOM", phrase, exact=True)
    for phrase in lx.OTHER_POLICE:
        p.add("OTHERPOL", phrase)
    for phrase in lx.FAMILY_PHRASES:
        p.add("FAMILY", phrase)
    relatives = [r.lower() for r in lx.RELATIVES if " " not in r and "-" not in r]
    rel = {"LOWER": {"IN": relatives}}
    p.add_tokens("FAMILY", [rel, {"LOWER": {"IN": ["of", "to"]}}, {"LOWER": {"IN": ["a", "an", "the", "my", "two"]}}])
    p.add_tokens("FAMILY", [rel, {"LOWER": {"IN": ["of", "to"]}}, {"ORTH": {"IN": ["PC", "DC", "DS", "DI", "Sgt", "PCSO", "DCI", "Insp"]}}])
    p.add_tokens("FAMILY", [{"LOWER": {"IN": ["my", "our", "his", "her"]}}, rel])
    p.add_tokens("FAMILY", [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": ["other", "better"]}}, {"LOWER": "half"}])
    p.add_tokens("FAMILY", [rel, {"LOWER": {"IN": ["is", "'s", "was", "are"]}}, {"LOWER": {"IN": ["a", "an", "in", "with", "the"]}}])
    p.add_tokens("FAMILY", [{"LOWER": {"IN": ["wife", "husband", "partner", "girlfriend", "boyfriend", "fiancee", "fiance"]}}, {"LOWER": {"IN": ["of", "to"]}}])
    p.add_tokens("FAMILY", [{"ORTH": {"IN": ["'s", "’s"]}}, rel])
    for phrase in lx.PAST_CUES:
        p.add("PAST", phrase)
    for phrase in lx.NARROW_PAST_CUES:
        p.add("NPAST", phrase, exact=True)
    p.add_tokens("PAST", [{"SHAPE": "dddd"}, {"ORTH": {"IN": ["-", "–", "to"]}}, {"SHAPE": "dddd"}])
    p.add_tokens("PAST", [{"SHAPE": "dddd"}, {"ORTH": {"IN": ["-", "–"]}}, {"SHAPE": "dd"}])
    for phrase in lx.FUTURE_CUES:
        p.add("FUTURE", phrase)
    for phrase in lx.CORPORATE_CUES:
        p.add("CORP", phrase)
    for phrase in lx.PERSONAL_CUES:
        p.add("PERSONAL", phrase)
    for phrase in lx.EMPLOYMENT:
        p.add("EMPLOY", phrase)
    for phrase in lx.NOW_CUES:
        p.add("NOW", phrase)


def _place_patterns(p: _Patterns) -> None:
    for force_id, places in PLACES.items():
        for place in places:
            p.add("AREA", place, force_id, exact=place in CASE_SENSITIVE_PLACES)
    for area in SHARED_AREAS:
        p.add("SHARED", area, exact=area in ("UK", "M1", "M4", "M6", "M25") or None)
    for place in FOREIGN_PLACES:
        p.add("FOREIGN", place, exact=place in ("Jersey", "Cork", "Irish", "India", "Georgia, USA") or None)


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The blank English pipeline with the identifier's EntityRuler (built once per process)."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    p = _Patterns(nlp)
    # Order is priority for identical phrases: what a phrase is NOT comes first.
    _cue_patterns(p)
    _role_patterns(p)
    _force_patterns(p)
    _place_patterns(p)
    for phrase in lx.POLICE_CONTEXT:
        p.add("POLICE", phrase)
    ruler.add_patterns(p.items)  # type: ignore[attr-defined]
    return nlp
