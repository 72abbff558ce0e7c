"""The label set is defined once (probity/labels.py) and agrees with the codebook and its users."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest
from pydantic import ValidationError

from api.schemas.flags import FlagQuery
from probity.labels import DESCRIPTIONS, LABELS, Label

CODEBOOK = Path(__file__).resolve().parents[2] / "shared" / "codebook.md"


def test_the_literal_the_tuple_and_the_descriptions_name_the_same_labels_in_order() -> None:
    assert get_args(Label) == LABELS
    assert tuple(DESCRIPTIONS) == LABELS


def test_the_codebook_headings_are_the_labels_in_the_same_order() -> None:
    headings = re.findall(
        r"^### `(\w+)` — (.+)$", CODEBOOK.read_text(encoding="utf-8"), re.MULTILINE
    )
    assert tuple(name for name, _ in headings) == LABELS
    assert {name: text for name, text in headings} == DESCRIPTIONS


def test_the_api_accepts_exactly_the_labels() -> None:
    for label in LABELS:
        assert FlagQuery(label=label).label == label
    with pytest.raises(ValidationError):
        FlagQuery(label="rude")
