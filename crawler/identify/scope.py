"""Structural scope cues read from tokens: what a bio says *about* its own role words.

These are written from the classes of error of first runs on writers who never read the rules
(held-out e, extra 1 and 2), as mechanisms rather than phrases:

- **denial and explanation**: a role word the author denies or explains as something else ("not
  a police officer myself", "never a cop", "not THAT kind of PC", "PC as in computer", "DI stands
  for do-it-yourself", "no coppers") takes every mention of that role in the profile with it;
  roles joined to a denied one by "or"/"nor" are denied too;
- **a past told as a span of time**: "did 8 years at the Met", "spent 12 years in a control
  room", "Left last year", "civvy street", Welsh "cyn-" (former) before a role;
- **a change of life**: "Now I fix boilers" / "Now a therapist" - a clause opening with "now"
  that names no police role, force or place, after a past cue, makes the claims before it past
  (applied by ``rules.decide``, which sees the whole profile);
- **another organisation's rank**: an unknown capitalised acronym just before a rank or after
  "at/for/with" ("RSPCA Inspector", "Inspector at HMICFRS") is another employer's title;
- **Welsh construct-state family**: "Gwraig heddwas" (a police officer's wife) has no "of".
"""

from __future__ import annotations

import itertools

from spacy.tokens import Doc, Span

from crawler.identify import workforce as wf
from crawler.identify.mentions import Analysis, Mention
from crawler.identify.tokens import negated

# words after a role that explain it as something else ("PC as in computer")
_EXPLAINS = (("as", "in"), ("stands", "for"), ("is", "short"), ("means",))
_KIND = frozenset({"kind", "sort", "type"})
_SPAN_VERBS = frozenset({"did", "spent", "gave", "served", "put"})
_SPAN_UNITS = frozenset({"years", "yrs", "year", "yr", "decades", "months"})
_LEFT_NEXT = frozenset(
    {"last", "in", "the", "after", "this", "at", "when", "policing", "service", "years", "and"}
)
_PAST_WORDS = frozenset({"former", "formerly", "ex", "ex-", "retired", "previously", "recovering"})
_CIVVY = frozenset({"civvy", "civvie", "civvi", "civy"})
_APPLYING = frozenset({"interview", "interviews", "application", "applicant", "assessment"})
_NOW = frozenset({"now", "nawr", "these"})
# police units and codes written in capitals: never another organisation
POLICE_ACRONYMS = frozenset(
    {
        "CID", "MIT", "SOCU", "ROCU", "TSG", "PPU", "CAIT", "MASH", "CTP", "CTU", "SIO", "NPT",
        "SNT", "RPU", "ARV", "OSU", "CJU", "FCR", "FCC", "PSD", "DPS", "CSI", "SOCO", "RTIC",
        "IOM", "OCG", "CPT", "SOIT", "ECU", "POLSA", "TFG", "CMPG", "DPG", "CTSFO", "AFO", "RPT",
        "OPU", "DCI", "PCSO", "SPC", "PSV", "NPCC", "MOPAC", "RCCU", "PVP", "DAU", "CSU", "HQ",
        "RIU", "FIB", "LIO", "CCTV", "ANPR", "UK", "NHS",
    }
)  # fmt: skip
_POLICE_VOLUNTEERING = frozenset(
    {"police", "support", "station", "counter", "custody", "cadet", "cadets", "chaplaincy",
     "speedwatch", "watch", "heritage", "museum", "neighbourhood", "rural", "marine", "horse"}
)  # fmt: skip
_MONTHS = frozenset(
    {"jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
     "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov",
     "november", "dec", "december", "spring", "summer", "autumn", "september's"}
)  # fmt: skip
_POLICE_ENTS = frozenset({"ROLE", "FORCE", "POLICE", "EMPLOY", "AREA", "SHARED", "MAYBE"})


def _cue(
    label: str, ident: str, field: str, clause: int, start: int, end: int, text: str
) -> Mention:
    return Mention(label, ident, field, clause, start, end, text)


def _role_spans(doc: Doc) -> list[Span]:
    return [e for e in doc.ents if e.label_ == "ROLE"]


def _denied(doc: Doc, ent: Span) -> bool:
    if negated(doc, ent):
        return True
    before = [t.lower_ for t in doc[max(0, ent.start - 5) : ent.start]]
    # "not THAT kind of PC"
    if len(before) >= 2 and before[-1] == "of" and before[-2] in _KIND and "not" in before:
        return True
    after = [t.lower_ for t in doc[ent.end : ent.end + 2]]
    return any(tuple(after[: len(e)]) == e for e in _EXPLAINS)


