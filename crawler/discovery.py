"""Discovery queries, generated from the forces reference data and role terms."""

from __future__ import annotations

from crawler.platforms import spec_for
from probity.forces import FORCES

ROLE_TERMS = (
    "police officer",
    "police constable",
    "PCSO",
    "special constable",
    "police sergeant",
    "detective constable",
    "response officer",
    "police staff",
    # the rest of the workforce (issue #17): staff name their job, officers their rank
    "detective sergeant",
    "sgt",
    "call handler",
    "control room",
    "dispatcher",
    "detention officer",
    "investigator",
    "crime analyst",
    "intelligence analyst",
    "digital forensic",
    "crime scene",
    "police volunteer",
    "police support volunteer",
    # ranks above sergeant and the units officers name instead of a rank (issue #13)
    "police inspector",
    "superintendent",
    "roads policing",
    "neighbourhood pc",
    "neighbourhood sergeant",
)


def discovery_queries(platform: str) -> list[str]:
    """One query per force name and alias, then the role terms; case-insensitively de-duplicated.

    A platform without account search (X among the endpoints Probity uses) gets none (use --handles).
    """
    if not spec_for(platform).account_search:
        return []
    queries: list[str] = []
    seen: set[str] = set()
    for force in FORCES:
        for term in (force.name, *force.aliases):
            if term.lower() not in seen:
                seen.add(term.lower())
                queries.append(term)
    for term in ROLE_TERMS:
        if term.lower() not in seen:
            seen.add(term.lower())
            queries.append(term)
    return queries
