"""rules-2026.11.30.8: structural scope cues (``scope.py``) and the learned recall stage
(``learned.py``), from the error classes of held-out e's and the two extra files' first runs.

The bios here are written for these tests in phrasings none of the labelled files use, so each
checks the mechanism rather than one remembered bio. Each hard negative has a serving
counterpart that the same mechanism must leave alone.
"""

from __future__ import annotations

import pytest

from crawler.identify import ProfileText
from crawler.identify.identifier import identify_many
from crawler.identify.learned import TRAINING_FILES, get_stage


def _v(bio: str, display: str = "Alex", *, learned: bool = True):
    return next(identify_many([ProfileText("someone123", display, bio)], learned=learned))


@pytest.mark.parametrize(
    ("bio", "reason"),
    [
        # a role word denied or explained as something else takes every mention of it along
        ("PC enthusiast. PC as in computer: building rigs in Leeds.", "no-police-claim"),
        ("Not a cop or police staff, just a nosy neighbour in Kent.", "no-police-claim"),
        # another organisation's rank: an unknown acronym before the rank or after "at"
        ("Inspector at HMRC. Leeds.", "no-police-claim"),
        # a past told as a span of time, then a new life
        ("Did 25 years in Kent Police. Now I grow tomatoes.", "retired"),
        ("Spent 9 years as a PCSO in Hull. Now a florist.", "retired"),
        ("Civvy street after 30 years with Lancashire Constabulary.", "retired"),
        # a role that starts in a month to come
        ("Student officer with West Yorkshire Police from September!", "recruit"),
        # a child named by age or sex; Welsh construct-state family ("a police officer's husband")
        ("My lad's a PCSO in Hull and I'm so proud.", "family"),
        ("Gŵr heddwas. Caerdydd.", "family"),
        # "serving" right after a relative phrase is the relative's
        ("Proud #PoliceFamily. Brother of a serving DC in Leeds.", "family"),
        ("Previously: PC in Kent. Now a baker.", "retired"),
        # another cause's volunteer with a county
        ("Badger rescue volunteer, Somerset.", "no-police-claim"),
        # "the force" that is not an employer; a soldier's title beside a garrison town
        ("May the force be with you. Star Wars nerd in Kent.", "no-police-claim"),
        ("Sgt, Royal Signals. Catterick.", "no-police-claim"),
    ],
)
def test_structural_hard_negatives(bio: str, reason: str) -> None:
    v = _v(bio)
    assert not v.self_identified, v
    assert v.reason == reason, v


@pytest.mark.parametrize(
    ("bio", "force", "role"),
    [
        # "Now …" without a past cue before it is not a change of life
        ("PC in Leeds. Now on nights, send coffee.", "west-yorkshire", "officer"),
        # a past cue with its own object ("Former nurse") is not the police past
        ("Former nurse. PC in Leeds. Now a mum of two.", "west-yorkshire", "officer"),
        # "retired banker": the banking retired, not the special constable
        ("Special Sgt with Essex Police, retired banker.", "essex", "special"),
        # "the odd lost pensioner" is someone the PCSO helps
        ("PCSO in Lincoln. Helping the odd lost pensioner home.", "lincolnshire", "pcso"),
        # "a big county force": an unnamed police employer is police context for a title
        ("DS, big county force, not saying which.", None, "officer"),
        # an outside job after "former" is the past one; a past cue's own object after a colon
        ("Former journalist, now comms officer for Durham Constabulary.", "durham", "staff"),
        ("Scenes of crime officer, Essex Police. Formerly: zookeeper.", "essex", "staff"),
        # "#PoliceFamily" names the workforce: context for the author's own job
        ("Detention officer in Luton. #PoliceFamily", "bedfordshire", "staff"),
    ],
)
def test_structural_counterparts_still_serve(bio: str, force: str | None, role: str) -> None:
    v = _v(bio)
    assert v.self_identified and v.reason == "serving", v
    assert (v.force, v.role) == (force, role), v


def test_a_first_name_that_is_a_role_word_is_a_name() -> None:
    assert not _v("Bobby. Plumber in Bolton.", display="Bobby Charlton").self_identified
    assert _v("Bobby in Bolton, GMP. Nights.", display="Dave").self_identified


def test_learned_stage_reads_a_job_the_lexicon_lacks_next_to_a_named_force() -> None:
    bio = "Rota wrangler at Avon and Somerset Constabulary. Bristol."
    rules_only = _v(bio, learned=False)
    assert not rules_only.self_identified and rules_only.reason == "no-police-claim"
    v = _v(bio)
    assert v.self_identified and v.reason == "serving-learned", v
    # the force comes from the rules' attribution; confidence stays below any rule verdict
    assert v.force == "avon-and-somerset" and v.role == "staff"
    assert v.confidence < 0.71


@pytest.mark.parametrize(
    "bio",
    [
        "Retired. 30 years with Kent Police.",  # a structural rejection is never reopened
        "Lives in Durham. Loves dogs.",  # a place alone is not a claim
        "Proud wife of a Kent Police sergeant.",
    ],
)
def test_learned_stage_leaves_structural_rejections_and_places_alone(bio: str) -> None:
    assert not _v(bio).self_identified


def test_learned_stage_never_trains_on_a_file_kept_for_a_first_run() -> None:
    # the file kept untouched for the next first run ends in a letter after g ("…_h"); g's
    # errors were studied for rules-2026.11.30.10 and it trains the stage since
    assert all(not name.startswith("heldout_") or name[-1] <= "g" for name in TRAINING_FILES)
    assert get_stage() is not None
