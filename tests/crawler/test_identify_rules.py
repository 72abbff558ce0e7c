"""Behaviour of the self-identification rules, one class of profile at a time."""

from __future__ import annotations

import pytest

from crawler.identify import IDENTIFIER_VERSION, ProfileText, Verdict, identify, identify_many
from crawler.identify.places import PLACES, SHARED_AREAS
from probity.forces import FORCE_IDS, FORCES


def verdict(bio: str, display: str = "Alex", handle: str = "alex_1") -> Verdict:
    return identify(ProfileText(handle=handle, display_name=display, bio=bio))


def assert_evidence_quoted(v: Verdict, profile: ProfileText) -> None:
    for span in v.evidence:
        assert span and (
            span in profile.bio or span in profile.display_name or span in profile.handle
        ), span


# --- serving profiles: role and force -------------------------------------------------------


@pytest.mark.parametrize(
    "bio, force, role",
    [
        ("Response PC with Kent Police. Views my own.", "kent", "officer"),
        ("DS in the Met. Tea first.", "metropolitan", "officer"),
        ("Detective Constable, MPS. Homicide.", "metropolitan", "officer"),
        ("PC on response, GMP. Opinions mine.", "greater-manchester", "officer"),
        ("Sgt @ WMP, Birmingham", "west-midlands", "officer"),
        ("DC with TVP", "thames-valley", "officer"),
        ("PCSO for BTP at Euston", "btp", "pcso"),
        ("Special Constable, A&S", "avon-and-somerset", "special"),
        ("Response officer, D&C", "devon-and-cornwall", "officer"),
        ("Neighbourhood PC, Hants", "hampshire", "officer"),
        ("Call handler for Notts Police", "nottinghamshire", "staff"),
        ("Special sergeant in Lincs", "lincolnshire", "special"),
        ("PC in Herts. Coffee.", "hertfordshire", "officer"),
        ("Custody detention officer, Staffs Police", "staffordshire", "staff"),
        ("Police staff investigator at City of London Police", "city-of-london", "staff"),
        ("Police community support officer, Dyfed-Powys", "dyfed-powys", "pcso"),
        ("Student officer at Heddlu De Cymru", "south-wales", "officer"),
        ("Roads policing officer, North Yorkshire Police", "north-yorkshire", "officer"),
    ],
)
def test_aliases_and_abbreviations_attribute_the_force(bio: str, force: str, role: str) -> None:
    v = verdict(bio)
    assert (v.self_identified, v.force, v.role, v.reason) == (True, force, role, "serving")
    assert 0.5 < v.confidence <= 1.0


@pytest.mark.parametrize("force", [f for f in FORCES])
def test_every_force_handle_attributes_the_force(force) -> None:  # type: ignore[no-untyped-def]
    handle = force.handles[0]
    v = verdict(f"Response PC @{handle}. Views my own.")
    assert v.self_identified and v.force == force.id
    assert f"@{handle}"[1:] in "".join(v.evidence) or any(handle in e for e in v.evidence)


@pytest.mark.parametrize(
    "place, force",
    [
        ("Swindon", "wiltshire"),
        ("Reading", "thames-valley"),
        ("Brixton", "metropolitan"),
        ("Bootle", "merseyside"),
        ("Salford", "greater-manchester"),
        ("Middlesbrough", "cleveland"),
        ("Wrexham", "north-wales"),
        ("Aberystwyth", "dyfed-powys"),
        ("Cwmbran", "gwent"),
        ("Sutton Coldfield", "west-midlands"),
        ("Newcastle-under-Lyme", "staffordshire"),
        ("Stratford-upon-Avon", "warwickshire"),
        ("the Square Mile", "city-of-london"),
    ],
)
def test_a_town_of_exactly_one_force_attributes_it(place: str, force: str) -> None:
    v = verdict(f"Response PC in {place}. Views my own.")
    assert v.self_identified and v.force == force
    assert place in v.evidence or place.replace("the ", "") in " ".join(v.evidence)


def test_every_listed_place_belongs_to_a_real_force_and_not_to_the_shared_list() -> None:
    assert set(PLACES) <= FORCE_IDS
    shared = {a.lower() for a in SHARED_AREAS}
    for force_id, places in PLACES.items():
        assert len(places) >= 5, force_id
        assert not shared & {p.lower() for p in places}, force_id


@pytest.mark.parametrize(
    "area",
    [
        "Yorkshire",
        "the Midlands",
        "Wales",
        "the North East",
        "East Anglia",
        "the South West",
        "London",
        "the Thames",
    ],
)
def test_a_shared_area_gives_force_null_not_a_guess(area: str) -> None:
    v = verdict(f"Police officer in {area}. Views my own.")
    assert v.self_identified and v.role == "officer"
    assert v.force is None


