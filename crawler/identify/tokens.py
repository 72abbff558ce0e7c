"""Token-level tests the clause analysis asks of a mention: is a title followed by a name, is a
role denied or about someone else, is a past cue about police work, is a job at another employer."""

from __future__ import annotations

import itertools
import re

from spacy.tokens import Doc, Span, Token

from crawler.identify import lexicon as lx
from crawler.identify import workforce as wf
from crawler.identify.text import Normalised

_TITLE_WORDS = frozenset(
    {"PC", "DC", "DS", "PS", "DI", "DCI", "Sgt", "Insp", "Supt", "SC", "PCSO", "Det"}
)


_ARMIES = frozenset(
    {
        "British",
        "Territorial",
        "Royal",
        "Reserve",
        "Regular",
        "Ex",
        "Former",
        "The",
        "In",
        "Indian",
        "Australian",
        "US",
        "Israeli",
        "Gurkha",
    }
)


def fan_army(doc: Doc, ent: Span) -> bool:
    """ "Tangerine army", "Toon Army", "Barmy Army": football and cricket fans, not soldiers."""
    if ent.text.lower() != "army" or ent.start == 0:
        return False
    prev = doc[ent.start - 1]
    return prev.is_alpha and prev.text[0].isupper() and prev.text.title() not in _ARMIES


_EMPLOYER_WORDS = frozenset({"at", "for", "with", "@"})


def at_another_employer(doc: Doc, ent: Span) -> bool:
    """A weak job followed by "at/for/with" and a name that is no force, place or police word."""
    if ent.end + 1 >= len(doc) or doc[ent.end].lower_ not in _EMPLOYER_WORDS:
        return False
    nxt = doc[ent.end + 1]
    if nxt.lower_ == "the" and ent.end + 2 < len(doc):
        nxt = doc[ent.end + 2]
    if nxt.ent_type_ in ("AREA", "MAYBE", "SHARED"):
        # "volunteer at the Suffolk Punch stud", "at the Kent Wildlife Trust": a place that is
        # part of another organisation's name (a capitalised word follows it)
        end = next((e.end for e in doc.ents if e.start == nxt.i), nxt.i + 1)
        after = doc[end] if end < len(doc) else None
        return (
            after is not None
            and after.is_alpha
            and after.text[0].isupper()
            and after.ent_type_ in ("", "NOTPOLICE")
        )
    return nxt.is_alpha and nxt.text[0].isupper() and nxt.ent_type_ == ""


def job_partner(doc: Doc, tok: Token) -> bool:
    """ "hr_partner", "business_partner": a job title, not a relative."""
    return (
        tok.lower_ == "partner"
        and tok.i > 0
        and doc[tok.i - 1].lower_ in ("hr", "business", "bp", "people")
    )


COLLECTIVE = frozenset({"we", "they", "who", "which", "that"})
_NEGATIONS = frozenset({"not", "never", "no", "nor", "isn't", "not a", "definitely"})


def negated(doc: Doc, ent: Span) -> bool:
    """ "Not a police officer", "never a cop": the role is denied."""
    before = [t.lower_ for t in doc[max(0, ent.start - 3) : ent.start]]
    while before and before[-1] in ("a", "an", "the"):
        before.pop()
    return (bool(before) and before[-1] in _NEGATIONS) or answered_no(doc, ent.end)


def answered_no(doc: Doc, end: int) -> bool:
    """ "BTP officer? No, just love trains": a role asked about and denied."""
    after = [t.lower_ for t in doc[end : end + 3]]
    return len(after) >= 2 and after[0] == "?" and after[1] in ("no", "nope", "nah", "not")


def after_a_name(doc: Doc, ent: Span) -> bool:
    """A place written straight after a capitalised word that is not itself a place, role or
    cue, with nothing after it but punctuation: the shape of "First Surname"."""
    if ent.start == 0:
        return False
    prev = doc[ent.start - 1]
    # "Sam Stafford"; a title before it too ("PC Preston" is far more often a surname)
    named = prev.is_alpha and prev.text[0].isupper() and prev.ent_type_ == ""
    titled = prev.ent_type_ == "ROLE" and prev.text in _TITLE_WORDS
    if not (named or titled):
        return False
    return all(t.is_punct or t.is_space or not t.is_alpha for t in doc[ent.end :])


_HASHTAG = re.compile(r"#\w+")
_PLACE_PREPOSITIONS = frozenset(
    {"in", "to", "from", "near", "visiting", "washington", "via", "the"}
)


