"""rules-2026.11.30.10: the general rules written from the classes of held-out g's first-run
errors (and the same classes left on f, e and d). The bios are written for these tests, in
phrasings the labelled files do not use, so each checks the rule and not one remembered bio.

The rules are tested without the learned recall stage (``learned=False``): the stage is a
separate, measured component and would otherwise decide some of these rejections.
"""

from __future__ import annotations

import pytest

from crawler.identify import ProfileText
from crawler.identify.identifier import Verdict, identify_many
from crawler.identify.welsh import mutated_forms, welsh_mutations


def _rules(bio: str, display: str = "Alex", handle: str = "someone123") -> Verdict:
    profile = ProfileText(handle=handle, display_name=display, bio=bio)
    return next(identify_many([profile], learned=False))


@pytest.mark.parametrize(
    ("bio", "force", "role"),
    [
        # "@" written for "at" between a job and its force
        ("Payroll manager @ Lincolnshire Police. Coffee first.", "lincolnshire", "staff"),
        ("Payroll advisor @ Thames Valley Police, Kidlington", "thames-valley", "staff"),
        # a job, a unit, then the force
        ("Analyst in the CID office for Essex Police. Chelmsford.", "essex", "staff"),
        ("Administrator in the MASH at Norfolk Constabulary", "norfolk", "staff"),
        # a job "employed by" the force
        ("Wellbeing advisor employed by Cheshire Constabulary. Runner.", "cheshire", "staff"),
        # an outside profession in the force's own department, force in the next clause
        ("Solicitor in the force legal team, Gwent Police. Cardiff based.", "gwent", "staff"),
        # the case-file job family; "<body> liaison" works with that body, not for it
        ("File builder and CPS liaison @ Suffolk Constabulary", "suffolk", "staff"),
        # rank, duty and place each in their own clause
        ("DS | CID | Swindon | dog mum", "wiltshire", "officer"),
        ("Sgt | Neighbourhood | Salford | coffee", "greater-manchester", "officer"),
        # "I'm a <area> officer" places the author where a shared unit does not
        (
            "Firearms unit (joint with Hertfordshire) but I'm a Bedfordshire officer",
            "bedfordshire",
            "officer",
        ),
        # a Welsh place as mutation writes it
        ("Heddwas ym Mhwllheli. Barn fy hun.", "north-wales", "officer"),
        ("Swyddog heddlu o Gaerfyrddin", "dyfed-powys", "officer"),
    ],
)
def test_serving_claims_read(bio: str, force: str, role: str) -> None:
    v = _rules(bio)
    assert v.self_identified, v
    assert (v.force, v.role) == (force, role), v


@pytest.mark.parametrize(
    ("bio", "reason"),
    [
        # "left <force>" is a past told as a departure
        ("Left Avon and Somerset Police in 2019. Now I teach yoga.", "retired"),
        # a parenthesis shares the state of the clause it explains
        ("Ex police staff (custody, Merseyside) for 20 years. Gardener now.", "retired"),
        ("Retired PCSO (Lancashire Constabulary, Preston). Grandad.", "retired"),
        # a dashed year range written as one word
        ("Special constable 2009–2016 in Hull. Happy memories.", "retired"),
        # a relative with an adverb before the verb
        ("Nephew recently joined Dorset Police! Made up for him", "family"),
        # the job applied for, not held
        ("PCSO interview on Friday, eek. Bradford", "recruit"),
        # an official account with its subject written inside the phrase
        ("History of Kent Police since 1857. Official museum account.", "official-account"),
    ],
)
def test_hard_negatives_rejected(bio: str, reason: str) -> None:
    v = _rules(bio)
    assert not v.self_identified, v
    assert v.reason == reason, v


def test_one_of_several_others_is_not_the_author() -> None:
    v = _rules("Grandma of 5, one of them is a PC in Bolton. Bursting with pride")
    assert not v.self_identified, v