def test_a_named_force_beats_a_shared_area() -> None:
    v = verdict("PC in London with the Met")
    assert v.force == "metropolitan"
    assert verdict("PC in Sheffield, Yorkshire").force == "south-yorkshire"


def test_two_different_forces_give_null() -> None:
    v = verdict("PC. Born in Leeds, living in Bristol")
    assert v.self_identified and v.force is None


@pytest.mark.parametrize(
    "display, bio, handle, role",
    [
        ("PC Smith", "Tea, nights and paperwork.", "pcsmith", "officer"),
        ("Sgt Patel", "Views my own", "sgtpatel", "officer"),
        ("Kim", "PCSO. Coffee. Community.", "kim_k", "pcso"),
        ("Dan", "Volunteer police officer", "dan", "special"),
        ("Jo", "Police staff member. Views own", "jo", "staff"),
        ("Lee", "Copper. Dad. Runner.", "lee", "officer"),
    ],
)
def test_serving_without_a_force_is_still_serving_with_force_null(
    display: str, bio: str, handle: str, role: str
) -> None:
    v = verdict(bio, display, handle)
    assert (v.self_identified, v.force, v.role) == (True, None, role)


def test_handles_are_split_at_case_changes() -> None:
    v = verdict("Views my own", display="Dave", handle="PCDaveSalford")
    assert (v.self_identified, v.force, v.role) == (True, "greater-manchester", "officer")
    assert "PC" in v.evidence and "Salford" in v.evidence


def test_student_officers_are_serving() -> None:
    v = verdict("Student officer on the PCDA with Essex Police")
    assert (v.self_identified, v.force, v.role) == (True, "essex", "officer")


def test_employment_without_a_role_is_serving_with_role_null() -> None:
    v = verdict("Proud to work for Surrey Police. Views my own.")
    assert (v.self_identified, v.force, v.role) == (True, "surrey", None)


# --- rejections, each class with its reason -------------------------------------------------


@pytest.mark.parametrize(
    "bio, display",
    [
        ("Retired DS, Kent Police. Golf now.", "Dave"),
        ("Ex-Met. 30 years. Now in security.", "Ron"),
        ("Former PCSO with GMP", "Jo"),
        ("Lancashire Constabulary 1988-2018", "Bill"),
        ("PC for 25 years in Essex, now happily retired", "Sue"),
        ("Served with West Mercia Police for 30 years", "Tom"),
        ("Insp (rtd). Cumbria.", "Insp Hall"),
    ],
)
def test_retired_and_former_officers_are_rejected(bio: str, display: str) -> None:
    v = verdict(bio, display)
    assert not v.self_identified and v.reason == "retired", v
    assert v.force is None and v.role is None


def test_ex_something_else_does_not_reject_a_serving_officer() -> None:
    v = verdict("Ex-Army, now a PC with Kent Police")
    assert (v.self_identified, v.force) == (True, "kent")
    v = verdict("Ex-Met, now a DC in Kent Police")
    assert (v.self_identified, v.force) == (True, "kent")


@pytest.mark.parametrize(
    "bio",
    [
        "Proud police wife. Husband is a PC in Kent.",
        "Wife of a PC in the Met",
        "Proud police mum 💙 My son is a PCSO with GMP",
        "Married to a copper. Essex.",
        "My husband is a Special Constable with Surrey Police",
        "Daughter of a retired DCI",
        "#PoliceFamily. Partner of a Northumbria Police officer.",
    ],
)
def test_family_members_are_rejected(bio: str) -> None:
    v = verdict(bio)
    assert not v.self_identified and v.reason == "family", v


def test_a_serving_officer_who_mentions_family_is_still_serving() -> None:
    v = verdict("Mum of two, wife, PC at Lancashire Constabulary")
    assert (v.self_identified, v.force) == (True, "lancashire")


@pytest.mark.parametrize(
    "display, bio, handle",
    [
        ("Kent Police", "Do not report crime here. Call 101.", "kent_police"),
        ("West Midlands Police", "Official account of West Midlands Police.", "WMPolice"),
        (
            "Dartford Police",
            "News and updates from the Dartford Neighbourhood Policing Team.",
            "DartfordPol",
        ),
        (
            "Met Police Camden",
            "We are the officers who police Camden. Follow us for updates.",
            "MPSCamden",
        ),
        (
            "Hampshire Specials",
            "Hampshire Special Constabulary. Volunteers keeping communities safe.",
            "HantsSpecials",
        ),
    ],
)
def test_official_and_team_accounts_are_rejected(display: str, bio: str, handle: str) -> None:
    v = verdict(bio, display, handle)
    assert not v.self_identified and v.reason == "official-account", v


