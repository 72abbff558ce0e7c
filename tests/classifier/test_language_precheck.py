"""The language check's Welsh pre-check (one regex search) never changes an answer: on every
real tweet of ../shared/data and on Welsh and mixed sentences, detect_language says "cy" exactly
when the full word count does."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.language import detect_language, welsh_by_words
from classifier.scoring import clean

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "tweeteval-offensive"
WRITTEN = [
    "Diolch yn fawr iawn i bawb am eich cefnogaeth heddiw",
    "Mae'r heddlu wedi dweud bod y ffordd ar gau",
    "Roedd o'r farn bod nhw'n bradwyr, dylen nhw crogi",
    "DIOLCH I CHI GYD, MAE HI'N IAWN",
    "Llongyfarchiadau i'r tîm! Croeso i Gymru",
    "Thanks to everyone, diolch, see you at the match on Saturday",
    "Mae gen i gath",  # three words, two Welsh: not enough
    "yr yr yr the the the the the the the the the the the the",
    "'mae' 'yr' 'yw' quoted Welsh words between apostrophes",
    "dw'n ddim yn siŵr, ŵyr neb",
    "Lovely morning at the school fete, thanks to everyone who came to say hello",
    "",
]


def _tweets() -> list[str]:
    if not SHARED.exists():
        pytest.skip("../shared/data is absent")
    lines: list[str] = []
    for name in ("train_text.txt", "val_text.txt", "test_text.txt"):
        lines += (SHARED / name).read_text(encoding="utf-8").splitlines()
    return lines


@pytest.mark.parametrize("source", ["written", "real tweets"])
def test_the_precheck_gives_the_word_counts_answer(source: str) -> None:
    texts = WRITTEN if source == "written" else _tweets()
    expected_welsh = [clean(t) for t in texts if welsh_by_words(clean(t))]
    assert [clean(t) for t in texts if detect_language(clean(t)) == "cy"] == expected_welsh
    if source == "written":
        assert len(expected_welsh) == 7  # the pre-check is not vacuous: Welsh is found
