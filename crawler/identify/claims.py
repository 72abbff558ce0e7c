"""Claims the lexicon does not name: a job next to a named force, a relative phrase carried
over a clause break, a force-only clause followed by a short job."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from crawler.identify import lexicon as lx
from crawler.identify import workforce as wf
from crawler.identify.mentions import _PLACE_FILLER, Mention
from crawler.identify.text import Normalised
from crawler.identify.tokens import (
    answered_no,
)


def _jobs_at_forces(
    doc: Doc,
    norm: Normalised,
    field_name: str,
    base: int,
    clause_of: list[int],
    mentions: list[Mention],
) -> list[Mention]:
    """Staff roles the lexicon does not name: "Software developer at Leicestershire Police",
    "Media & comms, City of London Police" - a job ending in a job word, next to a named force."""
    found: list[Mention] = []
    role_clauses = {m.clause for m in mentions if m.label in ("ROLE", "EMPLOY")}
    # "@" is written for "at" ("Corporate comms @ Cumbria Constabulary"): kept as a word
    words = [
        t
        for t in doc
        if not ((t.is_punct and t.text != "@") or t.is_space or t.text in lx.CLAUSE_BREAKS)
    ]
    found += _area_officer(doc, norm, field_name, base, clause_of)
    for ent in doc.ents:
        if ent.label_ != "FORCE":
            continue
        before = [t for t in words if t.i < ent.start]
        employed = _employed_job(doc, clause_of, before, ent.start)
        if employed is not None:
            # "Occupational health nurse employed by Wiltshire Police": the job is the role
            found.append(_job_clause_role(doc, norm, field_name, base, clause_of, words, employed))
            continue
        if (
            len(before) >= 3
            and before[-1].lower_ == "the"
            and before[-2].lower_ in wf.EMPLOY_PREPOSITIONS
        ):
            before = before[:-1]  # "HR at the Metropolitan Police"
        after = [t for t in words if t.i >= ent.end and clause_of[t.i] == clause_of[ent.start]]
        head: Token | None = None
        opens_clause = not before or clause_of[before[-1].i] != clause_of[ent.start]
        if (
            ent.end < len(doc)
            and doc[ent.end].lower_ == "officer"
            and doc[ent.end - 1].lower_ in ("police", "constabulary")
        ):
            # "British Transport Police officer": the force's name swallowed "police officer"
            evidence = norm.original_span(doc[ent.start].idx, doc[ent.end].idx + len("officer"))
            found.append(
                Mention(
                    "ROLE",
                    "officer|strong",
                    field_name,
                    base + clause_of[ent.start],
                    ent.start,
                    ent.end + 1,
                    evidence,
                )
            )
            continue
        if (
            opens_clause
            and after
            and len(after) <= 3
            and after[-1].lower_.strip(".") in wf.JOB_HEADS
            # "Durham Police Department": an American force's name, not a job at ours
            and not (len(after) == 1 and after[0].lower_ in _DEPARTMENT)
            and all(t.ent_type_ in ("", "ROLE") and t.is_alpha for t in after)
            and base + clause_of[ent.start] not in role_clauses
            and not answered_no(doc, after[-1].i + 1)
        ):
            # "Staffordshire Police HR", "GMP comms officer": the force names the employer
            last = after[-1]
            evidence = norm.original_span(doc[ent.start].idx, last.idx + len(last.text))
            found.append(
                Mention(
                    "ROLE",
                    "staff|weak",
                    field_name,
                    base + clause_of[ent.start],
                    ent.start,
                    last.i + 1,
                    evidence,
                )
            )
            continue
        if (
            len(before) >= 2
            and before[-1].lower_ in wf.EMPLOY_PREPOSITIONS
            and clause_of[before[-1].i] == clause_of[ent.start] == clause_of[before[-2].i]
            and before[-2].i == before[-1].i - 1
        ):
            head = before[-2]
            if head.lower_.strip(".") not in wf.JOB_HEADS:
                # "researcher in the MASH for Bedfordshire Police": a unit between job and force
                head = _job_before_unit(doc, clause_of, before[:-1]) or head
        elif (
            before
            and clause_of[before[-1].i] != clause_of[ent.start]
            and all(clause_of[t.i] != clause_of[ent.start] for t in before)
        ):
            head = before[-1]  # "Media & comms, City of London Police"
            alone = _force_only(doc, clause_of, clause_of[ent.start])
            if head.lower_.strip(".") not in wf.JOB_HEADS and alone:
                # "Admin officer, Hinckley police station, Leicestershire Police": one clause
                # naming a place, unit or programme may stand between the job and the force
                between = clause_of[head.i]
                earlier = [t for t in before if clause_of[t.i] != between]
                if earlier and all(
                    t.ent_type_ in _BETWEEN_ENTS for t in doc if clause_of[t.i] == between
                ):
                    head = earlier[-1]
        elif _force_only(doc, clause_of, clause_of[ent.start]):
            head = _job_after(doc, clause_of, words, clause_of[ent.start])
            if head is not None:
                # "Staffordshire Police HQ, communications team": the job follows the employer
                if base + clause_of[head.i] in role_clauses:
                    continue
                found.append(_job_clause_role(doc, norm, field_name, base, clause_of, words, head))
                continue
        if (
            head is None
            or head.lower_.strip(".") not in wf.JOB_HEADS
            or head.ent_type_ not in ("", "NOTPOLICE")
        ):
            continue
        clause = clause_of[head.i]
        if base + clause in role_clauses:
            continue
        first = min(t.i for t in words if clause_of[t.i] == clause)
        evidence = norm.original_span(doc[first].idx, head.idx + len(head.text))
        found.append(
            Mention("ROLE", "staff|weak", field_name, base + clause, first, head.i + 1, evidence)
        )
    return found


_ASIDES = frozenset({"well", "or", "rather", "actually", "ok", "okay", "erm", "i", "mean"})


def _job_clause_role(
    doc: Doc,
    norm: Normalised,
    field_name: str,
    base: int,
    clause_of: list[int],
    words: list[Token],
    job: Token,
) -> Mention:
    """A weak staff role spanning the job's clause from its first word to the job word."""
    clause = clause_of[job.i]
    first = min(t.i for t in words if clause_of[t.i] == clause)
    evidence = norm.original_span(doc[first].idx, job.idx + len(job.text))
    return Mention("ROLE", "staff|weak", field_name, base + clause, first, job.i + 1, evidence)


