"""Sample gifts & hospitality, business-interest and contract registers.

Offeror names and supplier names come from disjoint pools, so the only cross-check findings in
the sample are the planted ones (``planted.py``), which the tests compare against exactly.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from registers.sample import figures as F
from registers.sample.apportion import apportion, deal, expand, random_date

OFFERORS = {
    "media": [
        "Evening Gazette",
        "Weekly Courier",
        "County Radio",
        "Regional TV News",
        "Daily Herald",
    ],
    "public": ["Member of the public", "Grateful resident", "Victim's family", "Local shopkeeper"],
    "business": [
        "Riverside Hotel",
        "Market Street Bakery",
        "Golden Dragon Restaurant",
        "Parkside Garage",
        "Old Mill Pub",
        "City Cinema",
        "Harbour Fish Bar",
    ],
    "partner_agency": [
        "County Council",
        "Fire and Rescue Service",
        "Ambulance Trust",
        "Community Safety Partnership",
        "Youth Offending Team",
    ],
    "contractor": [
        "Meridian Uniform Makers",
        "Oakfield Catering Co",
        "Kestrel Cleaning Group",
        "Stonebridge Fleet Hire",
    ],
    "prospective_supplier": [
        "Halcyon Radio Systems",
        "Bluewater Analytics",
        "Pinnacle Body Armour",
        "Vantage Drone Works",
    ],
}
SUPPLIERS = [
    "Ashcombe Office Supplies",
    "Trident Vehicle Leasing",
    "Northway IT Services",
    "Greenleaf Facilities Management",
    "Ironclad Custody Equipment",
    "Sentinel Forensic Testing",
    "Beacon Training Academy",
    "Cobalt Telecoms",
    "Harrow Fuel Cards",
    "Lumen Lighting Contracts",
    "Summit Medical Supplies",
    "Redhill Printing Services",
]
ROUTES = ["open tender", "framework", "quotation", "direct award"]
OFFICER_RANKS = [
    "Police Constable",
    "Sergeant",
    "Inspector",
    "Chief Inspector",
    "Superintendent",
    "Chief Superintendent",
]
STAFF_ROLES = ["Police Staff", "PCSO", "Special Constable"]
GRATUITY_ITEMS = [
    "box of chocolates",
    "bottle of wine",
    "thank-you card and biscuits",
    "gift voucher",
    "flowers",
    "hamper",
    "book token",
]
HOSPITALITY_ITEMS = [
    "working lunch",
    "awards dinner",
    "conference place",
    "match tickets",
    "Christmas reception",
    "charity ball tickets",
    "coffee and cake",
]
SAFE_CATEGORIES = ["driver", "driving_instructor", "bar_work", "other"]
BUSINESS_NAMES = [
    "Self-employed",
    "Family farm",
    "Weekend taxi firm",
    "Village pub",
    "Sports coaching club",
    "Holiday let",
    "Music tuition",
    "Garden maintenance",
]


def _recipient(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.75:
        return "Police Officer", rng.choice(OFFICER_RANKS)
    return rng.choice(STAFF_ROLES), ""


def sample_gifts(rng: random.Random) -> list[dict[str, Any]]:
    entries = (
        [("gratuity", True)] * (F.GRATUITY_ENTRIES - (F.DECLINED_TOTAL - F.HOSPITALITY_DECLINED))
        + [("gratuity", False)] * (F.DECLINED_TOTAL - F.HOSPITALITY_DECLINED)
        + [("hospitality", True)] * (F.HOSPITALITY_ENTRIES - F.HOSPITALITY_DECLINED)
        + [("hospitality", False)] * F.HOSPITALITY_DECLINED
    )
    totals = apportion(F.REGISTER_ENTRIES_TOTAL, F.FORCE_WEIGHTS, minimum=20)
    forces = sorted(F.FORCE_WEIGHTS)
    decliners = sorted(rng.sample(forces, F.FORCES_WITH_DECLINES))
    declines = apportion(F.DECLINED_TOTAL, {f: F.FORCE_WEIGHTS[f] for f in decliners}, minimum=1)
    declined_entries = deal([e for e in entries if not e[1]], declines, rng)
    accepted_quotas = {f: totals[f] - declines.get(f, 0) for f in forces}
    accepted_entries = deal([e for e in entries if e[1]], accepted_quotas, rng)
    rows = []
    for force_id in forces:
        mine = accepted_entries[force_id] + declined_entries.get(force_id, [])
        dated = sorted((random_date(rng, F.PERIOD_START, F.PERIOD_END), e) for e in mine)
        for n, (entry_date, (kind, accepted)) in enumerate(dated, 1):
            offeror_type = rng.choice(list(OFFERORS))
            role, rank = _recipient(rng)
            item = rng.choice(GRATUITY_ITEMS if kind == "gratuity" else HOSPITALITY_ITEMS)
            value = Decimal(rng.randint(5, 60) if kind == "gratuity" else rng.randint(10, 180))
            rows.append(
                {
                    "force_id": force_id,
                    "entry_ref": f"GH-{n:04d}",
                    "entry_date": entry_date,
                    "recipient_role": role,
                    "recipient_rank": rank,
                    "chief_officer": False,
                    "offeror": rng.choice(OFFERORS[offeror_type]),
                    "offeror_type": offeror_type,
                    "kind": kind,
                    "description": item,
                    "value": value,
                    "accepted": accepted,
                    "reason": ""
                    if accepted
                    else rng.choice(
                        [
                            "declined: conflict of interest",
                            "declined: value too high",
                            "declined: offeror in procurement",
                        ]
                    ),
                }
            )
    return rows


def sample_business_interests(rng: random.Random) -> list[dict[str, Any]]:
    statuses = dict(F.BUSINESS_INTERESTS_STATUS)
    fixed = {f: fig["business_interests"] for f, fig in F.FORCE_FIGURES.items()}
    totals = apportion(F.BUSINESS_INTERESTS_TOTAL, F.FORCE_WEIGHTS, fixed=fixed, minimum=10)
    pools: dict[str, list[str]] = {}
    # constrained forces first: their approved counts are published
    approved = expand({"approved": statuses.pop("approved")})
    others = expand(statuses)
    rng.shuffle(others)
    for force_id, fig in F.FORCE_FIGURES.items():
        n_ok = fig["business_interests_approved"]
        pools[force_id] = [approved.pop() for _ in range(n_ok)]
        pools[force_id] += [others.pop() for _ in range(fig["business_interests"] - n_ok)]
    rest = approved + others
    free = {f: n for f, n in totals.items() if f not in F.FORCE_FIGURES}
    pools.update(deal(rest, free, rng))
    rows = []
    conditions_left = F.BUSINESS_INTERESTS_WITH_CONDITIONS
    approved_total = F.BUSINESS_INTERESTS_STATUS["approved"]
    for force_id in sorted(pools):
        for n, status in enumerate(pools[force_id], 1):
            applied = random_date(rng, F.PERIOD_START, F.PERIOD_END)
            if status == "approved":
                # hand out exactly BUSINESS_INTERESTS_WITH_CONDITIONS conditional approvals
                if rng.random() < conditions_left / approved_total:
                    status, conditions_left = "approved_with_conditions", conditions_left - 1
                approved_total -= 1
            decided = applied + timedelta(days=rng.randint(5, 40)) if status != "pending" else None
            rows.append(
                {
                    "force_id": force_id,
                    "entry_ref": f"BI-{n:04d}",
                    "applied_on": applied,
                    "applicant_role": rng.choice(
                        ["Police Constable", "Sergeant", "Police Staff", "PCSO"]
                    ),
                    "category": rng.choice(SAFE_CATEGORIES),
                    "business_name": rng.choice(BUSINESS_NAMES),
                    "description": "",
                    "status": status,
                    "conditions": "no work in force area; not in uniform"
                    if status == "approved_with_conditions"
                    else "",
                    "decided_on": decided,
                    "next_review_on": (applied + timedelta(days=365 * 2))
                    if status.startswith("approved")
                    else None,
                    "pdr_reviewed": status.startswith("approved"),
                }
            )
    assert conditions_left == 0, conditions_left
    return rows


def sample_contracts(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for force_id in sorted(F.FORCE_WEIGHTS):
        for n in range(1, rng.randint(6, 14) + 1):
            awarded = random_date(rng, F.PERIOD_START - timedelta(days=365), F.PERIOD_END)
            rows.append(
                {
                    "force_id": force_id,
                    "contract_ref": f"PR-{n:04d}",
                    "supplier": rng.choice(SUPPLIERS),
                    "description": "",
                    "value": Decimal(rng.randint(5, 900) * 1000),
                    "awarded_on": awarded,
                    "route": rng.choice(ROUTES),
                }
            )
    return rows
