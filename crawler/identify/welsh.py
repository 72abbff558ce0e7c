"""Welsh place names as Welsh grammar writes them after a preposition.

Welsh mutates a word's first consonant after some words: "yng Nghaernarfon" (in Caernarfon,
nasal), "i Gaerdydd" (to Cardiff, soft), "a Chaerfyrddin" (and Carmarthen, aspirate). A bio in
Welsh names its town in the mutated form, so the place lists are extended with every regular
mutation of each place in the four Welsh forces (rules-2026.11.30.10). Only the first word
mutates; forms that would clash with another listed place, or are too short to be safe as a
capitalised word (a mutated "Glyn" is "Lyn", a first name), are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from crawler.identify.places import PLACES
from crawler.identify.towns import MORE_PLACES, WELSH_PLACES

WELSH_FORCES = ("dyfed-powys", "gwent", "north-wales", "south-wales")
# (radical, soft, nasal, aspirate); None where the mutation does not apply
_MUTATIONS: dict[str, tuple[str | None, str | None, str | None]] = {
    "C": ("G", "Ngh", "Ch"),
    "P": ("B", "Mh", "Ph"),
    "T": ("D", "Nh", "Th"),
    "B": ("F", "M", None),
    "D": ("Dd", "N", None),
    "G": ("", "Ng", None),
    "M": ("F", None, None),
    "Ll": ("L", None, None),
    "Rh": ("R", None, None),
}
_MIN_LENGTH = 6
_UNMUTATED = frozenset({"Ch", "Ph", "Th", "Dd", "Ff", "Ng"})


def mutated_forms(place: str) -> list[str]:
    """Every regular soft, nasal and aspirate mutation of ``place``'s first letter(s)."""
    if place[:2] in _UNMUTATED:
        return []  # "Ch", "Ph", "Th", "Dd", "Ff" are letters of their own and do not mutate
    for radical in ("Ll", "Rh", place[:1]):
        if place.startswith(radical) and radical in _MUTATIONS:
            rest = place[len(radical) :]
            forms = [m + rest for m in _MUTATIONS[radical] if m is not None]
            # "G" drops in the soft mutation: "Gaerfyrddin" -> "Aerfyrddin", capitalised again
            return [f[:1].upper() + f[1:] for f in forms if f and f != place]
    return []


@lru_cache(maxsize=1)
def _mutations() -> tuple[tuple[str, str], ...]:
    listed = {
        p
        for table in (PLACES, MORE_PLACES, WELSH_PLACES)
        for places in table.values()
        for p in places
    }
    found: dict[str, str] = {}
    for table in (PLACES, MORE_PLACES, WELSH_PLACES):
        for force_id in WELSH_FORCES:
            for place in table.get(force_id, ()):
                for form in mutated_forms(place):
                    if (
                        len(place.split()[0]) >= _MIN_LENGTH
                        and len(form.split()[0]) >= _MIN_LENGTH
                        and form not in listed
                    ):
                        found.setdefault(form, force_id)
    return tuple(sorted(found.items(), key=lambda kv: kv[0]))


def welsh_mutations() -> Iterator[tuple[str, str]]:
    """(force id, mutated place name) for every place in the four Welsh forces."""
    for form, force_id in _mutations():
        yield force_id, form
