"""The spaCy pipeline: a blank English tokenizer plus one rule component holding every pattern.

Each entity's label says what kind of mention it is and its ``kb_id_`` carries the detail (a
force id, or ``role|tier``). The longest match wins where patterns overlap, so "grammar police"
hides "police" and "Police Scotland" hides "Scotland". Built once per process. (spaCy's own
EntityRuler does the same but re-counts its patterns on every document, which made it ~5x slower.)
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from crawler.identify import lexicon as lx
from crawler.identify import workforce as wf
from crawler.identify.places import CASE_SENSITIVE_PLACES, FOREIGN_PLACES, PLACES, SHARED_AREAS
from crawler.identify.towns import AMBIGUOUS_PLACES, MORE_FOREIGN, MORE_PLACES, WELSH_PLACES
from crawler.identify.welsh import welsh_mutations
from probity.forces import FORCES

# Abbreviations in probity.forces that are mostly something else in a bio (BP the oil company,
# DPP the prosecutor, ASC adult social care, DCP): not used to attribute a force.
AMBIGUOUS_ABBREVIATIONS = frozenset({"BP", "DPP", "ASC", "DCP"})
_POLICE_WORDS = ("police", "constabulary", "cops", "heddlu", "transport", "scotland yard", "met")

_CHILD_WORDS = frozenset({"lad", "lass", "boy", "girl", "eldest", "youngest", "bairn", "laddo"})
OFFICIAL_HANDLES: dict[str, str] = {h.lower(): f.id for f in FORCES for h in f.handles}


def _is_caps_code(text: str) -> bool:
    """Short all-capital codes (PSNI, MPS, PD) are matched exactly as written."""
    letters = [c for c in text if c.isalpha()]
    return len(text) <= 5 and bool(letters) and all(c.isupper() for c in letters)


class IdentifyRuler:
    """Phrase rules as a spaCy component: case-insensitive and exact-case PhraseMatchers plus a few
    token patterns. Overlaps keep the longest span, then the earliest, then the rule added first
    (rules are added in priority order). The detail (force id, ``role|tier``) goes in ``kb_id_``.
    """

    def __init__(self, nlp: Language):
        self.nlp = nlp
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.tokens = Matcher(nlp.vocab)
        self.rules: dict[int, tuple[int, str, str]] = {}  # match key -> (priority, label, detail)
        self.seen: set[tuple[str, str]] = set()

    def _key(self, label: str, ident: str) -> int:
        key = self.nlp.vocab.strings.add(f"{label}\t{ident}")
        if key not in self.rules:
            self.rules[key] = (len(self.rules), label, ident)
        return key

    def add(self, label: str, phrase: str, ident: str = "", *, exact: bool | None = None) -> None:
        exact = _is_caps_code(phrase) if exact is None else exact
        seen_key = ("orth", phrase) if exact else ("lower", phrase.lower())
        if seen_key in self.seen:
            return
        self.seen.add(seen_key)
        matcher = self.orth if exact else self.lower
        matcher.add(self.nlp.vocab.strings[self._key(label, ident)], [self.nlp.make_doc(phrase)])

    def add_tokens(self, label: str, tokens: list[dict[str, Any]], ident: str = "") -> None:
        self.tokens.add(self.nlp.vocab.strings[self._key(label, ident)], [tokens])

    def __call__(self, doc: Doc) -> Doc:
        found = [*self.lower(doc), *self.orth(doc), *self.tokens(doc)]
        ranked = sorted(found, key=lambda m: (m[1] - m[2], m[1], self.rules[m[0]][0]))
        taken = [False] * len(doc)
        spans: list[Span] = []
        for key, start, end in ranked:
            if any(taken[start:end]):
                continue
            for i in range(start, end):
                taken[i] = True
            _, label, ident = self.rules[key]
            spans.append(Span(doc, start, end, label=label, kb_id=ident))
        doc.ents = sorted(spans, key=lambda sp: sp.start)
        return doc


@Language.factory("probity_identify_ruler")
def _make_ruler(nlp: Language, name: str) -> IdentifyRuler:
    return IdentifyRuler(nlp)


def _force_patterns(p: IdentifyRuler) -> None:
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
                # "Notts Police", "Devon & Cornwall Police", "Lancs Constabulary": the area plus a
                # police word names the force, whatever short form the area takes
                for word in ("Police", "Constabulary", "police", "constabulary", "Cops", "Heddlu"):
                    p.add("FORCE", f"{alias} {word}", force.id, exact=True)
        # "Avon & Somerset Constabulary" / "Devon and Cornwall Police": both ways of writing "and"
        for name in (force.name, *force.aliases):
            for a, b in ((" and ", " & "), (" & ", " and ")):
                if a in name:
                    p.add(
                        "FORCE" if any(w in name.lower() for w in _POLICE_WORDS) else "AREA",
                        name.replace(a, b),
                        force.id,
                        exact=True,
                    )
    p.add("FORCE", "Met", "metropolitan", exact=True)
    p.add("FORCE", "MET", "metropolitan", exact=True)
    p.add("FORCE", "Metropolitan", "metropolitan", exact=True)
    p.add("FORCE", "New Scotland Yard", "metropolitan")


def _role_patterns(p: IdentifyRuler) -> None:
    for role, phrases in lx.PLURAL_ROLES.items():
        for phrase in phrases:
            p.add("ROLE", phrase, f"{role}|plural", exact=phrase in ("PCs", "DCs", "DSs", "SCs"))
    for role, phrases in lx.STRONG_ROLES.items():
        for phrase in phrases:
            p.add("ROLE", phrase, f"{role}|strong")
    p.add("ROLE", "pcso", "pcso|strong", exact=False)
    p.add(
        "ROLE", "bobby", "officer|strong", exact=True
    )  # lower case: the name Bobby is capitalised
    p.add("ROLE", "pcsos", "pcso|strong", exact=False)
    for role, phrases in lx.TITLE_ROLES.items():
        for phrase in phrases:
            p.add("ROLE", phrase, f"{role}|title", exact=True)
    for role, phrases in wf.TITLE_ROLES.items():  # before the weak words: "Special" beats "special"
        for phrase in phrases:
            p.add("ROLE", phrase, f"{role}|title", exact=True)
    for role, phrases in lx.WEAK_ROLES.items():
        for phrase in phrases:
            p.add("ROLE", phrase, f"{role}|weak")
    # the workforce lexicon (staff job families, abbreviations, Welsh) after the older lists, so
    # a phrase both lists hold keeps its older meaning
    for role, phrases in wf.PLURAL_ROLES.items():
        for phrase in phrases:
            p.add("ROLE", phrase, f"{role}|plural")
    for role, phrases in wf.STRONG_ROLES.items():
        for phrase in phrases:
            p.add("ROLE", phrase, f"{role}|strong")
    for role, phrases in wf.WEAK_ROLES.items():
        for phrase in phrases:
            p.add("ROLE", phrase, f"{role}|weak")


_RELATIVE_VERBS = ("works", "worked", "serves", "served", "is", "was", "joined", "'s", "’s")
_RELATIVE_ADVERBS = ("just", "recently", "finally", "now", "also", "has", "officially", "still")
_JOINS = ("joined", "works", "started", "passed", "serves", "become", "became", "is")


def _cue_patterns(p: IdentifyRuler) -> None:
    for phrase in (*lx.NOT_POLICE, *wf.NOT_POLICE):
        p.add("NOTPOLICE", phrase)
    for phrase in (*lx.IDIOMS, *wf.IDIOMS, *wf.JOKE_COMPOUNDS):
        p.add("IDIOM", phrase)
    for phrase in (*lx.ACTOR, *wf.ACTOR):
        p.add("ACTOR", phrase)
    for phrase in lx.FICTION:
        p.add("FICTION", phrase)
    for phrase in lx.FICTION_SHOWS:
        p.add("FICTION", phrase)
    for phrase in lx.BAND:
        p.add("IDIOM", phrase, exact=True)
    for phrase in lx.MILITARY:
        p.add("MILITARY", phrase)
    for phrase in lx.OTHER_POLICE:
        p.add("OTHERPOL", phrase)
    for phrase in (*lx.FAMILY_PHRASES, *wf.FAMILY_PHRASES):
        p.add("FAMILY", phrase)
    relatives = [r.lower() for r in (*lx.RELATIVES, *wf.RELATIVES) if " " not in r and "-" not in r]
    rel = {"LOWER": {"IN": relatives}}
    p.add_tokens(
        "FAMILY",
        [rel, {"LOWER": {"IN": ["of", "to"]}}, {"LOWER": {"IN": ["a", "an", "the", "my", "two"]}}],
    )
    p.add_tokens(
        "FAMILY",
        [
            rel,
            {"LOWER": {"IN": ["of", "to"]}},
            {"ORTH": {"IN": ["PC", "DC", "DS", "DI", "Sgt", "PCSO", "DCI", "Insp"]}},
        ],
    )
    p.add_tokens("FAMILY", [{"LOWER": {"IN": ["my", "our", "his", "her"]}}, rel])
    # "my lad's a PC", "our eldest is a PCSO": a child named by age or sex, not by a kin word
    p.add_tokens(
        "FAMILY",
        [
            {"LOWER": {"IN": ["my", "our"]}},
            {"LOWER": {"IN": list(_CHILD_WORDS)}},
            {"LOWER": {"IN": ["is", "'s", "’s", "was"]}},
        ],
    )
    # "Husband works in the … control room", "Son's a PC": a relative as the subject of a job
    p.add_tokens("FAMILY", [rel, {"LOWER": {"IN": list(_RELATIVE_VERBS)}}])
    # "Grandson just joined …", "Daughter has joined …", "Son now works in …": an adverb between
    p.add_tokens(
        "FAMILY",
        [rel, {"LOWER": {"IN": list(_RELATIVE_ADVERBS)}}, {"LOWER": {"IN": list(_JOINS)}}],
    )
    p.add_tokens(
        "FAMILY",
        [
            {"LOWER": {"IN": ["my", "our"]}},
            {"LOWER": {"IN": ["other", "better"]}},
            {"LOWER": "half"},
        ],
    )
    p.add_tokens(
        "FAMILY",
        [
            rel,
            {"LOWER": {"IN": ["is", "'s", "was", "are"]}},
            {"LOWER": {"IN": ["a", "an", "in", "with", "the"]}},
        ],
    )
    p.add_tokens(
        "FAMILY",
        [
            {
                "LOWER": {
                    "IN": [
                        "wife",
                        "husband",
                        "partner",
                        "girlfriend",
                        "boyfriend",
                        "fiancee",
                        "fiance",
                    ]
                }
            },
            {"LOWER": {"IN": ["of", "to"]}},
        ],
    )
    p.add_tokens("FAMILY", [{"ORTH": {"IN": ["'s", "’s"]}}, rel])
    for phrase in (*lx.PAST_CUES, *wf.PAST_CUES):
        p.add("PAST", phrase)
    for phrase in lx.NARROW_PAST_CUES:
        p.add("NPAST", phrase, exact=True)
    # "Ex-999 call handler": the tokenizer keeps "Ex-999" whole
    p.add_tokens("NPAST", [{"LOWER": {"REGEX": r"^ex-\d"}}])
    p.add_tokens("PAST", [{"SHAPE": "dddd"}, {"ORTH": {"IN": ["-", "–", "to"]}}, {"SHAPE": "dddd"}])
    p.add_tokens("PAST", [{"SHAPE": "dddd"}, {"ORTH": {"IN": ["-", "–"]}}, {"SHAPE": "dd"}])
    # "PCSO 2015–2019", "Police staff 1998–2021": the tokenizer keeps a dashed range whole
    p.add_tokens("PAST", [{"TEXT": {"REGEX": r"^(19|20)\d\d[-–—](19|20)?\d\d$"}}])
    for phrase in (*lx.FUTURE_CUES, *wf.FUTURE_CUES):
        p.add("FUTURE", phrase)
    for phrase in (*lx.CORPORATE_CUES, *wf.CORPORATE_CUES):
        p.add("CORP", phrase)
    # "Official heritage collection account", "official recruitment page": an explicit corporate
    # cue with the account's subject written inside it
    for between in (1, 2, 3):
        p.add_tokens(
            "CORP",
            [{"LOWER": "official"}]
            + [{"IS_ALPHA": True, "LOWER": {"NOT_IN": ["not", "my", "personal"]}}] * between
            + [{"LOWER": {"IN": ["account", "page", "feed", "channel"]}}],
            "explicit",
        )
        # "Not the official Kent Police account": the denial is the longer match, so it wins
        denial: list[dict[str, Any]] = [
            {"LOWER": {"IN": ["not", "never"]}},
            {"LOWER": {"IN": ["the", "an", "a", "our", "any"]}, "OP": "?"},
            {"LOWER": "official"},
        ]
        p.add_tokens(
            "PERSONAL",
            denial
            + [{"IS_ALPHA": True}] * between
            + [{"LOWER": {"IN": ["account", "page", "feed", "channel"]}}],
        )
    for phrase in lx.PERSONAL_CUES:
        p.add("PERSONAL", phrase)
    for phrase in (*lx.EMPLOYMENT, *wf.EMPLOYMENT):
        p.add("EMPLOY", phrase)
    for phrase in lx.NOW_CUES:
        p.add("NOW", phrase)


def _place_patterns(p: IdentifyRuler) -> None:
    for force_id, places in PLACES.items():
        for place in places:
            p.add("AREA", place, force_id, exact=place in CASE_SENSITIVE_PLACES)
    for force_id, places in (*MORE_PLACES.items(), *WELSH_PLACES.items()):
        for place in places:
            p.add("AREA", place, force_id, exact=True)
    # "yng Nghaernarfon", "i Gaerdydd", "o Fangor": Welsh places as mutation writes them
    for force_id, place in welsh_mutations():
        p.add("AREA", place, force_id, exact=True)
    # a name several forces' areas share: a place, but never a force on its own
    for place, force_ids in AMBIGUOUS_PLACES.items():
        p.add("MAYBE", place, "|".join(force_ids), exact=True)
    for area in SHARED_AREAS:
        p.add("SHARED", area, exact=area in ("UK", "M1", "M4", "M6", "M25") or None)
    for place in MORE_FOREIGN:  # with the capital letter: "china", "turkey" are things too
        p.add("FOREIGN", place, exact=True)
    for place in FOREIGN_PLACES:
        p.add(
            "FOREIGN",
            place,
            exact=place in ("Jersey", "Cork", "Irish", "India", "Georgia, USA") or None,
        )


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The blank English pipeline with the identifier's EntityRuler (built once per process)."""
    nlp = spacy.blank("en")
    # "DS — D&C." / "Serving DC in A&S.": spaCy keeps a full stop glued to a code with "&" in it
    for force in FORCES:
        for abbr in force.abbreviations:
            if "&" in abbr:
                nlp.tokenizer.add_special_case(  # type: ignore[union-attr]
                    f"{abbr}.", [{"ORTH": abbr}, {"ORTH": "."}]
                )
    p: IdentifyRuler = nlp.add_pipe("probity_identify_ruler")  # type: ignore[assignment]
    # Order is priority for identical phrases: what a phrase is NOT comes first.
    _cue_patterns(p)
    _role_patterns(p)
    _force_patterns(p)
    _place_patterns(p)
    for phrase in (*lx.POLICE_CONTEXT, *wf.POLICE_CONTEXT, *wf.UNIT_CONTEXT):
        p.add("POLICE", phrase)
    return nlp
