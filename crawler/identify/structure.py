"""Structural readings of a field added for rules-2026.11.30.10, from the classes of error of
held-out g's first run (and the same classes left on f, e and d after tuning):

- a **parenthesis elaborates the clause before it**: "retired police staff (control room, GMP)"
  - the bracket shares that clause's past or family state;
- a **rank, a duty and a place** each in its own clause ("PS | Response | Kent"): clauses made
  only of roles, duties and units do not separate a rank from the place beside them;
- a **football club** named after a town ("Coventry City", "Luton Town") says whom the author
  supports, not where they work: it is kept only as an ambiguous place (a candidate, never a
  force);
- a **cue about other people**: "I vet people who want to join Staffs Police" - the recruits
  are the people vetted, not the author;
- **a police dog**: "PD Nova", "handler of PD Rex" - "PD" before a name is a police dog (UK
  usage), not an American police department (which follows its city: "Austin PD");
- **another body named as a partner**: "CPS liaison", "NHS link worker" - the job works with
  that body, it is not the employer.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from crawler.identify import workforce as wf

_OPEN = frozenset({"(", "["})
_CLOSE = frozenset({")", "]"})
CLUB_WORDS = frozenset(
    {"FC", "AFC", "City", "Town", "United", "Utd", "Rovers", "Athletic", "Wanderers", "Albion",
     "Rangers", "Argyle", "Wednesday", "Hotspur", "Orient", "Alexandra", "Dons", "Stanley"}
)  # fmt: skip
# "Coventry City Council", "Luton Town Hall": the place, not the club
_NOT_CLUB_AFTER = frozenset({"council", "hall", "centre", "center", "station", "police", "cc"})
_OTHERS = frozenset({"who", "people", "anyone", "those", "others", "folk", "folks", "candidates"})
_PARTNER_WORDS = frozenset({"liaison", "link", "partnership", "partnerships"})


def bracket_parents(doc: Doc, clause_of: list[int]) -> dict[int, int]:
    """{clause inside a parenthesis: the clause just before its opening bracket}."""
    parents: dict[int, int] = {}
    parent: int | None = None
    for tok in doc:
        if tok.text in _OPEN:
            earlier = [t for t in doc[: tok.i] if t.is_alpha or t.like_num]
            parent = clause_of[earlier[-1].i] if earlier else None
        elif tok.text in _CLOSE:
            parent = None
        elif parent is not None and clause_of[tok.i] != parent:
            parents[clause_of[tok.i]] = parent
    return parents


def role_only_clauses(doc: Doc, clause_of: list[int]) -> set[int]:
    """Clauses whose words are all roles, duties, units or police words ("Response", "CID")."""
    ok: dict[int, bool] = {}
    for tok in doc:
        if tok.is_punct or tok.is_space or not tok.text.strip() or not tok.is_alpha:
            continue
        fits = (
            tok.ent_type_ in ("ROLE", "POLICE")
            or tok.lower_ in wf.RANK_MODIFIERS
            or tok.lower_ in wf.PLACE_UNITS
        )
        clause = clause_of[tok.i]
        ok[clause] = ok.get(clause, True) and fits
    return {c for c, fits in ok.items() if fits}


def football_club(doc: Doc, ent: Span) -> bool:
    """A town followed by a club word: "Coventry City", "Gillingham FC", "Bristol Rovers"."""
    if ent.end >= len(doc) or doc[ent.end].text not in CLUB_WORDS:
        return False
    after = doc[ent.end + 1] if ent.end + 1 < len(doc) else None
    return after is None or after.lower_ not in _NOT_CLUB_AFTER


def about_others(doc: Doc, ent: Span) -> bool:
    """A future cue whose subject is other people: "people who want to join", "anyone
    applying to"."""
    before = [t.lower_ for t in doc[max(0, ent.start - 2) : ent.start]]
    return any(w in _OTHERS for w in before)


def partner_body(doc: Doc, ent: Span) -> bool:
    """ "CPS liaison", "NHS link worker": a body the job works with, not the employer."""
    return ent.end < len(doc) and doc[ent.end].lower_ in _PARTNER_WORDS


def police_dog(doc: Doc, ent: Span) -> bool:
    """ "PD Nova": "PD" followed by a capitalised name, with no city before it."""
    if ent.text != "PD" or ent.end >= len(doc):
        return False
    nxt = doc[ent.end]
    prev = doc[ent.start - 1] if ent.start > 0 else None
    city_before = prev is not None and prev.is_alpha and prev.text[:1].isupper()
    return nxt.is_alpha and nxt.text[:1].isupper() and nxt.ent_type_ == "" and not city_before
