"""From spaCy docs to mentions: what each role, force or place mention refers to.

Each field (display name, bio, handle) is split into clauses at punctuation and separators.
Cues act within their clause: "retired", "former" or an "ex-" before a police word make the
clause's mentions past; "wife of a", "my son is" make the following ones a relative's; "aspiring",
"starting training" make them future; fiction cues make them a part played. A "now" cue after a
past cue starts the present again ("ex-Army, now a PC" / "ex-Met, now Kent").
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from crawler.identify import lexicon as lx
from crawler.identify import workforce as wf
from crawler.identify.claims import _family_continued, _jobs_at_forces
from crawler.identify.mentions import (
    _CLAIM_LABELS,
    _MILITARY_PAST,
    _PLACE_FILLER,
    _RELATIVES,
    GOAL_FUTURE,
    MENTION_LABELS,
    NOT_NAMES,
    STATE_LABELS,
    Analysis,
    Mention,
)
from crawler.identify.scope import structural_cues
from crawler.identify.structure import (
    about_others,
    bracket_parents,
    football_club,
    partner_body,
    police_dog,
    role_only_clauses,
)
from crawler.identify.text import Normalised
from crawler.identify.tokens import (
    COLLECTIVE,
    after_a_name,
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

__all__ = ["Analysis", "Mention", "analyse_field"]


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
        if ent.label_ in ("ROLE", "POLICE") and _first_name(doc, ent, field_name):
            out.surnames.add(ent.text.lower())
            continue  # "Bobby Baker", "Copper Pot": a first name or a trade, not a role
        if ent.label_ == "POLICE" and ent.text.lower() in out.surnames:
            continue
        if ent.label_ == "OTHERPOL" and police_dog(doc, ent):
            m.label = "POLICE"  # "Handler of PD Nova": a police dog, police context
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
            elif ent.label_ in ("AREA", "MAYBE") and football_club(doc, ent):
                m.label = "MAYBE"  # "Coventry City": a club supported, a candidate at most
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
        elif not (
            (ent.label_ == "NOTPOLICE" and partner_body(doc, ent))
            or (ent.label_ == "FUTURE" and about_others(doc, ent))
        ):
            # "CPS liaison" works with the CPS; "people who want to join" are someone else
            cues.append(m)
    word_clauses = sorted(
        {
            clause_of[t.i]
            for t in doc
            if not (t.is_punct or t.is_space or t.text in lx.CLAUSE_BREAKS or "\n" in t.text)
        }
    )
    bridges = role_only_clauses(doc, clause_of)
    for c in _place_only_clauses(doc, clause_of):
        i = word_clauses.index(c)
        near = set(word_clauses[max(0, i - 1) : i + 2])
        # "PS | Response | Kent": a clause of roles or duties does not part a rank from its place
        if i >= 2 and word_clauses[i - 1] in bridges:
            near.add(word_clauses[i - 2])
        if i + 2 < len(word_clauses) and word_clauses[i + 1] in bridges:
            near.add(word_clauses[i + 2])
        out.place_clauses[clause_base + c] = {clause_base + n for n in near}
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
    cues += structural_cues(doc, clause_of, clause_base, field_name, mentions)
    cues += _family_continued(doc, clause_of, clause_base, field_name, cues)
    for cue in cues:
        # "Dream job: police officer" - a cue ending in a colon governs the next clause
        if cue.label in STATE_LABELS and cue.end < len(doc) and doc[cue.end].text == ":":
            cue.clause += 2
            cue.start = cue.end = doc[cue.end].i + 1
            after = doc[cue.start] if cue.start < len(doc) else None
            if (
                cue.label == "PAST"
                and after is not None
                and after.is_alpha
                and after.ent_type_ == ""
                and not after.is_stop
            ):
                cue.ident = "object"  # "Previously: PhD in DNA repair" - a past of its own
    if field_name == "handle" and any(
        t.lower_ in _RELATIVES and not job_partner(doc, t) for t in doc
    ):
        # a handle is one clause with no grammar: "pcsos_mum", "copperswife", "MetPCsDad"
        for m in mentions:
            m.state = "family"
    _scope(mentions, cues, out)
    _brackets_follow(doc, clause_of, clause_base, mentions, cues)
    out.mentions.extend(mentions)
    out.cues.extend(cues)
    if field_name == "display_name":
        out.display_is_organisation = _looks_like_organisation(doc)
        out.display_name = norm.original
    return clause_base + (max(clause_of) + 1 if clause_of else 1)


def _first_name(doc: Doc, ent: Span, field_name: str) -> bool:
    """A display name opening with "Bobby" or "Copper" and a capitalised word: a person's name."""
    return (
        field_name == "display_name"
        and ent.start == 0
        and ent.text.lower() in ("bobby", "copper")
        and ent.end < len(doc)
        and doc[ent.end].is_title
        and doc[ent.end].ent_type_ == ""
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
            if c.clause == cue.clause
            and c.label in ("NOW", "EMPLOY")
            and c.start > cue.start
            # "sister of a serving PC": "serving" right after the relative phrase is the
            # relative's, not the author's present
            and not (cue.label == "FAMILY" and c.start == cue.end)
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


def _brackets_follow(
    doc: Doc, clause_of: list[int], base: int, mentions: list[Mention], cues: list[Mention]
) -> None:
    """ "retired police staff (control room, GMP)": a parenthesis shares the past or family
    state of the clause it elaborates, unless it starts its own present ("(now a PCSO)")."""
    for inner, parent in bracket_parents(doc, clause_of).items():
        states = [
            STATE_LABELS[c.label]
            for c in cues
            if c.clause == base + parent and c.label in ("PAST", "FAMILY") and c.ident != "object"
        ]
        resets = any(c.clause == base + inner and c.label in ("NOW", "EMPLOY") for c in cues)
        if not states or resets:
            continue
        for m in mentions:
            if m.clause == base + inner and m.state == "current":
                m.state = states[0]


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
