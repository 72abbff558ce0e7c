"""Sample social-media findings: 1,588 self-identified profiles, 357 confirmed and referred
instances on 185 of them (253 on Twitter), in HMIC's four categories.

HMIC published counts, not posts, so the sample posts say what they are rather than inventing
words for real people; their ids and handles are marked ``sample``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time
from typing import Any

from registers.sample import figures as F
from registers.sample.apportion import apportion, expand, random_date

ROLES = ["officer"] * 7 + ["staff"] * 2 + ["pcso", "special"]


def _moment(rng: random.Random) -> datetime:
    day = random_date(rng, F.PERIOD_START, F.PERIOD_END)
    return datetime.combine(day, time(rng.randrange(24), rng.randrange(60)), tzinfo=UTC)


def sample_social(rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """Accounts (each with its instances) ready for ``load_social``."""
    fixed_instances = {f: fig["social_instances"] for f, fig in F.FORCE_FIGURES.items()}
    instances = apportion(F.SOCIAL_INSTANCES, F.FORCE_WEIGHTS, fixed=fixed_instances, minimum=2)
    profiles = apportion(F.SOCIAL_PROFILES, F.FORCE_WEIGHTS, minimum=12)
    # profiles with instances: about half of a force's instances, at least one where it has any
    with_instances = {
        f: max(1, round(n * F.SOCIAL_PROFILES_WITH_INSTANCES / F.SOCIAL_INSTANCES))
        for f, n in instances.items()
        if n
    }
    surplus = sum(with_instances.values()) - F.SOCIAL_PROFILES_WITH_INSTANCES
    for force_id in sorted(with_instances, key=lambda f: -with_instances[f]):
        if surplus == 0:
            break
        step = 1 if surplus > 0 else -1
        candidate = with_instances[force_id] - step
        if 1 <= candidate <= min(instances[force_id], profiles[force_id]):
            with_instances[force_id] = candidate
            surplus -= step

    labels = expand(F.SOCIAL_CATEGORIES)
    rng.shuffle(labels)
    accounts: list[dict[str, Any]] = []
    for force_id in sorted(profiles):
        counts = [1] * with_instances.get(force_id, 0)
        for i in range(instances.get(force_id, 0) - len(counts)):
            counts[rng.randrange(len(counts))] += 1
        counts += [0] * (profiles[force_id] - len(counts))
        for n, count in enumerate(counts, 1):
            accounts.append(
                {
                    "force_id": force_id,
                    "n": n,
                    "role": rng.choice(ROLES),
                    "first_seen": _moment(rng),
                    "instances": count,
                }
            )
    _assign_platforms(accounts, rng)
    for account in accounts:
        account["posts"] = []
        for _ in range(account["instances"]):
            account["posts"].append({"label": labels.pop(), "created_at": _moment(rng)})
    assert not labels
    return {"accounts": accounts}


def _assign_platforms(accounts: list[dict[str, Any]], rng: random.Random) -> None:
    """Exactly SOCIAL_INSTANCES_ON_TWITTER instances on X; the rest on Facebook."""
    target = F.SOCIAL_INSTANCES_ON_TWITTER
    flagged = sorted(
        (a for a in accounts if a["instances"]),
        key=lambda a: (-a["instances"], a["force_id"], a["n"]),
    )
    on_x = 0
    for account in flagged:
        if on_x + account["instances"] <= target and (
            rng.random() < 0.75 or account["instances"] == 1
        ):
            account["platform"], on_x = "x", on_x + account["instances"]
        else:
            account["platform"] = "facebook"
    for account in sorted(
        flagged, key=lambda a: a["instances"]
    ):  # top up with single-instance accounts
        if (
            on_x < target
            and account["platform"] == "facebook"
            and on_x + account["instances"] <= target
        ):
            account["platform"], on_x = "x", on_x + account["instances"]
    if on_x != target:
        raise AssertionError(f"could not place exactly {target} instances on X (got {on_x})")
    for account in accounts:
        if not account["instances"]:
            account["platform"] = "x" if rng.random() < 0.7 else "facebook"
