"""The codebook's four labels: the one place that names them, orders them and describes them.

Models, API schemas, statistics and the classifier import them from here. The order of
``LABELS`` is the column order of every label matrix and score vector (classifier, training,
exports), so append a label at the end rather than insert one; see docs/architecture.md for
everything a new label touches. The codebook itself is ../shared/codebook.md.
"""

from __future__ import annotations

from typing import Literal

Label = Literal["offensive", "protocol", "negativity", "government"]

# Column order of label matrices and score vectors. Typed as plain strings (as before this module)
# so dicts built from it stay dict[str, ...]; tests/test_labels.py holds it equal to ``Label``.
LABELS: tuple[str, ...] = ("offensive", "protocol", "negativity", "government")

# One line each, as the codebook's headings word them (HMIC 2012's four categories).
DESCRIPTIONS: dict[str, str] = {
    "offensive": "offensive language or behaviour",
    "protocol": "comments on police protocol or procedure",
    "negativity": "negativity towards work",
    "government": "extreme opinions on Government",
}