def _is_foreign_acronym(tok: object) -> bool:
    text = getattr(tok, "text", "")
    return (
        len(text) >= 3
        and text.isalpha()
        and text.isupper()
        and getattr(tok, "ent_type_", "") in ("", "NOTPOLICE")
        and text not in POLICE_ACRONYMS
    )


def structural_cues(
    doc: Doc, clause_of: list[int], base: int, field: str, mentions: list[Mention]
) -> list[Mention]:
    """Extra cues for one field; also marks other organisations' ranks in ``mentions``."""
    cues: list[Mention] = []
    roles = _role_spans(doc)
    for i, ent in enumerate(roles):
        clause = base + clause_of[ent.end - 1]
        if _denied(doc, ent):
            role = ent.kb_id_.split("|")[0]
            cues.append(_cue("DENY", role, field, clause, ent.start, ent.end, ent.text))
            # "not a police officer or force staff": the denial carries across "or"/"nor"
            for nxt in roles[i + 1 :]:
                gap = [t.lower_ for t in doc[ent.end : nxt.start]]
                if gap and gap[0] in ("or", "nor") and len(gap) <= 3:
                    other = nxt.kb_id_.split("|")[0]
                    cues.append(_cue("DENY", other, field, clause, nxt.start, nxt.end, nxt.text))
        prev = doc[ent.start - 1] if ent.start > 0 else None
        after = doc[ent.end : ent.end + 3]
        at_other = (
            len(after) >= 2
            and after[0].lower_ in ("at", "for", "with", "@")
            and _is_foreign_acronym(after[1] if after[1].lower_ != "the" else after[-1])
        )
        if (prev is not None and _is_foreign_acronym(prev)) or at_other:
            for m in mentions:
                if m.label == "ROLE" and m.start == ent.start:
                    m.state = "other"  # "RSPCA Inspector", "Inspector at HMICFRS"
        if (
            ent.kb_id_ == "volunteer|weak"
            and prev is not None
            and prev.is_alpha
            and prev.is_lower
            and not prev.is_stop
            and prev.ent_type_ == ""
            and prev.lower_ not in _POLICE_VOLUNTEERING
            and not any(t.ent_type_ in ("FORCE", "POLICE") for t in doc)
        ):
            for m in mentions:
                if m.label == "ROLE" and m.start == ent.start:
                    m.state = "other"  # "Hedgehog rescue volunteer, Hampshire": another cause
        # "Student officer (with West Yorkshire Police) from Feb!": a role that starts in a month
        # to come, said later in the same clause
        later = [t.lower_ for t in doc[ent.end :] if clause_of[t.i] == clause_of[ent.end - 1]]
        starts = any(t.lower_ in ("start", "starting") for t in doc)
        if any(
            w in ("from", "starting", "in") and nxt in _MONTHS and (w != "in" or starts)
            for w, nxt in itertools.pairwise(later)
        ):
            cues.append(_cue("FUTURE", "", field, clause, ent.start, ent.start, ent.text))
        if ent.end < len(doc) and doc[ent.end].lower_ in _APPLYING:
            # "call handler interview next week", "PCSO application in": a job applied for
            cues.append(_cue("FUTURE", "", field, clause, ent.start, ent.start, ent.text))
        if prev is not None and prev.lower_ in wf.RELATIVES and field != "handle":
            # Welsh: "Gwraig heddwas" - a relative word directly before the role
            cues.append(_cue("FAMILY", "", field, clause, prev.i, prev.i + 1, prev.text))
    for tok in doc:
        low = tok.lower_
        clause = base + clause_of[tok.i]
        if low in _PAST_WORDS and tok.i + 1 < len(doc) and doc[tok.i + 1].ent_type_ == "NOTPOLICE":
            # "former journalist, now comms officer for …": the outside job is the past one
            cues.append(_cue("PAST", "object", field, clause, tok.i, tok.i + 1, tok.text))
        if low in ("force", "forces") and tok.is_lower and _generic_force(doc, tok.i):
            # "not naming the force", "a big urban force up north": the employer, unnamed
            mentions.append(Mention("POLICE", "", field, clause, tok.i, tok.i + 1, tok.text))
        nxt = doc[tok.i + 1 : tok.i + 4]
        if (
            low in _SPAN_VERBS
            and len(nxt) >= 2
            and nxt[0].like_num
            and nxt[1].lower_ in _SPAN_UNITS
        ):
            cues.append(_cue("PAST", "", field, clause, tok.i, tok.i + 1, tok.text))
        elif low in _CIVVY and nxt and nxt[0].lower_ in ("street", "st"):
            cues.append(
                _cue("PAST", "", field, clause, tok.i, tok.i + 2, f"{tok.text} {nxt[0].text}")
            )
        elif (
            low == "left"
            and _opens_clause(doc, clause_of, tok.i)
            and nxt
            and (nxt[0].lower_ in _LEFT_NEXT or nxt[0].like_num or nxt[0].ent_type_ == "FORCE")
            or low == "cyn"
            and nxt
            and (nxt[0].ent_type_ == "ROLE" or nxt[0].text == "-")
        ):
            # "Left the army in 2015": a departure from something else, not from the police
            left_other = low == "left" and _left_something_else(doc, tok.i)
            ident = "object" if left_other else ""
            cues.append(_cue("PAST", ident, field, clause, tok.i, tok.i + 1, tok.text))
        elif low in _NOW and _opens_clause(doc, clause_of, tok.i) and field != "handle":
            rest = [t for t in doc[tok.i + 1 :] if clause_of[t.i] == clause_of[tok.i]]
            words = [t for t in rest if t.is_alpha]
            if low == "these" and not (words and words[0].lower_ == "days"):
                continue
            if words and not any(t.ent_type_ in _POLICE_ENTS for t in rest):
                cues.append(_cue("NOWOTHER", "", field, clause, tok.i, tok.i + 1, tok.text))
    return cues


