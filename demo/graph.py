"""Who follows whom in the simulated world: the forces' official accounts, and follow edges.

The edge model (fixed before measuring; see docs/crawler.md, "Discovery by the social graph"):

- **Official force accounts.** Every force has its official account on X (the handle in the
  forces table); about half the forces also have one on Bluesky (``handle.bsky.social``) and
  about one in seven on the Mastodon instance. They are hard negatives: corporate voices.
- **Serving officers and staff.** One in ten follows nobody at all. The rest follow their
  force's official account where it exists on that platform (85%), their force's team accounts
  (50% each), 0–6 colleagues of the same force on the same platform (a third follow none),
  now and then (10%) an officer of another force, and 0–3 accounts of the public (ordinary
  accounts and non-police negatives, never officers). Officers whose bio names no
  force still serve somewhere: they get a hidden force for their edges.
- **Hard negatives also follow forces**, so an edge proves nothing: retired officers (80%) and
  family (60%) follow the force they name and often an officer there; journalists and recruits
  follow their force almost always; fans follow one to three forces; namesakes sometimes;
  team accounts follow their force; other jurisdictions and idioms rarely.
- **Ordinary accounts** follow 0–4 accounts of the public; one in seven follows a force.
- **Force accounts** follow their team accounts and 3–6 other forces, never individuals.
- On Mastodon, one account in twenty hides its network (its lists answer ``[]``).

The edges come from their own random stream, so adding them leaves the rest of the world as it was.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from crawler.fake.world import FakeAccount, Ids
from crawler.platforms import spec_for
from demo.people import Person
from probity.forces import FORCES, Force

if TYPE_CHECKING:  # world.py calls add_follows: a type-only import, no cycle at run time
    from demo.simulation import SimWorld

OFFICIAL_SHARE = {"x": 1.0, "bluesky": 0.5, "mastodon": 0.15}
NEGATIVE_FOLLOWS_FORCE = {
    "retired": 0.8,
    "family": 0.6,
    "journalist": 0.95,
    "recruit": 0.9,
    "fan": 0.7,
    "namesake": 0.3,
    "official": 1.0,
    "other_jurisdiction": 0.1,
    "idiom": 0.1,
}


def official_handle(force: Force, platform: str) -> str:
    return spec_for(platform).seed_handle(force.handles[0])  # where graph discovery seeds from


def add_force_accounts(sim: SimWorld, rng: random.Random) -> dict[tuple[str, str], FakeAccount]:
    """The forces' official accounts on each platform: (platform, force id) → account."""
    out: dict[tuple[str, str], FakeAccount] = {}
    for platform, accounts in sim.world.accounts.items():
        ids = Ids(platform, rng)
        taken = {a.handle for a in accounts}
        for force in FORCES:
            handle = official_handle(force, platform)
            if rng.random() >= OFFICIAL_SHARE[platform] or handle in taken:
                continue
            bio = f"Official account of {force.name}. Do not report crime here: call 101 or 999."
            account = FakeAccount(
                id=ids.account(),
                handle=handle,
                display_name=force.name,
                bio=bio,
                created_at=sim.world.accounts[platform][0].created_at,
                kind="hard_negative",
            )
            accounts.append(account)
            sim.people[(platform, handle)] = Person(
                force.name, handle, bio, "official", False, None, None
            )
            out[(platform, force.id)] = account
    return out


def _force_of(person: Person, rng: random.Random) -> str:
    """The force a person's edges gravitate to: their own, the one their bio names, or a random one."""
    if person.force_id:
        return person.force_id
    for force in FORCES:
        if force.name in person.bio:
            return force.id
    return rng.choice(FORCES).id


def add_follows(sim: SimWorld, seed: int) -> None:
    rng = random.Random(f"{seed}-graph")
    forces = add_force_accounts(sim, rng)
    for platform, accounts in sim.world.accounts.items():
        fake_lists = spec_for(platform).fake_graph
        hides_network = (
            fake_lists is not None and fake_lists.empty_when_hidden
        )  # "hide your social graph"
        people = [(a, sim.people[(platform, a.handle)]) for a in accounts]
        official_ids = {a.id for a in forces.values()}
        home = {a.id: _force_of(p, rng) for a, p in people if a.id not in official_ids}
        serving: dict[str, list[FakeAccount]] = {}
        teams: dict[str, list[FakeAccount]] = {}
        for a, p in people:
            if p.serving:
                serving.setdefault(home[a.id], []).append(a)
            elif p.kind == "official" and a.id in home:
                teams.setdefault(home[a.id], []).append(a)
        # Follows outside work go to the public (ordinary accounts and non-police negatives), not
        # to "anyone in the world": most of this world's accounts are officers, and drawing from
        # all of them would link officers far more than real timelines do.
        public = [a for a, p in people if not p.serving and p.kind != "official"]
        all_serving = [a for group in serving.values() for a in group]
        for a, p in people:
            if a.id in official_ids:
                continue
            force = home[a.id]
            own = forces.get((platform, force))
            follows: list[FakeAccount] = []
            if p.serving:
                if rng.random() < 0.10:
                    continue  # follows nobody
                if own and rng.random() < 0.85:
                    follows.append(own)
                follows += [t for t in teams.get(force, []) if rng.random() < 0.5]
                colleagues = [c for c in serving.get(force, []) if c is not a]
                follows += rng.sample(
                    colleagues, min(len(colleagues), rng.choice((0, 0, 1, 2, 3, 4, 6)))
                )
                if all_serving and rng.random() < 0.1:
                    follows.append(rng.choice(all_serving))
                follows += rng.sample(public, min(len(public), rng.randint(0, 3)))
            elif p.kind == "other":
                follows += rng.sample(public, min(len(public), rng.randint(0, 4)))
                if rng.random() < 1 / 7:
                    follows += [f for f in [forces.get((platform, rng.choice(FORCES).id))] if f]
            else:
                if own and rng.random() < NEGATIVE_FOLLOWS_FORCE.get(p.kind, 0.0):
                    follows.append(own)
                if p.kind == "fan":
                    follows += [
                        f
                        for f in (forces.get((platform, rng.choice(FORCES).id)) for _ in range(2))
                        if f
                    ]
                if p.kind in ("retired", "family") and serving.get(force) and rng.random() < 0.5:
                    follows += rng.sample(
                        serving[force], min(len(serving[force]), rng.randint(1, 3))
                    )
                follows += rng.sample(public, min(len(public), rng.randint(0, 2)))
            a.follows = list(dict.fromkeys(f.id for f in follows if f is not a))
            if hides_network and rng.random() < 0.05:
                a.hide_network = True
        for (plat, force_id), account in forces.items():
            if plat != platform:
                continue
            others = [f for (pl, fid), f in forces.items() if pl == platform and fid != force_id]
            chosen = teams.get(force_id, []) + rng.sample(
                others, min(len(others), rng.randint(3, 6))
            )
            account.follows = [f.id for f in chosen]
