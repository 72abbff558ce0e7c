"""A deterministic simulated world for the main job, built from a seed.

About 1,600 serving officers and staff who say so (most on X, as in 2012) across the 44 forces,
plus hard negatives and ordinary accounts; posts from a held-out pool that the default model
never saw, with HMIC's low rate of inappropriate ones (about 357 instances on about 185
accounts: 132 / 119 / 70 / 36 by category), replies and quotes with other authors, and reposts.
The ground truth stays here; the fake platforms serve only what a real platform would.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.fake.world import FakeAccount, FakePost, FakeRef, Ids, World
from demo.graph import add_follows
from demo.people import NEGATIVE_KINDS, Person, negative_person, ordinary_person, serving_person
from probity.forces import FORCES, FORCES_BY_ID
from registers.sample.apportion import apportion
from registers.sample.figures import FORCE_WEIGHTS, SOCIAL_CATEGORIES

POOL_DIR = Path(__file__).parent / "data" / "post_pool"
PLATFORM_SHARE = (("x", 0.70), ("bluesky", 0.15), ("mastodon", 0.15))
# Self-identifying accounts by role, roughly as forces' workforces divide (issue #17): officers
# about 55%, police staff about 35% (here 33% staff and 2% police support volunteers), PCSOs and
# special constables about 5% each.
ROLE_SHARE = (
    ("officer", 0.55),
    ("staff", 0.33),
    ("pcso", 0.05),
    ("special", 0.05),
    ("volunteer", 0.02),
)
START = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class PoolPost:
    id: str
    text: str
    labels: tuple[str, ...]


@dataclass
class SimWorld:
    seed: int
    scale: float
    world: World
    people: dict[tuple[str, str], Person] = field(
        default_factory=dict
    )  # (platform, handle) -> truth
    post_labels: dict[tuple[str, str], tuple[str, ...]] = field(
        default_factory=dict
    )  # own posts only
    x_candidates: list[str] = field(default_factory=list)

    @property
    def serving(self) -> list[tuple[tuple[str, str], Person]]:
        return [(k, p) for k, p in self.people.items() if p.serving]

    def instances(self) -> dict[str, int]:
        counts = dict.fromkeys(SOCIAL_CATEGORIES, 0)
        for labels in self.post_labels.values():
            for label in labels:
                counts[label] += 1
        return counts


def load_pool() -> tuple[list[PoolPost], list[PoolPost]]:
    """(positives, negatives) of the held-out pool."""
    posts = [
        PoolPost(r["id"], r["text"], tuple(r["labels"]))
        for path in sorted(POOL_DIR.glob("*.jsonl"))
        for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())
        if r
    ]
    return [p for p in posts if p.labels], [p for p in posts if not p.labels]


def _pick(rng: random.Random, shares: tuple[tuple[str, float], ...]) -> str:
    roll, total = rng.random(), 0.0
    for value, share in shares:
        total += share
        if roll < total:
            return value
    return shares[-1][0]


def _handle(stem: str, platform: str, used: set[str]) -> str:
    handle = stem
    while handle in used:
        handle += "x"
    used.add(handle)
    return f"{handle}.bsky.social" if platform == "bluesky" else handle


def _people(rng: random.Random, scale: float) -> list[tuple[str, Person]]:
    n_serving = round(1600 * scale)
    n_unknown = round(0.03 * n_serving)
    per_force = apportion(n_serving - n_unknown, FORCE_WEIGHTS, minimum=1 if n_serving >= 88 else 0)
    people = [
        (_pick(rng, PLATFORM_SHARE), serving_person(f, _pick(rng, ROLE_SHARE), rng))
        for f in sorted(per_force)
        for _ in range(per_force[f])
    ]
    people += [
        (_pick(rng, PLATFORM_SHARE), serving_person(None, _pick(rng, ROLE_SHARE), rng))
        for _ in range(n_unknown)
    ]
    for i in range(round(420 * scale)):
        kind = NEGATIVE_KINDS[i % len(NEGATIVE_KINDS)]
        people.append((_pick(rng, PLATFORM_SHARE), negative_person(kind, rng.choice(FORCES), rng)))
    people += [
        (_pick(rng, PLATFORM_SHARE), ordinary_person(rng)) for _ in range(round(150 * scale))
    ]
    rng.shuffle(people)
    return people


def _choose_instances(
    rng: random.Random, positives: list[PoolPost], scale: float
) -> list[PoolPost]:
    """Pool posts for the instances, by category, rarest category first; each used once."""
    chosen: list[PoolPost] = []
    left = list(positives)
    rng.shuffle(left)
    for label in sorted(SOCIAL_CATEGORIES, key=SOCIAL_CATEGORIES.__getitem__):
        want = max(1, round(SOCIAL_CATEGORIES[label] * scale))
        have = sum(label in p.labels for p in chosen)
        for post in [p for p in left if label in p.labels][: max(0, want - have)]:
            chosen.append(post)
            left.remove(post)
    return chosen


def build_world(
    seed: int = 2026, scale: float = 1.0, posts_per_account: tuple[int, int] = (4, 14)
) -> SimWorld:
    rng = random.Random(seed)
    positives, negatives = load_pool()
    sim = SimWorld(seed, scale, World(seed=seed, accounts={p: [] for p, _ in PLATFORM_SHARE}))
    ids = {p: Ids(p, rng) for p, _ in PLATFORM_SHARE}
    used: set[str] = set()
    for platform, person in _people(rng, scale):
        created = START - timedelta(days=rng.randrange(200, 3000))
        account = FakeAccount(
            id=ids[platform].account(),
            handle=_handle(person.handle_stem, platform, used),
            display_name=person.display_name,
            bio=person.bio,
            created_at=created,
            kind="officer"
            if person.serving
            else ("other" if person.kind == "other" else "hard_negative"),
        )
        when = START + timedelta(hours=rng.randrange(0, 24 * 30))
        for _ in range(rng.randint(*posts_per_account)):
            when += timedelta(minutes=rng.randrange(30, 60 * 24 * 20))
            account.posts.append(
                FakePost(
                    id=ids[platform].post(when), created_at=when, text=rng.choice(negatives).text
                )
            )
        sim.world.accounts[platform].append(account)
        sim.people[(platform, account.handle)] = person
    _plant_instances(sim, rng, _choose_instances(rng, positives, scale), scale)
    _add_context(sim, rng)
    add_follows(sim, seed)  # official force accounts and follow edges (their own random stream)
    sim.x_candidates = [a.handle for a in sim.world.accounts["x"]]
    return sim


def _plant_instances(
    sim: SimWorld, rng: random.Random, instances: list[PoolPost], scale: float
) -> None:
    """Put the instances on about 185 (scaled) serving accounts, weighted towards X as in 2012."""
    serving = [
        (platform, a)
        for platform, accounts in sim.world.accounts.items()
        for a in accounts
        if sim.people[(platform, a.handle)].serving
    ]
    weights = [3.0 if platform == "x" else 1.0 for platform, _ in serving]
    n_accounts = min(len(serving), max(1, round(185 * scale)), len(instances))
    chosen: list[tuple[str, FakeAccount]] = []
    pool = list(zip(serving, weights, strict=True))
    while len(chosen) < n_accounts:
        pick = rng.choices(range(len(pool)), weights=[w for _, w in pool])[0]
        chosen.append(pool.pop(pick)[0])
    slots = [
        i % n_accounts for i in range(len(instances))
    ]  # every chosen account gets at least one
    for instance, slot in zip(instances, slots, strict=True):
        platform, account = chosen[slot]
        free = [p for p in account.posts if (platform, p.id) not in sim.post_labels]
        target = rng.choice(free) if free else None
        if target is None:
            when = max(p.created_at for p in account.posts) + timedelta(hours=3)
            target = FakePost(id=Ids(platform, rng).post(when), created_at=when, text="")
            account.posts.append(target)
        target.text = instance.text
        sim.post_labels[(platform, target.id)] = instance.labels


def _add_context(sim: SimWorld, rng: random.Random) -> None:
    """Replies and quotes of other authors' posts (context, not the account's words), and reposts."""
    for platform, accounts in sim.world.accounts.items():
        every = [(a, p) for a in accounts for p in a.posts]
        for account, post in every:
            if (platform, post.id) in sim.post_labels:
                if rng.random() < 0.25:  # some instances reply to someone: their words are context
                    other, target = rng.choice(every)
                    if other is not account:
                        post.reply_to = FakeRef(target.id, other.id, other.handle, target.text)
                continue
            roll = rng.random()
            other, target = rng.choice(every)
            if other is account or roll > 0.2:
                continue
            ref = FakeRef(target.id, other.id, other.handle, target.text)
            if roll < 0.08:
                post.reply_to = ref
            elif roll < 0.12:
                post.quote_of = ref
            else:  # a repost: the other author's words, never the account holder's
                post.repost_of = ref
                post.text = ""


def describe(sim: SimWorld) -> dict[str, object]:
    by_platform = {
        p: sum(sim.people[(p, a.handle)].serving for a in accs)
        for p, accs in sim.world.accounts.items()
    }
    return {
        "seed": sim.seed,
        "scale": sim.scale,
        "accounts": len(sim.people),
        "serving": len(sim.serving),
        "serving_by_platform": by_platform,
        "hard_negatives": sum(p.kind in NEGATIVE_KINDS for p in sim.people.values()),
        "posts": sum(len(a.posts) for accs in sim.world.accounts.values() for a in accs),
        "instances": len(sim.post_labels),
        "instances_by_label": sim.instances(),
        "accounts_with_instances": sum(
            any((p, post.id) in sim.post_labels for post in a.posts)
            for p, accs in sim.world.accounts.items()
            for a in accs
        ),
        "forces": sorted(
            {p.force_id for p in sim.people.values() if p.force_id} & set(FORCES_BY_ID)
        ).__len__(),
    }