def test_not_an_official_account_is_personal() -> None:
    v = verdict("PC at @kent_police. Not an official account.", "PC Cooper", "pc_cooper")
    assert v.self_identified and v.force == "kent"


@pytest.mark.parametrize(
    "bio",
    [
        "Sergeant with Police Scotland. Glasgow.",
        "PSNI officer. Belfast.",
        "Garda in Dublin",
        "NYPD. Brooklyn.",
        "Deputy sheriff in Texas",
        "Police constable in Edinburgh",
        "Constable, Civil Nuclear Constabulary",
        "Ministry of Defence Police officer",
    ],
)
def test_other_jurisdictions_are_rejected(bio: str) -> None:
    v = verdict(bio)
    assert not v.self_identified and v.reason == "other-jurisdiction", v


def test_a_foreign_birthplace_does_not_override_a_named_force() -> None:
    v = verdict("Glasgow born. PC with Cumbria Constabulary.")
    assert (v.self_identified, v.force) == (True, "cumbria")


@pytest.mark.parametrize(
    "bio",
    [
        "Aspiring PC. Criminology student.",
        "Starting training with Kent Police in September!",
        "Soon to be a PCSO with Essex Police",
        "Hoping to join the Met one day",
        "Applied to be a Special with GMP. Fingers crossed",
        "Volunteer Police Cadet, age 15",
        "PCSO hopeful. Applying to Gwent Police.",
    ],
)
def test_recruits_not_yet_serving_are_rejected(bio: str) -> None:
    v = verdict(bio)
    assert not v.self_identified and v.reason == "recruit", v


@pytest.mark.parametrize(
    "bio",
    [
        "Proud member of the grammar police",
        "Fashion police 👗 stylist",
        "Chief of the fun police",
        "Not PC and proud of it",
        "PC gamer and streamer",
    ],
)
def test_idioms_are_rejected(bio: str) -> None:
    v = verdict(bio)
    assert not v.self_identified and v.reason == "idiom", v


@pytest.mark.parametrize(
    "bio, display",
    [
        ("Actor. Played PC Dale in The Bill.", "James"),
        ("Line of Duty superfan. Mother of God!", "Shaz"),
        ("Crime writer. My DI Hart series is out now.", "Val"),
    ],
)
def test_actors_fans_and_writers_are_rejected(bio: str, display: str) -> None:
    v = verdict(bio, display)
    assert not v.self_identified and v.reason == "fiction", v


@pytest.mark.parametrize(
    "bio",
    [
        "Prison officer, HMP Leeds",
        "Probation officer in Cardiff",
        "Traffic Officer with National Highways",
        "Security officer at a shopping centre in Kent",
        "999 call handler for the ambulance service",
        "Meteorologist at the Met Office",
        "Army sergeant, Royal Engineers",
        "Follows lots of police accounts. Loves a blue light.",
    ],
)
def test_other_uniforms_and_police_watchers_are_not_serving(bio: str) -> None:
    v = verdict(bio)
    assert not v.self_identified, v


# --- evidence and interface -------------------------------------------------------------------


@pytest.mark.parametrize(
    "profile",
    [
        ProfileText("PCSmithKentPol", "PC Smith 👮", "Response PC @kent_police. #ThinBlueLine"),
        ProfileText("ex_met_dave", "Dave (retd)", "Ex-Met DS. 1990–2020."),
        ProfileText("WMPolice", "West Midlands Police", "Official account."),
        ProfileText("sgt_jones", "Sgt. Jones", "Custody Sgt, Stoke-on-Trent. Staffs Police"),
        ProfileText("pcso_amy", "Amy", "PCSO in Brixton\nViews my own"),
    ],
)
def test_evidence_spans_are_exact_substrings_of_the_input(profile: ProfileText) -> None:
    v = identify(profile)
    assert v.evidence
    assert_evidence_quoted(v, profile)


def test_identify_many_matches_identify_and_keeps_order() -> None:
    profiles = [
        ProfileText(f"h{i}", "Al", bio)
        for i, bio in enumerate(["PC in Kent", "Retired PC", "PCSO in Leeds", "Baker in Bath"] * 3)
    ]
    batched = list(identify_many(profiles, batch_size=5))
    assert batched == [identify(p) for p in profiles]
    assert [v.force for v in batched[:4]] == ["kent", None, "west-yorkshire", None]


def test_empty_profile_is_not_serving() -> None:
    v = identify(ProfileText("", "", ""))
    assert (v.self_identified, v.reason, v.evidence) == (False, "no-police-claim", [])


def test_version_is_a_non_empty_string() -> None:
    assert isinstance(IDENTIFIER_VERSION, str) and IDENTIFIER_VERSION


# --- cases found on held-out profiles (see docs/identification.md, "History") ----------------


