"""From mentions to a verdict: serving or not, role, force, confidence, evidence, reason."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.identify import lexicon as lx
from crawler.identify import workforce as wf
from crawler.identify.analysis import Analysis, Mention
from crawler.identify.pipeline import OFFICIAL_HANDLES
from crawler.identify.scope import profile_scope
from probity.forces import FORCES

# a special constable is also a volunteer; a volunteer who is also staff is reported as staff
ROLE_ORDER = ("special", "pcso", "officer", "staff", "volunteer")
TIER_RANK = {"strong": 3, "title": 2, "weak": 1}
EXPLICIT_CORPORATE = frozenset(
    {
        "official account",
        "official twitter",
        "official page",
        "official feed",
        "the official",
        "official account of",
        "official x account",
        "team account",
        "account of the",
        "run by the",
        "cyfrif swyddogol",
        "run by",
        "managed by",
        "monitored by",
        "tweets from",
        "posts from",
        "account for the",
        "official updates",
        "official news",
    }
)
DENIES_CORPORATE = frozenset({"not an official", "not official", "unofficial", "personal account"})
# A force's area named as the force names itself ("Essex", "Notts", "Beds"), without "Police".
COUNTY_NAMES = frozenset(
    a.lower()
    for f in FORCES
    for a in f.aliases
    if not any(w in a.lower() for w in ("police", "constabulary", "cops", "heddlu", "met"))
)
_GENERIC_OFFICER = frozenset(
    {"cop", "copper", "bobby", "police officer", "officer", "police", "plod"}
)
PLACE_TIER = {
    "FORCE": 2,
    "OTHERPOL": 2,
    "AREA": 1,
    "FOREIGN": 1,
    "SHARED": 0,
    "MAYBE": 0,
    "NAMEPLACE": 0,
}


@dataclass(frozen=True)
class Decision:
    self_identified: bool
    force: str | None
    role: str | None
    confidence: float
    evidence: list[str]
    reason: str
    role_evidence: str | None = None
    force_candidates: tuple[str, ...] = ()


def _unique(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


def _police_context(a: Analysis) -> bool:
    return any(
        m.state == "current"
        and (
            m.label in ("FORCE", "POLICE", "OTHERPOL")
            or (m.label == "ROLE" and m.tier in ("strong", "plural"))
        )
        for m in a.mentions
    )


def _valid_roles(a: Analysis) -> list[Mention]:
    context = _police_context(a)
    # an army sergeant's "Sgt Baker" is not a police title unless something else says police
    names_suffice = not a.military or context
    placed_clauses = {
        m.clause
        for m in a.mentions
        if m.state == "current"
        and m.label in ("FORCE", "AREA", "POLICE", "OTHERPOL", "SHARED", "FOREIGN", "MAYBE")
    }
    # "DC, Salford." / "Insp | Norwich": a title standing alone next to a clause that only names
    # a place is as good as "DC in Salford"
    next_to_place = (
        {n for near in a.place_clauses.values() for n in near} if names_suffice else set()
    )
    county_clauses = {
        m.clause
        for m in a.mentions
        if m.state == "current" and m.label == "AREA" and m.evidence.lower() in COUNTY_NAMES
    }
    near_county = county_clauses | {n for c in county_clauses for n in a.place_clauses.get(c, ())}
    # "Analyst at the Home Office", "Civilian investigator for the DWP": another employer
    force_clauses = {m.clause for m in a.mentions if m.state == "current" and m.label == "FORCE"}
    # "Press officer at Cheshire Constabulary": a job title that is usually elsewhere, here at a force
    # "Solicitor in the force legal services team, North Wales Police": the force may also
    # stand in the place-only clause right after the job's
    beside_force = force_clauses | {
        n for c, near in a.place_clauses.items() if c in force_clauses for n in near
    }
    other_employer = {
        c.clause
        for c in a.cues
        if c.label == "NOTPOLICE"
        and not (c.clause in beside_force and c.evidence.lower().split()[-1] in wf.JOB_HEADS)
    }
    past_clauses = {c.clause for c in a.cues if c.label == "PAST"}
    # "999 call handler, North West Ambulance Service": the employer named in the next clause
    employer_nearby = {
        (c.field, c.clause + step)
        for c in a.cues
        if c.label == "NOTPOLICE" and c.clause not in past_clauses
        for step in (-2, 2)
    }
    police_clauses = {
        m.clause for m in a.mentions if m.state == "current" and m.label in ("FORCE", "POLICE")
    }
    # "Data journalist. … Sorry, Wiltshire Police FOI team": the profile's own job is outside
    outside = any(
        c.label == "NOTPOLICE"
        and c.field != "handle"
        and c.evidence.lower() in wf.OUTSIDE_OCCUPATIONS
        and c.clause not in past_clauses
        for c in a.cues
    )
    roles: list[Mention] = []
    for m in a.mentions:
        if m.state != "current":
            continue
        if m.label == "ROLE" and m.role in ("staff", "volunteer") and m.clause in other_employer:
            continue
        if m.label == "ROLE" and m.role in ("staff", "volunteer"):
            if outside:
                continue  # "Crime correspondent. Sorry, Kent Police press office."
            nearby = (m.field, m.clause) in employer_nearby and m.clause not in police_clauses
            if m.tier == "weak" and nearby:
                continue
        if m.label == "ROLE":
            ok = (
                m.tier == "strong"
                or (
                    m.tier == "title"
                    and (
                        (m.name_follows and names_suffice)
                        or context
                        or (m.clause in placed_clauses and names_suffice)
                        or (m.alone and m.clause in next_to_place)
                    )
                )
                or (m.tier == "weak" and context)
                or (m.tier == "weak" and m.role in wf.COUNTY_SUFFICES and m.clause in near_county)
            )
            if ok:
                roles.append(m)
        elif m.label == "EMPLOY":
            # "I work for Kent Police": employment without a role, only next to a force or "police"
            later = [
                x
                for x in a.mentions
                if x.clause == m.clause
                and x.start >= m.end
                and x.state == "current"
                and x.label in ("FORCE", "POLICE")
            ]
            if later:
                roles.append(m)
    return roles


def _corporate(a: Analysis, handle: str, titled: bool) -> list[str] | None:
    """Evidence that the account is a force or team speaking as an organisation, else None."""
    if handle.lstrip("@").lower() in OFFICIAL_HANDLES:
        return [handle.lstrip("@")]
    cue_texts = {c.evidence.lower(): c.evidence for c in a.cues if c.label in ("CORP", "PERSONAL")}
    if any(c in DENIES_CORPORATE for c in cue_texts):
        return None
    # "Official heritage collection account": the explicit phrase with the subject inside it
    worded = {c.evidence.lower() for c in a.cues if c.label == "CORP" and c.ident == "explicit"}
    explicit = [v for k, v in cue_texts.items() if k in EXPLICIT_CORPORATE or k in worded]
    if explicit:
        return explicit
    personal = any(c.label == "PERSONAL" for c in a.cues)
    if personal or titled or a.singular_voice:
        return None
    if a.display_is_organisation:
        return [a.display_name.strip()]
    implicit = [c.evidence for c in a.cues if c.label == "CORP"]
    if implicit:
        return implicit[:2]
    # "we"/"our" more than once with no "I"/"my": an organisation speaking ("our members" once is not)
    if a.plural_voice >= 2:
        return a.plural_words[:2]
    return None


_POLICE_ISH = re.compile(
    r"polic|\bcops?\b|copper|bobby|\bPCSO|\bPC\b|\bDCI?\b|\bDS\b|\bDI\b|Sgt|"
    r"sergeant|detective|constab|special|blue line|the job|heddlu",
    re.IGNORECASE,
)
_SHOWS = frozenset(s.lower() for s in lx.FICTION_SHOWS)


def _rejection_reason(a: Analysis) -> tuple[str, list[str]]:
    """Why a profile without a current claim is out of scope, with the spans that show it."""
    suppressed = [
        m
        for m in a.mentions
        if m.label in ("ROLE", "FORCE", "EMPLOY", "POLICE") and m.state != "current"
    ]
    for state, reason, cue_label in (
        ("past", "retired", "PAST"),
        ("family", "family", "FAMILY"),
        ("future", "recruit", "FUTURE"),
        ("fiction", "fiction", "FICTION"),
    ):
        hidden = [m.evidence for m in suppressed if m.state == state]
        cues = [c.evidence for c in a.cues if c.label == cue_label]
        police_cues = [c for c in cues if _POLICE_ISH.search(c) or c.lower() in _SHOWS]
        if hidden or police_cues:
            return reason, _unique((police_cues or cues)[:1] + hidden[:2])
    if a.global_past and any(m.label in ("ROLE", "FORCE", "POLICE") for m in a.mentions):
        return "retired", _unique(
            a.global_past[:1] + [m.evidence for m in a.mentions if m.label == "ROLE"][:1]
        )
    other = [m.evidence for m in a.mentions if m.label == "OTHERPOL" and m.state == "current"]
    if other:
        return "other-jurisdiction", other[:1]
    idioms = [m.evidence for m in a.mentions if m.label == "IDIOM"]
    if idioms:
        return "idiom", idioms[:2]
    return "no-police-claim", []


def _candidates(mentions: list[Mention]) -> tuple[str, ...]:
    """Forces an unresolved verdict could mean: kept for the analyst, never picked."""
    found: list[str] = []
    for m in mentions:
        if m.label in ("FORCE", "AREA", "MAYBE", "NAMEPLACE") and m.state == "current":
            found += [f for f in m.ident.split("|") if f and f not in found]
    return tuple(found)


def _attribute(a: Analysis, roles: list[Mention]) -> tuple[str | None, list[Mention], bool]:
    """(force id or None, the mentions used, True when the evidence is another jurisdiction)."""
    # "Fleet technician, Derbyshire Police": a place word inside the job's own words is the job's
    inside = [(r.field, r.start, r.end) for r in roles if r.label == "ROLE"]
    places = [
        m
        for m in a.mentions
        if m.state == "current"
        and m.label in PLACE_TIER
        and not (
            m.label in ("AREA", "MAYBE", "SHARED")
            and any(f == m.field and s <= m.start and m.end <= e for f, s, e in inside)
        )
    ]
    # a handle is a squeezed label ("sgt_kendal_lancs"): where the bio or name places the person,
    # the handle's places do not count
    if any(m.field != "handle" and PLACE_TIER[m.label] > 0 for m in places):
        places = [m for m in places if m.field != "handle" or m.label not in ("AREA", "MAYBE")]
    role_clauses = {r.clause for r in roles}
    role_clauses |= {c for c, near in a.place_clauses.items() if role_clauses & near}
    # prefer evidence in the role's own clause, unless that is only a shared area
    # ("Special in the Cotswolds (Cirencester)" -> Cirencester)
    near = [m for m in places if m.clause in role_clauses and PLACE_TIER[m.label] > 0]
    candidates = near or places
    if not candidates:
        return None, [], False
    top = max(PLACE_TIER[m.label] for m in candidates)
    best = [m for m in candidates if PLACE_TIER[m.label] == top]
    if top == 0:
        return None, best[:1], False
    ours = [m for m in best if m.label in ("FORCE", "AREA")]
    if not ours:
        return None, best, True
    ids = {m.ident for m in ours}
    if len(ids) == 1:
        return ours[0].ident, ours, False
    return None, [], False


def _handle_follows_bio(a: Analysis) -> None:
    """A handle is a label the bio explains: "old_met_dc" with "Ex Met DC" in the bio is past too."""
    # "crossword-cop" with "Crossword cop - I arrest wrong answers": the bio's idiom explains it
    idiom_words = {
        w
        for m in a.mentions
        if m.label == "IDIOM" and m.field != "handle"
        for w in m.evidence.lower().split()
    }
    for m in a.mentions:
        if m.field == "handle" and m.label == "ROLE" and m.evidence.lower() in idiom_words:
            m.label = "IDIOM"
    # "ipoc_investigator" with "Investigator at the IOPC": the bio names another employer
    if any(c.label == "NOTPOLICE" and c.field != "handle" for c in a.cues):
        for m in a.mentions:
            if m.field == "handle" and m.label == "ROLE" and m.role in ("staff", "volunteer"):
                m.state = "other"
    claims = [m for m in a.mentions if m.label in ("ROLE", "EMPLOY")]
    if any(m.state == "current" for m in claims if m.field != "handle"):
        return
    # "cop_learning_phil" with "Learning designer, College of Policing": the bio names the
    # employer, and it is not a force, so the handle's role word is not a claim
    if any(c.label == "NOTPOLICE" and c.field == "bio" for c in a.cues):
        for m in a.mentions:
            if m.field == "handle" and m.label == "ROLE":
                m.state = "other"
    explained = [m.state for m in claims if m.field != "handle" and m.state != "current"]
    if explained:
        for m in a.mentions:
            if m.field == "handle" and m.state == "current":
                m.state = explained[0]


def _present_claim(a: Analysis) -> bool:
    """A "now"/"serving" cue followed by a role in its clause ("retired from the Army, now a PC")."""
    return any(
        m.clause == c.clause
        and m.start >= c.start
        and m.label in ("ROLE", "EMPLOY", "FORCE")
        and m.state == "current"
        for c in a.cues
        if c.label in ("NOW", "EMPLOY")
        for m in a.mentions
    )


def _surnames_in_handle(a: Analysis) -> None:
    """A handle repeating a surname that is also a place ("sgt_kendal" for "Sgt Kendal")."""
    names = {m.evidence.lower() for m in a.mentions if m.label == "NAMEPLACE"}
    for m in a.mentions:
        if m.field == "handle" and m.label in ("AREA", "MAYBE") and m.evidence.lower() in names:
            m.label = "NAMEPLACE"


def decide(a: Analysis, handle: str) -> Decision:
    if a.actor:
        roles_any = [m for m in a.mentions if m.label == "ROLE"]
        if roles_any:
            return Decision(
                False, None, None, 0.85, _unique(a.actor[:1] + [roles_any[0].evidence]), "fiction"
            )
    profile_scope(a)
    if a.global_past and not _present_claim(a):
        for m in a.mentions:
            if m.state == "current":
                m.state = "past"
    _handle_follows_bio(a)
    _surnames_in_handle(a)
    roles = _valid_roles(a)
    titled = any(r.label == "ROLE" and r.tier == "title" and r.name_follows for r in roles)
    corporate = _corporate(a, handle, titled)
    if corporate is not None:
        return Decision(False, None, None, 0.9, corporate, "official-account")
    if not roles:
        reason, evidence = _rejection_reason(a)
        confidence = 0.97 if reason == "no-police-claim" and not _police_context(a) else 0.88
        return Decision(False, None, None, confidence, evidence, reason)
    force, used, foreign = _attribute(a, roles)
    candidates = () if force else _candidates(a.mentions)
    if foreign:
        return Decision(
            False,
            None,
            None,
            0.85,
            _unique([roles[0].evidence] + [m.evidence for m in used]),
            "other-jurisdiction",
        )
    best_tier = max(TIER_RANK.get(r.tier, 3) for r in roles)
    top_roles = [r for r in roles if TIER_RANK.get(r.tier, 3) == best_tier]
    role_mentions = [r for r in top_roles if r.label == "ROLE"]
    if not role_mentions:  # "Working for GMP in the contact centre": the job names the role
        named = [r for r in roles if r.label == "ROLE"]
        top_named = max((TIER_RANK.get(r.tier, 3) for r in named), default=0)
        role_mentions = [r for r in named if TIER_RANK.get(r.tier, 3) == top_named]
    role: str | None = None
    if role_mentions:
        role = min(
            (r.role for r in role_mentions), key=lambda x: ROLE_ORDER.index(x or "volunteer")
        )
    if role == "officer" and all(
        r.evidence.lower() in _GENERIC_OFFICER for r in role_mentions if r.role == role
    ):
        # "BTP Special ... cop on the trains": a special or PCSO is a cop too; the specific word wins
        specific = [
            r
            for r in roles
            if r.label == "ROLE" and r.role in ("special", "pcso") and TIER_RANK.get(r.tier, 3) >= 2
        ]
        if specific:
            role_mentions, role = specific, specific[0].role
    chosen = [r for r in role_mentions if r.role == role][:1] or top_roles[:1]
    confidence = 0.55 + {3: 0.25, 2: 0.2, 1: 0.1}[best_tier] + (0.05 if titled else 0.0)
    if force:
        confidence += 0.1 if any(m.label == "FORCE" for m in used) else 0.06
    elif candidates:
        confidence -= 0.05  # a place that could be more than one force: say so, do not guess
    if a.singular_voice or any(c.label == "PERSONAL" for c in a.cues):
        confidence += 0.04
    evidence = _unique([c.evidence for c in chosen] + [m.evidence for m in used[:1]])
    role_evidence = chosen[0].evidence if chosen and role else None
    return Decision(
        True,
        force,
        role,
        round(min(confidence, 0.99), 3),
        evidence,
        "serving",
        role_evidence,
        candidates,
    )
