"""What the analysis finds in a profile: mentions, cues and the words that steer them."""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.identify import lexicon as lx

MENTION_LABELS = frozenset(
    {
        "ROLE",
        "FORCE",
        "AREA",
        "SHARED",
        "FOREIGN",
        "OTHERPOL",
        "POLICE",
        "EMPLOY",
        "IDIOM",
        "MAYBE",
        "NAMEPLACE",
    }
)
# Words after a title that are not a name ("PC World" is caught earlier; these are the rest).
NOT_NAMES = frozenset(
    {
        "world",
        "gamer",
        "games",
        "game",
        "build",
        "repair",
        "specialist",
        "user",
        "master",
        "support",
        "pro",
        "plus",
        "mag",
        "format",
        "i",
        "and",
        "the",
        "in",
        "at",
        "for",
        "with",
        "of",
        "on",
        "to",
        "a",
        "an",
        "my",
        "is",
        "views",
        "police",
        "officer",
        "constable",
        "sergeant",
        "retired",
        "former",
        "team",
        "fan",
        "lover",
        "life",
        "nerd",
        "geek",
        "culture",
        "version",
        "port",
        "setup",
        "monitor",
        "parts",
        "tech",
        "help",
        "love",
        "please",
        "thanks",
        "also",
        "but",
        "or",
        "not",
        "why",
        "what",
        "who",
        "yes",
        "no",
        "education",
        "needs",
        "offer",
        "offers",
        "edition",
        "guest",
        "audio",
        "sound",
        "studio",
        "studios",
        "productions",
        "media",
        "design",
        "photography",
        "music",
        "films",
    }
)
GOAL_FUTURE = frozenset(
    {
        "becoming",
        "become",
        "to become",
        "hoping to",
        "hope to",
        "one day",
        "dream",
        "dreams",
        "dream job",
        "working towards",
        "work towards",
        "on my way to",
        "going to be",
        "training to be",
        "will be",
        "aspire to be",
        "want to be",
        "wants to be",
        "next year",
        "fingers crossed",
    }
)
STATE_LABELS = {"PAST": "past", "FAMILY": "family", "FUTURE": "future", "FICTION": "fiction"}
_RELATIVES = frozenset(r.lower() for r in lx.RELATIVES if " " not in r) - {
    "family",
    "oh",
    "parent",
    "parents",
    "child",
    "kids",
}
_MILITARY_PAST = frozenset(
    {"ex", "ex-", "former", "formerly", "retired", "veteran", "served", "left", "previously"}
)
# Places and context words do not stop a lone "retired" from meaning the whole profile.
_CLAIM_LABELS = frozenset({"ROLE", "FORCE", "EMPLOY"})


@dataclass
class Mention:
    label: str
    ident: str
    field: str
    clause: int
    start: int
    end: int
    evidence: str
    state: str = "current"
    name_follows: bool = False  # a title directly before a name or collar number ("PC Smith")
    alone: bool = False  # the only words of its clause ("DC" in "DC, Salford.")

    @property
    def role(self) -> str | None:
        return self.ident.split("|")[0] if self.label == "ROLE" else None

    @property
    def tier(self) -> str:
        return self.ident.split("|")[1] if self.label == "ROLE" else ""


@dataclass
class Analysis:
    """Everything the verdict rules need from one profile."""

    mentions: list[Mention] = field(default_factory=list)
    cues: list[Mention] = field(default_factory=list)
    singular_voice: int = 0
    plural_voice: int = 0
    actor: list[str] = field(default_factory=list)
    global_past: list[str] = field(default_factory=list)
    display_is_organisation: bool = False
    military: list[str] = field(default_factory=list)
    plural_words: list[str] = field(default_factory=list)  # "we", "our" as written
    display_name: str = ""
    # clauses that only name a place or force ("Salford.", "the Potteries", "@ Kent Police"),
    # each with the clauses on either side of it in the same field
    place_clauses: dict[int, set[int]] = field(default_factory=dict)
    # role words that are the display name's surname ("Copper", "Constable"): never a role
    surnames: set[str] = field(default_factory=set)


_PLACE_FILLER = frozenset(
    {
        "in",
        "at",
        "@",
        "the",
        "based",
        "with",
        "for",
        "of",
        "and",
        "&",
        "area",
        "county",
        "city",
        "town",
        "centre",
        "borough",
        "division",
        "district",
        "north",
        "south",
        "east",
        "west",
        "central",
        "on",
        "y",
        "yn",
    }
)