_FORCE_BEFORE = frozenset(
    {"the", "a", "my", "our", "which", "urban", "rural", "county", "big", "small", "northern",
     "southern", "home", "same", "another", "different", "local", "territorial"}
)  # fmt: skip
_NOT_POLICE_FORCE = frozenset(
    {"air", "task", "work", "labour", "driving", "life", "tour", "g", "brute", "armed", "police"}
)
_FORCE_AFTER = frozenset({"be", "of", "for", "majeure", "field", "is", "awakens", "multiplier"})


def _generic_force(doc: Doc, i: int) -> bool:
    """ "force" as an unnamed police employer, not "May the force be with you" or "air force"."""
    before = [t.lower_ for t in doc[max(0, i - 3) : i]]
    after = doc[i + 1].lower_ if i + 1 < len(doc) else ""
    return (
        bool(before)
        and before[-1] in _FORCE_BEFORE
        and not (set(before) & _NOT_POLICE_FORCE)
        and after not in _FORCE_AFTER
    )


_POLICE_OBJECTS = frozenset({"job", "police", "force", "service", "met", "constabulary", "cops"})


def _left_something_else(doc: Doc, i: int) -> bool:
    """ "Left the army", "left teaching": what was left is named, and it is not the police."""
    after = [t for t in doc[i + 1 : i + 3] if t.lower_ not in ("the", "a", "my")]
    if not after:
        return False
    obj = after[0]
    return (
        obj.is_alpha
        and obj.ent_type_ in ("", "MILITARY", "NOTPOLICE")
        and obj.lower_ not in _POLICE_OBJECTS
        and obj.lower_ not in _LEFT_NEXT
    )


def _opens_clause(doc: Doc, clause_of: list[int], i: int) -> bool:
    """The first word of its clause (or of its sentence after "and")."""
    earlier = [t for t in doc[:i] if clause_of[t.i] == clause_of[i] and t.is_alpha]
    return not earlier or (len(earlier) == 1 and earlier[0].lower_ in ("and", "but"))


_SCOPED = frozenset({"ROLE", "EMPLOY", "FORCE", "POLICE"})


def profile_scope(a: Analysis) -> None:
    """Profile-wide cues from ``scope.py``: a denied or explained role word takes every mention of
    that role with it; "Now <another life>" after a past cue makes the claims before it past."""
    denied = {c.ident for c in a.cues if c.label == "DENY"}
    for m in a.mentions:
        if m.label == "ROLE" and m.state == "current" and m.role in denied:
            m.state = "denied"
    past = [c.clause for c in a.cues if c.label == "PAST" and c.ident != "object"]
    for cue in a.cues:
        if cue.label != "NOWOTHER" or not any(p < cue.clause for p in past):
            continue
        for m in a.mentions:
            if m.label in _SCOPED and m.state == "current" and m.clause < cue.clause:
                m.state = "past"
