"""rules-2026.11.30.6: hard-negative families broadened from the codebook's classes (a relative as
the subject of a job, other emergency services and agencies, outside occupations, surnames, role
play and fiction, retirement glued to a rank) and staff jobs a clause away from their force.

The bios here are written for these tests in phrasings none of the labelled files use, so each
checks the general rule rather than one remembered bio.
"""

from __future__ import annotations

import pytest

from crawler.identify import ProfileText, identify


def _v(bio: str, display: str = "Alex", handle: str = "someone123"):
    return identify(ProfileText(handle=handle, display_name=display, bio=bio))


@pytest.mark.parametrize(
    ("bio", "reason"),
    [
        # a relative as the subject of the job
        ("Wife works in the Essex Police control room. I just do the school run.", "family"),
        ("My daughter's a PCSO in Leeds. So proud of her.", "family"),
        ("Dad served 30 yrs with Kent Police. Now I walk his dog.", "family"),
        ("Son is a DC with the Met. Nana to four.", "family"),
        ("Engaged to the job (well, to a Surrey Police PC). Wedding 2027!", "family"),
        # another employer named in the next clause
        (
            "Emergency call handler, East of England Ambulance Service. Nights.",
            "no-police-claim",
        ),
        ("Control room operator, Hampshire Fire and Rescue. Views mine.", "no-police-claim"),
        ("Investigator, HM Revenue & Customs. Not police.", "no-police-claim"),
        # a rank inside another body's title, or inside the joke
        ("Superintendent minister, Bristol circuit. Tea and hymns.", "no-police-claim"),
        ("Chief Inspector of Schools. Gardener.", "no-police-claim"),
        ("Sergeant of the grammar police. Pedant.", "idiom"),
        # the profile's own job is outside the police
        (
            "Reporter at the Yorkshire Post. I cover crime and West Yorkshire Police.",
            "no-police-claim",
        ),
        ("Crime correspondent. Sorry, Kent Police press office.", "no-police-claim"),
        # retirement glued to a rank, and "now" followed by another volunteer job
        ("Inspector (retd). 30 yrs GMP. Now volunteer guide at the museum.", "retired"),
        ("Sgt, retired 2019. Still miss the canteen.", "retired"),
        # fiction and other constabularies
        ("Writing my first novel: DI Jack Hale, Sussex Police. Crime fiction.", "fiction"),
        ("PC, Port of Bristol Harbour Police. Avonmouth.", "other-jurisdiction"),
    ],
)
def test_hard_negative_families(bio: str, reason: str) -> None:
    v = _v(bio)
    assert (v.self_identified, v.reason) == (False, reason), v


def test_a_surname_that_is_a_role_word_is_a_surname_everywhere() -> None:
    v = _v("Constable by name, carpenter by trade. Norwich.", "Bob Constable", "bobconstable")
    assert not v.self_identified, v
    # ... but a real rank beside it still counts
    v = _v("PC with Cumbria Constabulary. Yes, that is my surname.", "Amy Sergeant", "amysgt")
    assert (v.self_identified, v.force, v.role) == (True, "cumbria", "officer"), v


def test_another_employer_in_the_bio_overrides_a_role_word_in_the_handle() -> None:
    v = _v("Learning designer, College of Policing. Coventry.", "Ian", "cop_learning_ian")
    assert not v.self_identified, v


@pytest.mark.parametrize(
    ("bio", "force", "role", "role_evidence"),
    [
        ("Call handler, Essex Police control room. Nights.", "essex", "staff", None),
        (
            "Estates manager, Norfolk Constabulary HQ, Wymondham.",
            "norfolk",
            "staff",
            "Estates manager",
        ),
        # one clause naming a place, unit or programme between the job and the force
        (
            "HR advisor, Hinckley police station, Leicestershire Police.",
            "leicestershire",
            "staff",
            "HR advisor",
        ),
        (
            "Business analyst, change programme, Dorset Police. Views mine.",
            "dorset",
            "staff",
            None,
        ),
        # the job after the force
        ("Kent Police HQ, finance team. Personal account.", "kent", "staff", "finance team"),
        # a place word inside the job's own words is not where the job is
        ("Fleet manager, Derbyshire Police workshops.", "derbyshire", "staff", "Fleet manager"),
        # "Still" in the next sentence does not cancel a retirement, but "still" in the claim's
        # own sentence is not one
        (
            "Sgt, Staffordshire Police. Still love response. Views mine.",
            "staffordshire",
            "officer",
            "Sgt",
        ),
        (
            "Special Constable, Herts. Volunteer coach at the rugby club.",
            "hertfordshire",
            "special",
            "Special Constable",
        ),
        ("PC at Thames Valley Police. Formerly a journalist.", "thames-valley", "officer", "PC"),
        # force codes with "&" before a full stop, and a place written across a comma
        ("Serving DS — D&C.", "devon-and-cornwall", "officer", "DS"),
        ("Serving DC in A&S.", "avon-and-somerset", "officer", "DC"),
        ("Sgt at Boston, Lincs | Cyclist.", "lincolnshire", "officer", "Sgt"),
    ],
)
def test_serving_lookalikes_still_count(
    bio: str, force: str, role: str, role_evidence: str | None
) -> None:
    v = _v(bio)
    assert (v.self_identified, v.force, v.role) == (True, force, role), v
    if role_evidence is not None:
        assert v.role_evidence == role_evidence, v
    assert all(span in bio for span in v.evidence)


def test_a_display_name_ending_in_special_is_one_person_not_a_team() -> None:
    v = _v("Special Constable in Watford. Herts Police. IT consultant.", "Watford Special")
    assert (v.self_identified, v.role, v.force) == (True, "special", "hertfordshire"), v
    team = _v("Volunteers policing their community. Recruiting now!", "Lambeth Specials")
    assert not team.self_identified


# rules-2026.11.30.7, from the classes of held-out d's first-run errors (again in other words)
@pytest.mark.parametrize(
    ("bio", "display"),
    [
        ("PC = Pete Carter. Wedding photographer, Leeds.", "PC Photography"),
        ("Tad balch i dditectif gyda Heddlu Dyfed-Powys.", "Huw"),
        ("Fan fiction about a DI in Cornwall. AO3 link below.", "Rowan"),
    ],
)
def test_d_families_of_hard_negatives(bio: str, display: str) -> None:
    v = _v(bio, display)
    assert not v.self_identified, v


@pytest.mark.parametrize(
    ("bio", "force", "role"),
    [
        ("Kent Police officer at Maidstone. Dog mum.", "kent", "officer"),
        ("Press officer at Dorset Police. Personal account.", "dorset", "staff"),
        ("RPU, Notts. Biker.", "nottinghamshire", "officer"),
        ("Armed response officer in Wakefield. Views my own.", "west-yorkshire", "officer"),
        ("Records management at Kent Police HQ.", "kent", "staff"),
    ],
)
def test_d_families_of_serving_profiles(bio: str, force: str, role: str) -> None:
    v = _v(bio)
    assert (v.self_identified, v.force, v.role) == (True, force, role), v