def test_a_handle_is_read_the_way_the_bio_explains_it() -> None:
    v = identify(ProfileText("old_met_dc", "Les", "Ex Met DC. Writes about old cases."))
    assert not v.self_identified and v.reason == "retired"
    v = identify(ProfileText("pcsos_mum", "Val", "Very proud. Two grandchildren."))
    assert not v.self_identified


def test_a_military_rank_is_not_a_police_title() -> None:
    v = identify(
        ProfileText("sgt_baker", "Sgt Baker", "Army sergeant. Royal Engineers. Catterick.")
    )
    assert not v.self_identified
    v = identify(
        ProfileText("sgt_baker", "Sgt Baker", "Ex-Army. Now a custody sergeant with Kent Police.")
    )
    assert (v.self_identified, v.force) == (True, "kent")


def test_a_cue_before_a_colon_governs_what_follows() -> None:
    v = verdict("Dream job: police officer. Working towards it.")
    assert not v.self_identified and v.reason == "recruit"


def test_your_local_pcso_is_a_person_not_a_team() -> None:
    v = verdict("Your local PCSO for Bedminster, Bristol. Not monitored 24/7.", "Kim", "pcso_kim")
    assert (v.self_identified, v.force, v.role) == (True, "avon-and-somerset", "pcso")


def test_a_place_name_after_a_retirement_does_not_keep_the_role_current() -> None:
    v = verdict("Met Police sergeant for 28 years, now happily retired in Spain")
    assert not v.self_identified and v.reason == "retired"


def test_words_that_look_like_roles_but_are_not() -> None:
    assert not verdict("Amateur detective. Puzzle lover.").self_identified
    assert not verdict("Not very PC. Tells it straight. Essex.").self_identified
    assert not identify(
        ProfileText("cop_watcher", "Mike", "I watch the police so you don't have to")
    ).self_identified


def test_a_unique_town_beside_a_shared_area_attributes_the_force() -> None:
    v = verdict("Special Constable in the Cotswolds (Cirencester).")
    assert (v.self_identified, v.force, v.role) == (True, "gloucestershire", "special")


@pytest.mark.parametrize(
    "bio",
    [
        "Police station representative. Defending your rights in custody.",
        "Solicitor specialising in actions against the police",
        "Police chaplain, Lincolnshire. Vicar of St Mary's.",
        "Custody nurse. Nights. Essex.",
        "Back in DC for the conference. #DCCircuit watcher. Cop shows fan",
    ],
)
def test_people_who_work_around_the_police_are_not_serving(bio: str) -> None:
    assert not verdict(bio).self_identified


def test_a_federation_rep_is_a_serving_officer() -> None:
    v = verdict("Police Federation rep, Hampshire. Here for our members.")
    assert (v.self_identified, v.force, v.role) == (True, "hampshire", "officer")


def test_plural_roles_describe_others_not_oneself() -> None:
    v = verdict(
        "Supporting our police officers and PCSOs. #BackThePolice", "Blue Line Support", "bls"
    )
    assert not v.self_identified
    assert verdict("PC with Kent Police, proud to work alongside great PCSOs").role == "officer"


def test_corporate_evidence_is_quoted_from_the_input() -> None:
    for profile in (
        ProfileText("dartfordpol", "Dartford Police", "Local updates."),
        ProfileText("team_x", "Team", "We patrol the town centre. Our officers are here to help."),
    ):
        v = identify(profile)
        assert v.reason == "official-account" and v.evidence
        assert_evidence_quoted(v, profile)


@pytest.mark.parametrize(
    "bio",
    [
        "She is a cop and he is a nurse. Parents of two. Leeds.",
        "Asked a police officer for directions once. Still lost.",
        "That cop on the telly was brilliant",
    ],
)
def test_a_role_in_a_sentence_about_someone_else_is_not_a_claim(bio: str) -> None:
    assert not verdict(bio).self_identified


def test_title_inside_a_longer_hashtag_or_after_a_preposition_is_not_a_rank() -> None:
    assert not verdict("Moving to DC next year #DCCircuit").self_identified
    assert verdict("#PCSO in Brixton. Views my own.").role == "pcso"


@pytest.mark.parametrize(
    "bio, force, role",
    [
        ("Heddwas yn Aberystwyth. Heddlu Dyfed-Powys.", "dyfed-powys", "officer"),
        ("SCCH yng Nghaerdydd, Heddlu De Cymru", "south-wales", "pcso"),
        ("Cwnstabl gwirfoddol, Heddlu Gogledd Cymru", "north-wales", "special"),
        ("Rhingyll, Heddlu Gwent", "gwent", "officer"),
    ],
)
def test_welsh_role_terms(bio: str, force: str, role: str) -> None:
    v = verdict(bio)
    assert (v.self_identified, v.force, v.role) == (True, force, role)
