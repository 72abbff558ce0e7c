"""From spaCy docs to mentions: what each role, force or place mention refers to.

Each field (display name, bio, handle) is split into clauses at punctuation and separators.
Cues act within their clause: "retired", "former" or an "ex-" before a police word make the
clause's mentions past; "wife of a", "my son is" make the following ones a relative's; "aspiring",
"starting training" make them future; fiction cues make them a part played. A "now" cue after a
past cue starts the present again ("ex-Army, now a PC" / "ex-Met, now Kent").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from crawler.identify import lexicon as lx
from crawler.identify import workforce as wf
from crawler.identify.text import Normalised
from crawler.identify.tokens import (
    COLLECTIVE,
    after_a_name,
    answered_no,
    at_another_employer,
    fan_army,
    job_partner,
    negated,
    not_a_title,
    of_an_idiom,
    past_cue_valid,
    past_of_something_else,
    someone_else,
    volunteer_at_something,
    work_at_force,
)

MENTION_LABELS = frozenset(
    {
        "ROLE",
        "FORCE",
        "AREA",
        "SHARED",
        "FOREIGN",
        "OTHERPOL",
        "POLICE",
        "EMPLOY",
        "IDIOM",
        "MAYBE",
        "NAMEPLACE",
    }
)
# Words after a title that are not a name ("PC World" is caught earlier; these are the rest).
NOT_NAMES = frozenset(
    {
        "world",
        "gamer",
        "games",
        "game",
        "build",
        "repair",
        "specialist",
        "user",
        "master",
        "support",
        "pro",
        "plus",
        "mag",
        "format",
        "i",
        "and",
        "the",
        "in",
        "at",
        "for",
        "with",
        "of",
        "on",
        "to",
        "a",
        "an",
        "my",
        "is",
        "views",
        "police",
        "officer",
        "constable",
        "sergeant",
        "retired",
        "former",
        "team",
        "fan",
        "lover",
        "life",
        "nerd",
        "geek",
        "culture",
        "version",
        "port",
        "setup",
        "monitor",
        "parts",
        "tech",
        "help",
        "love",
        "please",
        "thanks",
        "also",
        "but",
        "or",
        "not",
        "why",
        "what",
        "who",
        "yes",
        "no",
        "education",
        "needs",
        "offer",
        "offers",
        "edition",
        "guest",
        "audio",
        "sound",
        "studio",
        "studios",
        "productions",
        "media",
        "design",
        "photography",
        "music",
        "films",
    }
)
GOAL_FUTURE = frozenset(
    {
        "becoming",
        "become",
        "to become",
        "hoping to",
        "hope to",
        "one day",
        "dream",
        "dreams",
        "dream job",
        "working towards",
        "work towards",
        "on my way to",
        "going to be",
        "training to be",
        "will be",
        "aspire to be",
        "want to be",
        "wants to be",
        "next year",
        "fingers crossed",
    }
)
STATE_LABELS = {"PAST": "past", "FAMILY": "family", "FUTURE": "future", "FICTION": "fiction"}
_RELATIVES = frozenset(r.lower() for r in lx.RELATIVES if " " not in r) - {
    "family",
    "oh",
    "parent",
    "parents",
    "child",
    "kids",
}
_MILITARY_PAST = frozenset(
    {"ex", "ex-", "former", "formerly", "retired", "veteran", "served", "left", "previously"}
)
# Places and context words do not stop a lone "retired" from meaning the whole profile.
_CLAIM_LABELS = frozenset({"ROLE", "FORCE", "EMPLOY"})


@dataclass
class Mention:
    label: str
    ident: str
    field: str
    clause: int
    start: int
    end: int
    evidence: str
    state: str = "current"
    name_follows: bool = False  # a title directly before a name or collar number ("PC Smith")
    alone: bool = False  # the only words of its clause ("DC" in "DC, Salford.")

    @property
    def role(self) -> str | None:
        return self.ident.split("|")[0] if self.label == "ROLE" else None

    @property
    def tier(self) -> str:
        return self.ident.split("|")[1] if self.label == "ROLE" else ""


@dataclass
class Analysis:
    """Everything the verdict rules need from one profile."""

    mentions: list[Mention] = field(default_factory=list)
    cues: list[Mention] = field(default_factory=list)
    singular_voice: int = 0
    plural_voice: int = 0
    actor: list[str] = field(default_factory=list)
    global_past: list[str] = field(default_factory=list)
    display_is_organisation: bool = False
    military: list[str] = field(default_factory=list)
    plural_words: list[str] = field(default_factory=list)  # "we", "our" as written
    display_name: str = ""
    # clauses that only name a place or force ("Salford.", "the Potteries", "@ Kent Police"),
    # each with the clauses on either side of it in the same field
    place_clauses: dict[int, set[int]] = field(default_factory=dict)
    # role words that are the display name's surname ("Copper", "Constable"): never a role
    surnames: set[str] = field(default_factory=set)


def _clause_ids(doc: Doc, *, single: bool) -> list[int]:
    ids: list[int] = []
    clause = 0
    for tok in doc:
        ids.append(clause)
        if single:
            continue
        is_break = tok.text in lx.CLAUSE_BREAKS or "\n" in tok.text
        if tok.text == "." and tok.i > 0 and doc[tok.i - 1].text in lx.ABBREVIATIONS_WITH_DOT:
            is_break = False
        if tok.text in ("-", "&") and tok.i > 0 and doc[tok.i - 1].whitespace_ and tok.whitespace_:
            is_break = tok.text == "-"
        if is_break:
            clause += 1
            ids[-1] = clause  # the separator itself belongs to neither side
            clause += 1
    return ids


def _name_follows(doc: Doc, end: int) -> bool:
    if end >= len(doc):
        return False
    tok: Token = doc[end]
    if tok.like_num and len(tok.text) >= 2:
        return True
    if tok.text in (".",) and end + 1 < len(doc):  # "Sgt. Smith"
        tok = doc[end + 1]
    return (
        tok.is_alpha
        and len(tok.text) > 1
        and tok.text[0].isupper()
        and tok.lower_ not in NOT_NAMES
        and tok.ent_type_ in ("", "AREA")
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
    words = [t for t in doc if not (t.is_punct or t.is_space or t.text in lx.CLAUSE_BREAKS)]
    for ent in doc.ents:
        if ent.label_ != "FORCE":
            continue
        before = [t for t in words if t.i < ent.start]
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
                clause = clause_of[head.i]
                if base + clause in role_clauses:
                    continue
                first = min(t.i for t in words if clause_of[t.i] == clause)
                evidence = norm.original_span(doc[first].idx, head.idx + len(head.text))
                found.append(
                    Mention(
                        "ROLE", "staff|weak", field_name, base + clause, first, head.i + 1, evidence
                    )
                )
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


def analyse_field(
    doc: Doc, norm: Normalised, field_name: str, clause_base: int, out: Analysis
) -> int:
    """Add this field's mentions and cues to ``out``; return the next free clause id."""
    clause_of = _clause_ids(doc, single=field_name == "handle")
    mentions: list[Mention] = []
    cues: list[Mention] = []
    for ent in doc.ents:
        evidence = norm.original_span(ent.start_char, ent.end_char)
        # a mention spanning a separator ("D/Sgt") belongs to the clause it ends in; a place
        # ("Boston, Lincs") to the clause it starts in, where "Sgt at" stands
        at = ent.start if ent.label_ in ("AREA", "MAYBE", "SHARED", "FOREIGN") else ent.end - 1
        m = Mention(
            ent.label_,
            ent.kb_id_,
            field_name,
            clause_base + clause_of[at],
            ent.start,
            ent.end,
            evidence,
        )
        if ent.label_ in MENTION_LABELS:
            if ent.label_ == "ROLE":
                if m.tier == "title" and field_name != "handle" and not_a_title(doc, ent, norm):
                    continue
                if ent.end < len(doc) and doc[ent.end].text in ("=", ":="):
                    continue  # "DS = Dan Sharpe": the letters are being spelt out, not a rank
                if (
                    field_name == "display_name"
                    and ent.text.lower() in wf.SURNAME_ROLES
                    and ent.text[0].isupper()
                    and after_a_name(doc, ent)
                ):
                    out.surnames.add(ent.text.lower())
                    continue  # "Lucy Copper": a surname
                if ent.text.lower() in out.surnames:
                    # "Dr Helen Copper": "Copper is my real name", "DrHelenCopper" - the surname
                    continue
                if negated(doc, ent):
                    m.state = "denied"  # "Not a special constable": neither a claim nor context
                if field_name == "bio" and someone_else(doc, ent, clause_of):
                    m.ident = f"{m.role}|plural"  # police context, not a claim about the author
                m.name_follows = _name_follows(doc, ent.end)
                if m.tier == "weak" and at_another_employer(doc, ent):
                    m.state = "other"  # "Volunteer at Oxfam", "Dispatcher at Eddie Stobart"
                if m.tier == "weak" and m.role == "volunteer" and volunteer_at_something(doc, ent):
                    m.state = "other"  # "volunteer driver for the hospice": another volunteer job
                if of_an_idiom(doc, ent):
                    m.label = "IDIOM"  # "Chief Inspector of the Fun Police": part of the joke
            elif ent.label_ == "POLICE" and negated(doc, ent):
                m.state = "denied"  # "Not the police, but close"
            elif (
                ent.label_ in ("AREA", "MAYBE")
                and field_name == "display_name"
                and after_a_name(doc, ent)
            ):
                # "Sam Stafford", "Jack Preston": a surname that is also a place names no force
                m.label = "NAMEPLACE"
            elif ent.label_ == "EMPLOY" and (
                (ent.start > 0 and doc[ent.start - 1].lower_ in COLLECTIVE)
                or (ent.end < len(doc) and doc[ent.end].lower_ in ("a", "an"))
            ):
                # "We work for ...": a firm; "I work for a charity that ...": another employer
                continue
            elif ent.label_ == "EMPLOY":  # "serving with", "work for" also end a past clause
                cues.append(Mention("EMPLOY", "", field_name, m.clause, m.start, m.end, evidence))
            mentions.append(m)
        elif ent.label_ in ("PAST", "NPAST"):
            if past_cue_valid(doc, ent, narrow=ent.label_ == "NPAST"):
                m.label = "PAST"
                m.ident = "object" if past_of_something_else(doc, ent) else ""
                cues.append(m)
        elif ent.label_ == "ACTOR":
            out.actor.append(evidence)
        elif ent.label_ == "MILITARY":
            # "Ex-Navy", "former RAF": a past service does not make a later "Sgt" a soldier's rank
            if fan_army(doc, ent):
                continue
            if not any(t.lower_ in _MILITARY_PAST for t in doc[max(0, ent.start - 6) : ent.start]):
                out.military.append(evidence)
        else:
            cues.append(m)
    word_clauses = sorted(
        {
            clause_of[t.i]
            for t in doc
            if not (t.is_punct or t.is_space or t.text in lx.CLAUSE_BREAKS or "\n" in t.text)
        }
    )
    for c in _place_only_clauses(doc, clause_of):
        i = word_clauses.index(c)
        out.place_clauses[clause_base + c] = {
            clause_base + n for n in word_clauses[max(0, i - 1) : i + 2]
        }
    for m in mentions:
        if m.label == "ROLE":
            words = [t for t in doc if clause_of[t.i] == clause_of[m.end - 1] and not t.is_punct]
            m.alone = all(
                m.start <= t.i < m.end
                or t.lower_ in wf.RANK_MODIFIERS
                or t.ent_type_ in ("ROLE", "POLICE")
                for t in words
            )
    for tok in doc:
        low = tok.lower_
        out.singular_voice += low in lx.SINGULAR_VOICE
        if low in lx.PLURAL_VOICE:
            out.plural_voice += 1
            out.plural_words.append(norm.original_span(tok.idx, tok.idx + len(tok.text)))
    if field_name != "handle":
        mentions += _jobs_at_forces(doc, norm, field_name, clause_base, clause_of, mentions)
        for start, end in work_at_force(doc, clause_of):
            evidence = norm.original_span(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))
            mentions.append(
                Mention(
                    "EMPLOY",
                    "",
                    field_name,
                    clause_base + clause_of[start],
                    start,
                    start + 1,
                    evidence,
                )
            )
    cues += _family_continued(doc, clause_of, clause_base, field_name, cues)
    for cue in cues:
        # "Dream job: police officer" - a cue ending in a colon governs the next clause
        if cue.label in STATE_LABELS and cue.end < len(doc) and doc[cue.end].text == ":":
            cue.clause += 2
            cue.start = cue.end = doc[cue.end].i + 1
    if field_name == "handle" and any(
        t.lower_ in _RELATIVES and not job_partner(doc, t) for t in doc
    ):
        # a handle is one clause with no grammar: "pcsos_mum", "copperswife", "MetPCsDad"
        for m in mentions:
            m.state = "family"
    _scope(mentions, cues, out)
    out.mentions.extend(mentions)
    out.cues.extend(cues)
    if field_name == "display_name":
        out.display_is_organisation = _looks_like_organisation(doc)
        out.display_name = norm.original
    return clause_base + (max(clause_of) + 1 if clause_of else 1)