def not_a_title(doc: Doc, ent: Span, norm: Normalised) -> bool:
    """A title abbreviation that is part of a longer hashtag ("#DCCircuit", "#meDIAtoo") or a
    place after a preposition ("back in DC") is not a rank."""
    if ent.start > 0 and doc[ent.start - 1].lower_ in _PLACE_PREPOSITIONS:
        return True
    nxt = doc[ent.end] if ent.end < len(doc) else None
    if ent.text == "PS" and nxt is not None and nxt.is_digit and len(nxt.text) == 1:
        return True  # "PS5", "PS 4": a games console, not a police sergeant
    at = norm.index[ent.start_char] if ent.start_char < len(norm.index) else -1
    for tag in _HASHTAG.finditer(norm.original):
        if tag.start() < at < tag.end():
            return len(tag.group()) - 1 > len(ent.text)
    return False


_OTHER_DETERMINERS = frozenset(
    {
        "that",
        "this",
        "some",
        "any",
        "every",
        "the",
        "another",
        "no",
        "his",
        "her",
        "their",
        "your",
        "armed",
    }
)
_THIRD_PERSON = frozenset(
    {
        "he",
        "she",
        "they",
        "him",
        "her",
        "his",
        "their",
        "someone",
        "somebody",
        "anyone",
        "everyone",
        "nobody",
        "he's",
        "she's",
        "they're",
    }
)
_SELF_VERBS = frozenset({"serving", "working", "being", "training", "proud", "qualified"})


def someone_else(doc: Doc, ent: Span, clause_of: list[int]) -> bool:
    """A role in a sentence about another person: "that cop", "she is a cop", "asked a cop"."""
    rest = [t.lower_ for t in doc[ent.end : ent.end + 4]]
    if (
        len(rest) >= 3
        and rest[1] in ("is", "was", "'s")
        and rest[2] in ("my", "our")
        and doc[ent.end].text[:1].isupper()
    ):
        return True  # "DCI Stanhope is my hero": someone the author talks about
    if ent.start == 0:
        return False
    prev = doc[ent.start - 1].lower_
    if (
        prev == "the"
        and ent.start >= 2
        and doc[ent.start - 2].lower_ in ("in", "at", "on", "within")
    ):
        return False  # a workplace: "in the control room", "on the front counter"
    if prev in _OTHER_DETERMINERS:
        return True
    if prev in ("a", "an") and ent.start >= 2:
        verb = doc[ent.start - 2].lower_
        if verb.endswith(("ed", "ing")) and verb not in _SELF_VERBS and verb not in lx.PAST_CUES:
            return True
    clause = clause_of[ent.start]
    before = [t.lower_ for t in doc[: ent.start] if clause_of[t.i] == clause]
    if any(a == "one" and b == "of" for a, b in itertools.pairwise(before)):
        return True  # "one of them's a PCSO", "one of my kids is a DC": one of several others
    return any(t in _THIRD_PERSON for t in before)


def next_content(doc: Doc, end: int, limit: int = 4) -> list[Token]:
    skip = {
        "-",
        "from",
        "the",
        "a",
        "an",
        "after",
        "in",
        "with",
        "as",
        "for",
        "my",
        "years",
        "yrs",
        "of",
        "'",
        "’",
        "years'",
        "service",
    }
    out: list[Token] = []
    for tok in doc[end : end + limit + 3]:
        if tok.text.lower() in skip or tok.like_num:
            continue
        out.append(tok)
        if len(out) >= limit:
            break
    return out


_OBJECT_PAST = frozenset(
    {"former", "formerly", "ex", "ex-", "previously", "once a", "was a", "used to be"}
)


_SOMEONE_ELSES = frozenset(
    {"the", "odd", "missing", "lost", "elderly", "vulnerable", "local", "confused", "every", "some"}
)
_RETIRED_WORDS = frozenset({"retired", "retd", "rtd", "ret'd"})
_NOT_OBJECTS = frozenset(
    {"happily", "early", "recently", "medically", "officially", "finally", "life", "now", "cop",
     "copper", "bobby", "plod", "detective", "sergeant", "inspector", "constable", "officer",
     "police", "policeman", "policewoman", "pc", "dc", "ds", "sgt"}
)  # fmt: skip


def past_of_something_else(doc: Doc, ent: Span) -> bool:
    """ "Former chemist", "previously a teacher": the past cue has its own, non-police object."""
    following = next_content(doc, ent.end, limit=1)
    if ent.text.lower() in _RETIRED_WORDS:
        # "retired banker (the banking bit is retired, not the policing!)": a job word right
        # after "retired" is what retired; "retired and loving it" is not an object
        return (
            bool(following)
            and ent.end < len(doc)
            and doc[ent.end].i == following[0].i
            and following[0].is_alpha
            and following[0].is_lower
            and following[0].ent_type_ == ""
            and not following[0].is_stop
            and following[0].lower_ not in _NOT_OBJECTS
        )
    if ent.text.lower() not in _OBJECT_PAST:
        return False
    return bool(following) and following[0].is_alpha and following[0].ent_type_ == ""


_STILL = frozenset({"counting", "still", "ongoing", "continuing"})
_SENTENCE_ENDS = frozenset({".", "!", "?", "|", "•", ";"})