def _family_continued(
    doc: Doc, clause_of: list[int], base: int, field_name: str, cues: list[Mention]
) -> list[Mention]:
    """ "Married to the job (well, to a Kent Police sergeant)": a clause that opens with "to"
    carries on the relative phrase of the clause before it."""
    found: list[Mention] = []
    for cue in cues:
        if cue.label != "FAMILY":
            continue
        later = [
            t for t in doc if base + clause_of[t.i] > cue.clause and t.is_alpha and not t.is_space
        ]
        if not later:
            continue
        opening = [t for t in later if t.lower_ not in _ASIDES][:1]
        if opening and opening[0].lower_ == "to":
            clause = base + clause_of[opening[0].i]
            found.append(
                Mention(
                    "FAMILY",
                    "",
                    field_name,
                    clause,
                    opening[0].i,
                    opening[0].i + 1,
                    cue.evidence,
                )
            )
    return found


_BETWEEN_ENTS = frozenset({"", "AREA", "POLICE", "SHARED", "MAYBE"})


def _force_only(doc: Doc, clause_of: list[int], clause: int) -> bool:
    """A clause that only names a force, with places and words such as "HQ" or "station"."""
    return all(
        t.ent_type_ in ("FORCE", "AREA", "POLICE", "SHARED")
        or t.lower_ in _PLACE_FILLER
        or t.lower_ in wf.PLACE_UNITS
        or t.lower_ in wf.FORCE_CLAUSE_FILLER
        or not t.is_alpha
        for t in doc
        if clause_of[t.i] == clause
    )