_PLACE_FILLER = frozenset(
    {
        "in",
        "at",
        "@",
        "the",
        "based",
        "with",
        "for",
        "of",
        "and",
        "&",
        "area",
        "county",
        "city",
        "town",
        "centre",
        "borough",
        "division",
        "district",
        "north",
        "south",
        "east",
        "west",
        "central",
        "on",
        "y",
        "yn",
    }
)


def _place_only_clauses(doc: Doc, clause_of: list[int]) -> set[int]:
    """Clauses whose words are all a force, a place or filler ("Salford", "in the Potteries")."""
    placed: dict[int, bool] = {}
    for tok in doc:
        if tok.is_punct or tok.is_space or not tok.text.strip():
            continue
        clause = clause_of[tok.i]
        ok = (
            tok.ent_type_ in ("FORCE", "AREA", "SHARED", "MAYBE")
            or tok.lower_ in _PLACE_FILLER
            or tok.lower_ in wf.PLACE_UNITS
        )
        has_place = tok.ent_type_ in ("FORCE", "AREA", "SHARED", "MAYBE")
        before = placed.get(clause)
        placed[clause] = ok if before is None else (before and ok)
        if has_place:
            placed.setdefault(-1 - clause, True)
    return {c for c, ok in placed.items() if c >= 0 and ok and -1 - c in placed}


