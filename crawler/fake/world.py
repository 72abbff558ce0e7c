"""A deterministic simulated world of accounts and posts, served by the fake platforms.

The generator is small and parameterised; a larger simulation (every force, a realistic share
of hard negatives and inappropriate posts) can build the same :class:`World` and hand it to the
same servers. Ground-truth labels (``kind``) are never served.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from probity.forces import FORCES

PLATFORMS = ("bluesky", "mastodon", "x")
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
B32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class FakeRef:
    """A post by someone else that a post replies to, quotes or reposts."""

    post_id: str
    author_id: str
    author_handle: str
    text: str
    available: bool = True  # False: deleted since (X then returns a partial error)


@dataclass
class FakePost:
    id: str  # platform-native: tweet id, Mastodon status id, Bluesky record key
    created_at: datetime
    text: str
    reply_to: FakeRef | None = None
    quote_of: FakeRef | None = None
    repost_of: FakeRef | None = None
    malformed: bool = False  # served without its required fields
    content_warning: str = ""  # Mastodon spoiler_text
    edited_at: datetime | None = None  # set by edit_post
    edit_history: list[str] = field(default_factory=list)  # X: every id of the post, oldest first


@dataclass
class FakeAccount:
    id: str  # Bluesky DID, Mastodon local id, X user id
    handle: str
    display_name: str
    bio: str
    created_at: datetime
    posts: list[FakePost] = field(default_factory=list)  # oldest first
    deleted: bool = False
    suspended: bool = False
    protected: bool = False  # X: the profile is visible, the posts are not
    kind: str = "officer"  # ground truth: officer | hard_negative | other
    follows: list[str] = field(
        default_factory=list
    )  # ids of accounts followed, oldest follow first
    hide_network: bool = False  # Mastodon's "hide your social graph": lists answer 200 []

    def newest_first(self) -> list[FakePost]:
        return sorted(self.posts, key=lambda p: (p.created_at, p.id), reverse=True)


@dataclass
class World:
    seed: int
    accounts: dict[str, list[FakeAccount]] = field(default_factory=dict)  # platform → accounts

    def find(self, platform: str, key: str) -> FakeAccount | None:
        for account in self.accounts.get(platform, []):
            if key in (account.id, account.handle):
                return account
        return None


OFFICER_BIOS = (
    "PC with {alias}. Views my own.",
    "Response sergeant at {name}. Tweets are personal.",
    "Special Constable, {alias}. Dog dad.",
    "PCSO for {alias}, neighbourhood team.",
    "Detective Constable, {name}. Runner.",
    "Police officer in {alias} since 2015.",
)
NEGATIVE_BIOS = (
    "Retired {alias} officer. 30 years served.",
    "Former PC with {name}, now a teacher.",
    "Crime novelist: police procedurals set in {alias}.",
    "Proud wife of a {alias} officer.",
    "Journalist covering {name}.",
    "Police Scotland officer. Views my own.",
)
OTHER_BIOS = ("Gardener and cat person.", "Football, films and food.", "Software tester. Coffee.")
POST_TEXTS = (
    "Long shift today, glad to be home.",
    "Great turnout at the community meeting tonight.",
    "Anyone else watching the match?",
    "Coffee first, then paperwork.",
    "Lovely walk along the coast this morning.",
    "Proud of the team after a tough week.",
)


class _Ids:
    """Platform-shaped, time-ordered identifiers (so since_id comparisons behave as on the real APIs)."""

    def __init__(self, platform: str, rng: random.Random):
        self.platform, self.rng, self.seq = platform, rng, 0

    def account(self) -> str:
        if self.platform == "bluesky":
            return "did:plc:" + "".join(
                self.rng.choice(string.ascii_lowercase + "234567") for _ in range(24)
            )
        return str(self.rng.randrange(10**17, 10**18))

    def post(self, when: datetime) -> str:
        self.seq += 1
        micros = int(when.timestamp() * 1_000_000) + self.seq
        if self.platform == "bluesky":  # a TID-like record key: base32-sortable microseconds
            out = ""
            for _ in range(13):
                out, micros = B32_SORTABLE[micros % 32] + out, micros // 32
            return out
        if self.platform == "x":
            return str(((micros // 1000 - 1288834974657) << 22) + self.seq)
        return str(((micros // 1000) << 16) + self.seq)


# The public name, for worlds built elsewhere (demo/simulation.py) with the same identifiers.
Ids = _Ids


def generate_world(
    seed: int = 0,
    accounts: int = 12,
    posts: tuple[int, int] = (3, 30),
    hard_negative_share: float = 0.3,
    other_share: float = 0.1,
    platforms: tuple[str, ...] = PLATFORMS,
) -> World:
    rng = random.Random(seed)
    world = World(seed=seed)
    for platform in platforms:
        ids = _Ids(platform, rng)
        people: list[FakeAccount] = []
        for n in range(accounts):
            draw = rng.random()
            kind = (
                "hard_negative"
                if draw < hard_negative_share
                else ("other" if draw < hard_negative_share + other_share else "officer")
            )
            force = rng.choice(FORCES)
            alias = (force.aliases or (force.name,))[-1] if rng.random() < 0.5 else force.name
            bios = {"officer": OFFICER_BIOS, "hard_negative": NEGATIVE_BIOS, "other": OTHER_BIOS}[
                kind
            ]
            handle = f"user{n:04d}" + (".bsky.social" if platform == "bluesky" else "")
            start = EPOCH + timedelta(days=rng.randrange(0, 300))
            account = FakeAccount(
                id=ids.account(),
                handle=handle,
                display_name=f"Person {n}",
                bio=rng.choice(bios).format(alias=alias, name=force.name),
                created_at=start,
                kind=kind,
            )
            when = start
            for _ in range(rng.randint(*posts)):
                when += timedelta(minutes=rng.randrange(5, 5000))
                account.posts.append(
                    FakePost(id=ids.post(when), created_at=when, text=rng.choice(POST_TEXTS))
                )
            people.append(account)
        _add_context(people, rng)
        world.accounts[platform] = people
    return world


def _add_context(people: list[FakeAccount], rng: random.Random) -> None:
    """Some posts reply to, quote or repost another account's post (other people's words)."""
    every = [(a, p) for a in people for p in a.posts]
    for account, post in every:
        roll = rng.random()
        if roll > 0.3 or len(people) < 2:
            continue
        other, target = rng.choice(every)
        if other is account:
            continue
        ref = FakeRef(target.id, other.id, other.handle, target.text, available=rng.random() > 0.2)
        if roll < 0.1:
            post.reply_to = ref
        elif roll < 0.2:
            post.quote_of = ref
        else:
            post.repost_of = ref


def add_post(platform: str, account: FakeAccount, text: str, minutes_later: int = 60) -> FakePost:
    """Append a post newer than every other post of the account (for re-crawl scenarios)."""
    last = max((p.created_at for p in account.posts), default=account.created_at)
    when = last + timedelta(minutes=minutes_later)
    post = FakePost(id=_Ids(platform, random.Random(0)).post(when), created_at=when, text=text)
    account.posts.append(post)
    return post


def find_post(world: World, platform: str, post_id: str) -> tuple[FakeAccount, FakePost] | None:
    for account in world.accounts.get(platform, []):
        for post in account.posts:
            if post.id == post_id:
                return account, post
    return None


def edit_post(
    platform: str, account: FakeAccount, post: FakePost, text: str, minutes_later: int = 30
) -> FakePost:
    """Edit a post as each platform does: Mastodon and Bluesky keep the id (Mastodon sets
    edited_at, Bluesky's record gets a new CID); X gives the new version a new id and lists
    every id in edit_history_tweet_ids."""
    last = max((p.edited_at or p.created_at for p in account.posts), default=account.created_at)
    when = last + timedelta(minutes=minutes_later)
    post.text, post.edited_at = text, when
    if platform == "x":
        history = post.edit_history or [post.id]
        post.id = _Ids(platform, random.Random(1)).post(when)
        post.edit_history = [*history, post.id]
        post.created_at = when  # the new version's own creation time, as X reports it
    return post


def delete_post(account: FakeAccount, post: FakePost) -> None:
    account.posts.remove(post)