def _job_after(doc: Doc, clause_of: list[int], words: list[Token], clause: int) -> Token | None:
    """The job word ending the clause after a force-only clause, if that clause is a short job."""
    later = sorted({clause_of[t.i] for t in words if clause_of[t.i] > clause})
    if not later:
        return None
    nxt = [t for t in words if clause_of[t.i] == later[0]]
    if (
        1 <= len(nxt) <= 3
        and all(t.is_alpha and t.ent_type_ == "" for t in nxt)
        and nxt[-1].lower_ in wf.JOB_HEADS
    ):
        return nxt[-1]
    return None


_DEPARTMENT = frozenset({"department", "dept", "dept."})
_UNIT_PREPOSITIONS = frozenset({"in", "at", "on", "within"})
_WORK_NOUNS = frozenset({"job", "role", "post"})


def _employed_job(
    doc: Doc, clause_of: list[int], before: list[Token], force_start: int
) -> Token | None:
    """The job word before "employed by"/"working for" that runs straight into a force."""
    emp = [t for t in before if t.ent_type_ == "EMPLOY" and t.i >= force_start - 3]
    if not emp or emp[-1].i != force_start - 1 - (doc[force_start - 1].lower_ == "the"):
        return None
    rest = [t for t in before if t.i < emp[0].i]
    if not rest or rest[-1].i != emp[0].i - 1 or clause_of[rest[-1].i] != clause_of[force_start]:
        return None
    head = rest[-1]
    ok = head.lower_ in wf.JOB_HEADS and head.lower_ not in _WORK_NOUNS and head.is_alpha
    return head if ok and head.ent_type_ in ("", "NOTPOLICE") else None


def _job_before_unit(doc: Doc, clause_of: list[int], before: list[Token]) -> Token | None:
    """ "<job> in the <unit>": the job word before a short unit phrase ending ``before``."""
    for k in range(len(before) - 1, max(-1, len(before) - 6), -1):
        tok = before[k]
        if tok.lower_ in _UNIT_PREPOSITIONS:
            unit = [t for t in before[k + 1 :] if t.lower_ != "the"]
            if (
                unit
                and k >= 1
                and all(t.ent_type_ == "POLICE" or t.lower_ in wf.PLACE_UNITS for t in unit)
                and clause_of[before[k - 1].i] == clause_of[tok.i]
                and before[k - 1].lower_ in wf.JOB_HEADS
            ):
                return before[k - 1]
            return None
    return None


_SELF = frozenset({"i'm", "im", "am", "i’m"})
_OFFICER_WORDS = frozenset({"officer", "cop", "copper"})


def _area_officer(
    doc: Doc, norm: Normalised, field_name: str, base: int, clause_of: list[int]
) -> list[Mention]:
    """ "I'm a Sussex officer": the author places themself in a force area as an officer."""
    found: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ != "AREA" or ent.end >= len(doc) or ent.start < 2:
            continue
        officer = doc[ent.end]
        if officer.lower_ not in _OFFICER_WORDS or doc[ent.start - 1].lower_ not in ("a", "an"):
            continue
        if officer.ent_type_ == "ROLE":
            continue  # "a Northumbria cop": the lexicon already reads the role
        subject = doc[ent.start - 2].lower_
        if subject == "'m" and ent.start >= 3:
            subject = doc[ent.start - 3].lower_ + subject
        if subject not in _SELF and subject not in ("i'm", "i’m"):
            continue
        # the role is the word "officer" alone: the area stays a place, not part of the job
        evidence = norm.original_span(officer.idx, officer.idx + len(officer.text))
        found.append(
            Mention(
                "ROLE",
                "officer|strong",
                field_name,
                base + clause_of[ent.start],
                officer.i,
                officer.i + 1,
                evidence,
            )
        )
    return found
