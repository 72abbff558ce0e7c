"""The demo world's serving profiles read like real ones: a staff job that exists outside the
police ("Call handler", "Intelligence analyst") is written next to the force's own name, not a
bare town, and the identifier finds every role at about the rate it finds them in labelled data."""

from __future__ import annotations

import random
from collections import Counter

from crawler.identify import ProfileText, identify_many
from demo.people import ROLE_PHRASES, serving_person
from probity.forces import FORCES, FORCES_BY_ID


def _people(n: int, seed: int = 17):
    rng = random.Random(seed)
    roles = list(ROLE_PHRASES)
    return [
        serving_person(rng.choice(FORCES).id if i % 25 else None, roles[i % len(roles)], rng)
        for i in range(n)
    ]


def test_generic_staff_jobs_name_the_force_or_say_police() -> None:
    for person in _people(600):
        if person.role != "staff":
            continue
        bio = person.bio.lower()
        if "police" in bio:
            continue
        force = FORCES_BY_ID[person.force_id] if person.force_id else None
        assert force is not None, person.bio  # no force named: the job itself must say police
        names = (force.name, *force.aliases, *force.abbreviations, *force.handles)
        assert any(n in person.bio for n in names), person.bio


def test_identifier_recall_on_generated_serving_profiles_by_role() -> None:
    people = _people(1000)
    verdicts = list(
        identify_many(
            ProfileText(handle=p.handle_stem, display_name=p.display_name, bio=p.bio)
            for p in people
        )
    )
    found: Counter[str | None] = Counter()
    total: Counter[str | None] = Counter()
    for person, verdict in zip(people, verdicts):
        total[person.role] += 1
        found[person.role] += verdict.self_identified
    for role, n in total.items():
        assert found[role] / n >= 0.97, (role, found[role], n)
