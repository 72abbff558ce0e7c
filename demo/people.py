"""Who lives in the simulated world: serving officers and staff who say so, and the hard
negatives that defeat naive searches (retired officers, family, official accounts, other
jurisdictions, journalists, namesakes of force areas, idioms, recruits).

Every profile carries its ground truth; only the profile fields are ever served.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from crawler.identify.places import PLACES
from probity.forces import FORCES_BY_ID, Force

FIRST = (
    "Sam",
    "Alex",
    "Jo",
    "Chris",
    "Priya",
    "Tom",
    "Aisha",
    "Dan",
    "Emma",
    "Liam",
    "Sophie",
    "Ravi",
    "Gemma",
    "Owen",
    "Hannah",
    "Kieran",
    "Zara",
    "Matt",
    "Chloe",
    "Jack",
    "Nadia",
    "Rhys",
    "Beth",
    "Ibrahim",
    "Lucy",
    "Craig",
    "Megan",
    "Tariq",
    "Holly",
    "Gareth",
    "Amy",
    "Wes",
    "Kirsty",
    "Imran",
)
LAST = (
    "Jones",
    "Patel",
    "Smith",
    "Khan",
    "Williams",
    "Brown",
    "Taylor",
    "Evans",
    "Walker",
    "Hughes",
    "Ali",
    "Roberts",
    "Wood",
    "Thompson",
    "White",
    "Hall",
    "Green",
    "Clarke",
    "Ahmed",
    "Lewis",
    "Morgan",
    "Harris",
    "Cooper",
    "Ward",
    "Begum",
    "Price",
    "Bennett",
    "Shaw",
    "Reid",
    "Fox",
)
EXTRAS = (
    "Views my own.",
    "Tweets are personal, not my employer's.",
    "Dog dad.",
    "Runner.",
    "Mum of two.",
    "Rugby on Saturdays.",
    "Coffee first.",
    "Parkrun addict.",
    "Trying to learn Welsh.",
    "Opinions my own.",
    "Gym, gigs, good food.",
    "Cyclist.",
    "Allotment in progress.",
    "",
)
ROLE_PHRASES = {
    # ranks as people write them ("DC", "Sgt", "Ch Supt"); every template also names a force or a
    # place, which is what makes a bare rank a claim (issue #17)
    "officer": (
        "PC",
        "Police Constable",
        "Response PC",
        "Police sergeant",
        "Police Sgt",
        "Detective Constable",
        "Neighbourhood PC",
        "Roads policing officer",
        "Custody sergeant",
        "Student officer",
        "Police officer",
        "Response officer",
        "Detective Sergeant",
        "Police Inspector",
        "DC",
        "DS",
        "Sgt",
        "Insp",
        "DCI",
        "Det Sgt",
        "Ch Supt",
        "Response Sgt",
    ),
    "special": (
        "Special Constable",
        "Special constable",
        "Volunteer special constable",
        "Special Sergeant",
        "SC",
    ),
    "pcso": ("PCSO", "Police Community Support Officer", "Neighbourhood PCSO"),
    # staff job families as forces advertise them
    "staff": (
        "Police staff",
        "Police staff call handler",
        "Control room dispatcher (police staff)",
        "Detention officer, police staff",
        "Police staff investigator",
        "Crime analyst, police staff",
        "Call handler",
        "Control room operator",
        "Detention officer",
        "Intelligence analyst",
        "Digital forensic examiner",
        "Crime scene investigator",
        "Civilian investigator",
        "Police call handler",
        "Force control room dispatcher",
    ),
    "volunteer": ("Police Support Volunteer", "Police volunteer", "PSV"),
}
SERVING_TEMPLATES = (
    "{role} with {ref}. {extra}",
    "{role} at {ref} | {extra}",
    "Serving {role_l} in {ref}. {extra}",
    "{role}, {ref}. {extra}",
    "Proud to be a {role_l} with {ref}. {extra}",
    "{extra} {role} — {ref}.",
    "Currently a {role_l} for {ref}. {extra}",
)
UNKNOWN_FORCE_REFS = (
    "Yorkshire",
    "the Midlands",
    "Wales",
    "the North East",
    "the South West",
    "a UK force",
)


@dataclass(frozen=True)
class Person:
    display_name: str
    handle_stem: str
    bio: str
    kind: str  # "serving" | one of NEGATIVE_KINDS | "other"
    serving: bool
    force_id: str | None
    role: str | None


def _name(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return first, last


def _stem(first: str, last: str, rng: random.Random) -> str:
    style = rng.randrange(4)
    base = [f"{first}{last}", f"{first[0]}{last}", f"{first}_{last}", f"{last}{first[0]}"][
        style
    ].lower()
    return f"{base}{rng.randrange(10, 9999)}"


def force_reference(force: Force, rng: random.Random) -> str:
    """How an officer names their force in a bio: name, alias, abbreviation, handle or a place."""
    options = [force.name] * 3 + [a for a in force.aliases if len(a) > 4]
    options += [a for a in force.abbreviations if len(a) >= 3 and a not in ("Met",)]
    options += [f"@{h}" for h in force.handles]
    options += [f"{p}" for p in PLACES.get(force.id, ())[:6]]
    return rng.choice(options)


def _names_the_force(ref: str) -> bool:
    """A force reference that says police by itself: a name, abbreviation or handle, not a place."""
    return (
        ref.startswith("@")
        or ref.isupper()
        or any(w in ref.lower() for w in ("police", "constabulary", "heddlu", "met"))
    )


def serving_person(force_id: str | None, role: str, rng: random.Random) -> Person:
    first, last = _name(rng)
    phrase = rng.choice(ROLE_PHRASES[role])
    if force_id is None:
        ref = rng.choice(UNKNOWN_FORCE_REFS)
    else:
        ref = force_reference(FORCES_BY_ID[force_id], rng)
    template = rng.choice(SERVING_TEMPLATES)
    if role == "staff" and "police" not in phrase.lower():
        # A job that exists outside the police ("Call handler", "Intelligence analyst") is only
        # a claim next to the force's own name: real staff write "Call handler, Kent Police",
        # not "Call handler, Dartford" (which any call centre worker could write).
        if force_id is None:
            phrase = f"Police {phrase[0].lower()}{phrase[1:]}"
        elif not _names_the_force(ref):
            ref = FORCES_BY_ID[force_id].name
    # "a detective constable", but a rank abbreviation keeps its capital ("a Sgt", not "a sgt")
    lower = phrase[1].islower() and phrase.split()[0] not in ("Sgt", "Insp", "Det", "Ch")
    bio = template.format(
        role=phrase,
        role_l=phrase[0].lower() + phrase[1:] if lower else phrase,
        ref=ref,
        extra=rng.choice(EXTRAS),
    ).strip()
    titles = {
        "officer": ("PC ", "DC ", "DS ", "Sgt "),
        "special": ("SC ",),
        "pcso": ("PCSO ",),
    }.get(role, ("",))
    titled = rng.choice(titles) if rng.random() < 0.3 else ""
    return Person(
        f"{titled}{first} {last}", _stem(first, last, rng), bio, "serving", True, force_id, role
    )


def _negative_bio(kind: str, force: Force, rng: random.Random) -> tuple[str, str | None]:
    """(bio, display name override) for a hard negative of this kind."""
    place = rng.choice(PLACES.get(force.id, (force.name,)) or (force.name,))
    if kind == "retired":
        return rng.choice(
            (
                f"Retired {force.name} officer. 30 years served, now gardening.",
                f"Ex-{force.name} sergeant, retired 2019.",
                f"Former PC with {force.name}. Now a driving instructor.",
            )
        ), None
    if kind == "family":
        return rng.choice(
            (
                f"Proud police wife. Husband is a PC with {force.name}.",
                f"Police mum! My son serves with {force.name}.",
                f"Married to a {force.name} officer. Shift widow.",
            )
        ), None
    if kind == "official":
        return rng.choice(
            (
                f"Official account of {force.name}. Do not report crime here: call 101 or 999.",
                f"{place} Neighbourhood Policing Team, {force.name}. Not monitored 24/7.",
            )
        ), force.name
    if kind == "other_jurisdiction":
        return rng.choice(
            (
                "Police Scotland officer. Views my own.",
                "PSNI constable in Belfast.",
                "NYPD patrol officer, Brooklyn.",
                "Garda in Dublin.",
                "Constable with Victoria Police, Melbourne.",
            )
        ), None
    if kind == "journalist":
        return f"Crime reporter covering {force.name} and the courts. DMs open.", None
    if kind == "namesake":
        return rng.choice(
            (
                f"{place} born and bred. Football, beer, family.",
                f"Living my best life in {place}.",
                f"{force.aliases[-1] if force.aliases else place} cricket fan.",
            )
        ), None
    if kind == "idiom":
        return rng.choice(
            (
                "Self-appointed grammar police.",
                "Fashion police on weekends 👗",
                "Fun police, according to my kids.",
            )
        ), None
    if kind == "recruit":
        return rng.choice(
            (
                f"Starting at {force.name} training school in September!",
                f"Aspiring police officer, applying to {force.name}.",
            )
        ), None
    return f"Loves Line of Duty and Police Interceptors. {place}.", None  # fan


NEGATIVE_KINDS = (
    "retired",
    "family",
    "official",
    "other_jurisdiction",
    "journalist",
    "namesake",
    "idiom",
    "recruit",
    "fan",
)


def negative_person(kind: str, force: Force, rng: random.Random) -> Person:
    first, last = _name(rng)
    bio, display = _negative_bio(kind, force, rng)
    stem = (
        (force.handles[0].lower() + str(rng.randrange(10, 99)))
        if kind == "official"
        else _stem(first, last, rng)
    )
    return Person(display or f"{first} {last}", stem, bio, kind, False, None, None)


def ordinary_person(rng: random.Random) -> Person:
    first, last = _name(rng)
    bio = rng.choice(
        (
            "Gardener and cat person.",
            "Football, films and food.",
            "Software tester. Coffee.",
            "Nurse. Knackered.",
            "Teacher. Views my own.",
            "Photography and long walks.",
        )
    )
    return Person(f"{first} {last}", _stem(first, last, rng), bio, "other", False, None, None)