def past_cue_valid(doc: Doc, ent: Span, narrow: bool) -> bool:
    if (
        ent.text.lower() in ("pensioner", "pensioners", "retiree")
        and ent.start > 0
        and doc[ent.start - 1].lower_ in _SOMEONE_ELSES
    ):
        return False  # "the odd missing pensioner": someone the author meets, not the author
    for t in doc[ent.end : ent.end + 3]:
        if t.text in _SENTENCE_ENDS or "\n" in t.text:
            break  # "retired 2020. Still got my helmet": the next sentence is another thought
        if t.lower_ in _STILL:
            return False  # "20 years' service and counting", "years' service, still serving"
    following = next_content(doc, ent.end, limit=3)
    for tok in following:
        if tok.lower_ in lx.NONPOLICE_AFTER_PAST:
            return False
        if tok.ent_type_ in ("ROLE", "FORCE", "AREA", "POLICE", "OTHERPOL", "EMPLOY"):
            return True
        if narrow:
            if tok.is_alpha and tok.text[:1].isupper() and tok.ent_type_ == "":
                continue  # "Ex West Mids Police Inspector": a name the lexicon lacks comes first
            return tok.lower_ in ("job", "plod", "officer", "bobby")
    return not narrow


_AFTER_EMPLOYER = frozenset({"in", "as", "since", "for", "and", "&", "-", "–", "—", "|", "•"})
_WORK_ADVERBS = frozenset(
    {"also", "proudly", "currently", "now", "still", "mainly", "mostly", "usually"}
)


def work_at_force(doc: Doc, clause_of: list[int]) -> list[tuple[int, int]]:
    """(start, end) of "I <work verb> ... for/at <force>" and "<Working> ... at <force>" in one clause:
    the author says they work for the force. "Years at <force>" counts too ("10 years at Surrey
    Police"); past cues in the clause still make it past."""
    found: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ != "FORCE" or ent.start == 0:
            continue
        prev = ent.start - 1
        if doc[prev].lower_ == "the" and prev > 0:
            prev -= 1
        if doc[prev].lower_ not in ("for", "at", "@"):
            continue
        clause = clause_of[ent.start]
        words = [t for t in doc[:prev] if clause_of[t.i] == clause and not t.is_punct]
        if not words:
            continue
        nxt = doc[ent.end] if ent.end < len(doc) else None
        if nxt is not None and not (
            nxt.is_punct
            or nxt.is_space
            or nxt.lower_ in _AFTER_EMPLOYER
            or clause_of[nxt.i] != clause
        ):
            continue  # "coffee at the Met café": the force names something else
        if any(t.lower_ in ("a", "an", "of") or t.ent_type_ == "ROLE" for t in words[1:]):
            continue  # "families of officers at Surrey Police", "for a charity ... with"
        if len(words) >= 2 and words[-1].lower_ in ("years", "yrs") and words[-2].like_num:
            found.append((words[-2].i, ent.end))
            continue
        head = words[0]
        if head.lower_ == "i" and len(words) >= 2:
            verb = next((t for t in words[1:] if t.lower_ not in _WORK_ADVERBS), None)
            if (
                verb is not None
                and verb.lower_ in wf.WORK_VERBS
                and not verb.lower_.endswith("ing")
            ):
                found.append((head.i, ent.end))
        elif head.lower_.endswith("ing") and head.lower_ in wf.WORK_VERBS:
            found.append((head.i, ent.end))
    return found


_VOLUNTEER_FOLLOWERS = frozenset(
    {"at", "for", "with", "in", "of", "and", "&", "to", "since", "on", "@", "the", "a", "an"}
)


def volunteer_at_something(doc: Doc, ent: Span) -> bool:
    """ "volunteer driver", "volunteer firefighter": "volunteer" naming another unpaid job."""
    if ent.end >= len(doc) or ent.text.lower() != "volunteer":
        return False
    nxt = doc[ent.end]
    return (
        nxt.is_alpha
        and nxt.text.islower()
        and nxt.ent_type_ == ""
        and nxt.lower_ not in _VOLUNTEER_FOLLOWERS
    )


_SPELT_RANKS = frozenset({"inspector", "sergeant", "superintendent", "constable", "detective"})


def of_an_idiom(doc: Doc, ent: Span) -> bool:
    """ "Chief Inspector of the Fun Police", "Sgt of the grammar police": the rank is the joke's."""
    after = doc[ent.end : ent.end + 4]
    if len(after) < 2 or after[0].lower_ != "of":
        return False
    rest = after[1:]
    first = rest[0]
    if (
        first.is_alpha
        and first.is_lower
        and not first.is_stop
        and first.ent_type_ == ""
        and ent.text.lower().split()[-1] in _SPELT_RANKS
    ):
        return True  # "Chief inspector of biscuits", "Sergeant of snacks": a rank over a thing
    if rest[0].lower_ in ("the", "a", "my"):
        rest = rest[1:]
    return bool(len(rest)) and rest[0].ent_type_ == "IDIOM"
