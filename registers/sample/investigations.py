"""Sample investigations: 2,207 cases whose national cross-tabulations and three forces' figures
equal HMIC's; every other force gets a plausible share proportional to its size."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from registers.sample import figures as F
from registers.sample.apportion import apportion, deal, expand, random_date

LEFT_KINDS = ("left_dismissed", "left_resigned", "left_retired")
# the 290 cases of other types, split plausibly (HMIC gives only their total)
OTHER_TYPES = {"social_media": 48, "procurement": 17, "other": 225}
OTHER_STATUS = {
    s: F.ALL_STATUS[s]
    - F.DISCLOSURE_STATUS[s]
    - F.MEDIA_RELATIONSHIP_STATUS[s]
    - F.GRATUITIES_STATUS[s]
    - F.SECONDARY_EMPLOYMENT_STATUS[s]
    for s in F.ALL_STATUS
}


def _case(
    type_: str,
    status: str,
    rng: random.Random,
    recipient: str | None = None,
    media_scope: str | None = None,
    suspended: bool = False,
) -> dict[str, Any]:
    if status == "left_service":
        status = rng.choice(LEFT_KINDS)
    opened = random_date(rng, F.PERIOD_START, F.PERIOD_END)
    closed = None
    if status not in ("continuing", "referred_external"):
        closed = min(opened + timedelta(days=rng.randint(14, 200)), F.PERIOD_END)
    return {
        "type": type_,
        "recipient": recipient,
        "media_scope": media_scope,
        "status": status,
        "suspended": suspended,
        "opened_on": opened,
        "closed_on": closed,
    }


def _cases_with_statuses(
    type_: str,
    statuses: dict[str, int],
    rng: random.Random,
    suspended_continuing: int | None = None,
    **extra: Any,
) -> list[dict[str, Any]]:
    cases = []
    suspended_left = suspended_continuing
    for status in expand(statuses):
        if status == "continuing" and suspended_left is None:
            suspended = rng.random() < 0.12  # HMIC gives no national figure for these types
        else:
            suspended = status == "continuing" and bool(suspended_left)
            if suspended:
                suspended_left -= 1  # type: ignore[operator]
        cases.append(_case(type_, status, rng, suspended=suspended, **extra))
    return cases


def national_cases(rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(media-disclosure cases, all other cases) with the national totals built in."""
    scopes = expand(F.MEDIA_DISCLOSURE_SCOPE)
    rng.shuffle(scopes)
    media = _cases_with_statuses(
        "information_disclosure",
        F.MEDIA_DISCLOSURE_STATUS,
        rng,
        suspended_continuing=F.MEDIA_DISCLOSURE_SUSPENDED,
        recipient="media",
    )
    for case, scope in zip(media, scopes, strict=True):
        case["media_scope"] = scope

    non_media_status = {
        s: F.DISCLOSURE_STATUS[s] - F.MEDIA_DISCLOSURE_STATUS[s] for s in F.DISCLOSURE_STATUS
    }
    recipients = expand({r: n for r, n in F.DISCLOSURE_RECIPIENTS.items() if r != "media"})
    rng.shuffle(recipients)
    others = _cases_with_statuses("information_disclosure", non_media_status, rng)
    for case, recipient in zip(others, recipients, strict=True):
        case["recipient"] = recipient

    relationship = _cases_with_statuses(
        "media_relationship",
        F.MEDIA_RELATIONSHIP_STATUS,
        rng,
        suspended_continuing=F.MEDIA_RELATIONSHIP_SUSPENDED,
    )
    scopes = expand(F.MEDIA_RELATIONSHIP_SCOPE)
    rng.shuffle(scopes)
    for case, scope in zip(relationship, scopes, strict=True):
        case["media_scope"] = scope
    others += relationship
    others += _cases_with_statuses("gratuities_hospitality", F.GRATUITIES_STATUS, rng)
    others += _cases_with_statuses("secondary_employment", F.SECONDARY_EMPLOYMENT_STATUS, rng)
    rest = _cases_with_statuses("other", OTHER_STATUS, rng)
    types = expand(OTHER_TYPES)
    rng.shuffle(types)
    for case, type_ in zip(rest, types, strict=True):
        case["type"] = type_
    others += rest
    return media, others


def sample_investigations(rng: random.Random) -> list[dict[str, Any]]:
    media, others = national_cases(rng)
    rng.shuffle(media)
    rng.shuffle(others)
    by_force: dict[str, list[dict[str, Any]]] = {}
    continuing = [c for c in media if c["status"] == "continuing"]
    closed = [c for c in media if c["status"] != "continuing"]
    for force_id, fig in F.FORCE_FIGURES.items():
        n_cont = fig["media_disclosure_continuing"]
        n_closed = fig["media_disclosure"] - n_cont
        chosen = [continuing.pop() for _ in range(n_cont)] + [closed.pop() for _ in range(n_closed)]
        chosen += [others.pop() for _ in range(fig["investigations"] - len(chosen))]
        by_force[force_id] = chosen
    remaining = continuing + closed + others
    weights = {f: w for f, w in F.FORCE_WEIGHTS.items() if f not in F.FORCE_FIGURES}
    quotas = apportion(len(remaining), weights, minimum=5)
    by_force.update(deal(remaining, quotas, rng))
    rows = []
    for force_id in sorted(by_force):
        for n, case in enumerate(sorted(by_force[force_id], key=lambda c: c["opened_on"]), 1):
            rows.append(
                {"force_id": force_id, "case_ref": f"{force_id[:4].upper()}-IC-{n:04d}", **case}
            )
    return rows
