"""Cross-check cases planted in the sample. Each one is a pattern HMIC asked forces to look for.

The tests assert that the cross-checks find exactly these and nothing else in the sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class PlantedCase:
    check: str
    force_id: str
    refs: tuple[str, ...]  # register references of the rows that should raise the finding


def _first(rows: list[dict[str, Any]], force_id: str, **match: Any) -> dict[str, Any]:
    for row in rows:
        if row["force_id"] == force_id and all(row[k] == v for k, v in match.items()):
            return row
    raise LookupError(f"no sample row in {force_id} matching {match}")


def plant(
    gifts: list[dict[str, Any]], interests: list[dict[str, Any]], contracts: list[dict[str, Any]]
) -> list[PlantedCase]:
    cases: list[PlantedCase] = []

    def hospitality_then_contract(
        force_id: str, offeror: str, offeror_type: str, on: date, supplier: str, awarded: date
    ) -> None:
        gift = _first(gifts, force_id, chief_officer=False, kind="hospitality")
        gift.update(offeror=offeror, offeror_type=offeror_type, entry_date=on)
        ref = f"PR-9{len(cases):03d}"
        contracts.append(
            {
                "force_id": force_id,
                "contract_ref": ref,
                "supplier": supplier,
                "description": "planted",
                "value": Decimal(250000),
                "awarded_on": awarded,
                "route": "direct award",
            }
        )
        cases.append(PlantedCase("hospitality_supplier", force_id, (gift["entry_ref"], ref)))

    # an offeror that later becomes a supplier (HMIC's example)
    hospitality_then_contract(
        "kent",
        "Northgate Custody Services Ltd",
        "prospective_supplier",
        date(2011, 11, 10),
        "NORTHGATE CUSTODY SERVICES LIMITED",
        date(2012, 2, 14),
    )
    # an offeror that already is a supplier
    hospitality_then_contract(
        "metropolitan",
        "Brightline Vehicle Solutions",
        "contractor",
        date(2012, 1, 20),
        "Brightline Vehicle Solutions plc",
        date(2011, 6, 1),
    )
    # a near spelling of the supplier's name
    hospitality_then_contract(
        "south-wales",
        "Castell Forensic Services",
        "prospective_supplier",
        date(2011, 10, 5),
        "Castell Forensics Services Ltd.",
        date(2012, 4, 2),
    )

    interest = _first(interests, "west-yorkshire", status="approved")
    interest.update(business_name="Apex Security Training", category="other")
    contracts.append(
        {
            "force_id": "west-yorkshire",
            "contract_ref": "PR-9100",
            "supplier": "Apex Security Training Ltd",
            "description": "planted",
            "value": Decimal(48000),
            "awarded_on": date(2011, 12, 1),
            "route": "quotation",
        }
    )
    cases.append(
        PlantedCase("interest_supplier", "west-yorkshire", (interest["entry_ref"], "PR-9100"))
    )

    for force_id, rank in (
        ("essex", "Chief Constable"),
        ("lancashire", "Deputy Chief Constable"),
        ("hampshire", "Assistant Chief Constable"),
    ):
        gift = _first(gifts, force_id, chief_officer=False, kind="hospitality")
        gift.update(chief_officer=True, recipient_role="Police Officer", recipient_rank=rank)
        cases.append(PlantedCase("chief_officer", force_id, (gift["entry_ref"],)))

    for force_id, category, status in (
        ("merseyside", "private_investigation", "approved"),
        ("northumbria", "media_consultancy", "approved_with_conditions"),
        ("sussex", "police_related_training", "approved"),
    ):
        interest = _first(interests, force_id, status=status)
        interest.update(category=category)
        cases.append(PlantedCase("warned_category", force_id, (interest["entry_ref"],)))

    for force_id in ("avon-and-somerset", "devon-and-cornwall"):
        interest = _first(interests, force_id, status="approved_with_conditions")
        interest.update(next_review_on=date(2012, 3, 1))
        cases.append(PlantedCase("review_overdue", force_id, (interest["entry_ref"],)))
    interest = _first(interests, "thames-valley", status="approved_with_conditions")
    interest.update(pdr_reviewed=False)
    cases.append(PlantedCase("conditions_not_reviewed", "thames-valley", (interest["entry_ref"],)))
    return cases
