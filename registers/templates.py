"""Import templates: one per register, the single source for parsing and for the docs.

``docs/registers.md`` is checked against these by a test, so the documented columns and the
accepted ones cannot drift apart.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from probity.models import (
    BusinessInterest,
    Contract,
    DisclosureRecipient,
    GiftHospitality,
    GiftKind,
    InterestCategory,
    InterestStatus,
    Investigation,
    InvestigationStatus,
    InvestigationType,
    MediaScope,
    OfferorType,
)


class Kind(str, enum.Enum):
    text = "text"
    date = "date (YYYY-MM-DD or DD/MM/YYYY)"
    money = "amount in pounds, not negative (£ and commas allowed)"
    yes_no = "yes/no"
    accepted = "accepted/declined"
    force = "force id (see `probity forces`)"
    choice = "one of"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = True
    choices: type[enum.Enum] | None = None
    field: str | None = None  # model attribute, when it differs from the column name
    help: str = ""

    @property
    def attribute(self) -> str:
        return self.field or self.name

    def describe_type(self) -> str:
        if self.choices is not None:
            return "one of " + ", ".join(f"`{m.value}`" for m in self.choices)
        return self.kind.value


@dataclass(frozen=True)
class Template:
    name: str
    model: type[Any]
    key: tuple[str, ...]  # natural key (model attributes)
    columns: tuple[Column, ...]
    title: str

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


C = Column
TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
            "gifts",
            GiftHospitality,
            ("force_id", "entry_ref"),
            (
                C("force", Kind.force, field="force_id"),
                C(
                    "entry_ref",
                    Kind.text,
                    help="the force's own register reference; unique within the force",
                ),
                C("entry_date", Kind.date),
                C("recipient_role", Kind.text, help="e.g. Police Officer, Police Staff, PCSO"),
                C("recipient_rank", Kind.text, required=False),
                C(
                    "chief_officer",
                    Kind.yes_no,
                    required=False,
                    help="recipient is ACC rank or above (or staff equivalent)",
                ),
                C("offeror", Kind.text, help="person or organisation that made the offer"),
                C("offeror_type", Kind.choice, choices=OfferorType),
                C("kind", Kind.choice, choices=GiftKind),
                C("description", Kind.text, required=False),
                C("value", Kind.money),
                C("accepted", Kind.accepted),
                C("reason", Kind.text, required=False, help="why accepted or declined"),
            ),
            "Gifts and hospitality",
        ),
        Template(
            "interests",
            BusinessInterest,
            ("force_id", "entry_ref"),
            (
                C("force", Kind.force, field="force_id"),
                C("entry_ref", Kind.text),
                C("applied_on", Kind.date),
                C("applicant_role", Kind.text),
                C("category", Kind.choice, choices=InterestCategory),
                C("business_name", Kind.text, required=False),
                C("description", Kind.text, required=False),
                C("status", Kind.choice, choices=InterestStatus),
                C("conditions", Kind.text, required=False),
                C("decided_on", Kind.date, required=False),
                C("next_review_on", Kind.date, required=False),
                C(
                    "pdr_reviewed",
                    Kind.yes_no,
                    required=False,
                    help="the interest was reviewed at the last PDR",
                ),
            ),
            "Business interests (second jobs)",
        ),
        Template(
            "contracts",
            Contract,
            ("force_id", "contract_ref"),
            (
                C("force", Kind.force, field="force_id"),
                C("contract_ref", Kind.text),
                C("supplier", Kind.text),
                C("description", Kind.text, required=False),
                C("value", Kind.money),
                C("awarded_on", Kind.date),
                C("route", Kind.text, help="open tender, framework, quotation, direct award, …"),
            ),
            "Contracts and suppliers",
        ),
        Template(
            "investigations",
            Investigation,
            ("force_id", "case_ref"),
            (
                C("force", Kind.force, field="force_id"),
                C("case_ref", Kind.text),
                C("type", Kind.choice, choices=InvestigationType),
                C(
                    "recipient",
                    Kind.choice,
                    required=False,
                    choices=DisclosureRecipient,
                    help="required for information_disclosure, empty otherwise",
                ),
                C(
                    "media_scope",
                    Kind.choice,
                    required=False,
                    choices=MediaScope,
                    help="required when the recipient is media and for media_relationship",
                ),
                C("status", Kind.choice, choices=InvestigationStatus),
                C("suspended", Kind.yes_no, required=False),
                C("opened_on", Kind.date),
                C("closed_on", Kind.date, required=False, help="not before opened_on"),
            ),
            "Integrity investigations",
        ),
    )
}


def get_template(name: str) -> Template:
    try:
        return TEMPLATES[name]
    except KeyError:
        raise KeyError(
            f"unknown register {name!r}: expected one of {', '.join(TEMPLATES)}"
        ) from None