def _scope(mentions: list[Mention], cues: list[Mention], out: Analysis) -> None:
    """Set each mention's state from the cues in its clause."""
    for cue in cues:
        if cue.label not in STATE_LABELS:
            continue
        state = STATE_LABELS[cue.label]
        in_clause = [m for m in mentions if m.clause == cue.clause]
        if cue.label == "PAST" and not any(m.label in _CLAIM_LABELS for m in in_clause):
            if cue.ident != "object":  # "Former chemist" is about chemistry, not the whole profile
                out.global_past.append(cue.evidence)
            continue
        resets = [
            c.start
            for c in cues
            if c.clause == cue.clause and c.label in ("NOW", "EMPLOY") and c.start > cue.start
        ]
        reset_at = min(resets) if resets else None
        for m in in_clause:
            if m.state != "current":
                continue
            if reset_at is not None and m.start >= reset_at:
                continue
            before = m.end <= cue.start
            if before and cue.label == "FAMILY":
                # "PC's wife": only the mention glued to a possessive belongs to the relative
                if cue.evidence[:2] in ("'s", "’s") and m.end == cue.start:
                    m.state = state
                continue
            if before and cue.label == "FUTURE" and cue.evidence.lower() in GOAL_FUTURE:
                continue
            m.state = state


def _looks_like_organisation(doc: Doc) -> bool:
    """A display name made only of force/place names and team words ("Kent Police Dartford")."""
    words = [t for t in doc if t.is_alpha]
    if words and words[-1].text == "Special":
        return False  # "Watford Special" is one special constable; teams are "Specials"
    has_place = False
    for tok in doc:
        if tok.ent_type_ in ("FORCE", "AREA", "MAYBE"):
            has_place = True
            continue
        if tok.ent_type_ in ("SHARED", "POLICE") or tok.is_punct or tok.is_space:
            continue
        if tok.lower_ in lx.ORGANISATION_NAME_WORDS or not tok.text.isascii():
            continue
        return False
    return has_place