def test_leaving_something_else_is_not_leaving_the_police() -> None:
    v = _rules("Left the navy in 2012. DC in Sheffield these days")
    assert v.self_identified and v.force == "south-yorkshire", v
    gone = _rules("Left the job in 2021. Beekeeper.")
    assert not gone.self_identified and gone.reason == "retired", gone


@pytest.mark.parametrize(
    "bio",
    [
        "Sergeant of sandwiches. Lunch is serious. Hull",  # a rank over a thing: the joke's
        "Chief inspector of puddles, aged 4 and a half (dad writes this)",
        "Roofer, Derby. Copper roof specialist",  # copper the metal
        "Electrician. Copper wiring and coffee. Leeds",
    ],
)
def test_rank_over_a_thing_and_copper_the_metal_are_not_claims(bio: str) -> None:
    v = _rules(bio)
    assert not v.self_identified, v


def test_a_denied_official_account_is_personal() -> None:
    v = _rules("PC in Kent. Not the official Kent Police account!")
    assert v.self_identified and v.reason == "serving", v


def test_place_named_in_another_organisation_is_not_a_volunteer_force() -> None:
    # "volunteer at the <Place> <Name>": another organisation named after the county
    v = _rules("Volunteer at the Norfolk Wildlife Trust. Birds, mainly. Norfolk.")
    assert not v.self_identified, v


def test_games_console_is_not_a_sergeant() -> None:
    v = _rules("Call handler at the police control room, Leicester. PS5 | gym")
    assert v.self_identified and v.role == "staff", v
    assert v.role_evidence != "PS", v


def test_football_club_is_a_candidate_not_a_force() -> None:
    # the club is where the author's heart is; the town beside the rank is where they work
    v = _rules("PC in Leamington. Coventry City season ticket.")
    assert (v.self_identified, v.force) == (True, "warwickshire"), v
    # a club alone names no force, only a candidate
    club_only = _rules("Sgt. Luton Town fan")
    assert club_only.self_identified and club_only.force is None, club_only
    assert club_only.force_candidates == ("bedfordshire",), club_only


def test_american_police_department_is_not_a_staff_job() -> None:
    v = _rules("Durham Police Department, North Carolina. Go Bulls.")
    assert not v.self_identified, v


def test_future_cue_about_other_people_is_not_the_authors() -> None:
    # the rules no longer call this a recruit: the recruits are the people vetted
    v = _rules("I interview people who want to join Kent Police. Coffee-powered.")
    assert v.reason != "recruit", v


def test_welsh_mutations_follow_the_regular_patterns() -> None:
    assert set(mutated_forms("Caernarfon")) == {"Gaernarfon", "Nghaernarfon", "Chaernarfon"}
    assert set(mutated_forms("Llandudno")) == {"Landudno"}
    assert mutated_forms("Chepstow") == []  # "Ch" is a letter of its own and does not mutate
    forms = {place: force for force, place in welsh_mutations()}
    assert forms["Nghaerdydd"] == "south-wales"
    # short forms that could be a first name are left out ("Glyn" -> "Lyn")
    assert all(len(p.split()[0]) >= 6 for p in forms)


@pytest.mark.parametrize(
    "bio",
    [
        "PC with a northern force. Views mine.",
        "Call handler somewhere in the Midlands. Not saying which force.",
        "Special constable, West Country force",
    ],
)
def test_undetermined_force_is_null_not_a_guess(bio: str) -> None:
    # serving, but the force cannot be told: null (which scoring counts as correct only when the
    # truth is null too), never the likeliest force of the region
    v = _rules(bio)
    assert v.self_identified and v.force is None, v


def test_police_dog_is_not_an_american_department() -> None:
    # "PD <Name>" is a police dog; "<City> PD" stays another jurisdiction
    dog = _rules("Surrey dog section, Guildford. Proud handler of PD Ghost.", display="PC Ann Lee")
    assert dog.self_identified and dog.force == "surrey", dog
    us = _rules("Officer with Austin PD. Texas.")
    assert not us.self_identified and us.reason == "other-jurisdiction", us
