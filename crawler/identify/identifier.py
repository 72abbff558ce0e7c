"""Self-identification: does a profile say its owner serves in one of the 44 forces?

``identify`` is the public entry point (see ``crawler.identify``); ``identify_many`` runs the
spaCy pipeline in batches for large inputs. Rules live in ``analysis.py`` (what mentions mean)
and ``rules.py`` (the verdict); vocabulary in ``lexicon.py`` and ``places.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from crawler.identify.analysis import Analysis, analyse_field
from crawler.identify.learned import (
    THRESHOLD,
    get_stage,
    in_population,
    profile_text,
    second_opinion,
)
from crawler.identify.pipeline import OFFICIAL_HANDLES, get_nlp
from crawler.identify.rules import Decision, decide
from crawler.identify.text import Normalised, normalise

IDENTIFIER_VERSION = "rules-2026.11.30.10"
_KEEP = frozenset(OFFICIAL_HANDLES)
_FIELDS = ("display_name", "bio", "handle")


@dataclass(frozen=True)
class ProfileText:
    handle: str
    display_name: str
    bio: str
    platform: str = "x"


@dataclass(frozen=True)
class Verdict:
    self_identified: bool
    force: str | None  # data.police.uk id from probity.forces, or None
    role: str | None  # "officer" | "special" | "pcso" | "staff" | "volunteer" | None
    confidence: float  # 0..1: how sure the identifier is of this verdict
    evidence: list[str] = field(default_factory=list)  # exact substrings of the input
    reason: str = ""  # "serving", "retired", "family", "official-account", ...
    role_evidence: str | None = None  # the exact span the role was read from ("DC", "Call handler")
    # forces an ambiguous place could mean ("Newport", a surname such as "Stafford"); force is None
    force_candidates: tuple[str, ...] = ()


def _normalised(profile: ProfileText) -> list[Normalised]:
    return [
        normalise(profile.display_name or "", keep=_KEEP),
        normalise(profile.bio or "", keep=_KEEP),
        normalise(_local_part(profile.handle or ""), is_handle=True, keep=_KEEP),
    ]


def normalised_fields(profile: ProfileText) -> tuple[str, str, str]:
    """Display name, bio and handle as the rules read them (split handles, hashtags)."""
    a, b, c = _normalised(profile)
    return a.text, b.text, c.text


def _local_part(handle: str) -> str:
    """ "@bobby_dazzler@mastodon.world" -> "@bobby_dazzler": the server's name says nothing about
    its user (and "mastodon.world" must not be read as words)."""
    head, sep, _ = handle.lstrip("@").partition("@")
    return handle[: len(handle) - len(handle.lstrip("@"))] + head if sep else handle


def analyse_many(
    profiles: Iterable[ProfileText], batch_size: int = 256
) -> Iterator[tuple[Analysis, Decision, tuple[str, str, str]]]:
    """The rules' analysis and decision for each profile, with its normalised fields (display
    name, bio, handle): what ``benchmarks/identify_second_stage.py`` reads to train and test a
    learned second stage by leave-one-file-out."""
    nlp = get_nlp()
    batch: list[ProfileText] = []
    for profile in profiles:
        batch.append(profile)
        if len(batch) >= batch_size:
            yield from _run_batch(nlp, batch)
            batch = []
    if batch:
        yield from _run_batch(nlp, batch)


def identify_many(
    profiles: Iterable[ProfileText], batch_size: int = 256, *, learned: bool = True
) -> Iterator[Verdict]:
    """Verdicts for ``profiles`` in order; the pipeline is built once and run in batches.

    With ``learned`` (the default) a rejection for want of a claim, where the rules found a force,
    place or police word, is re-read by the learned recall stage (``learned.py``).
    """
    stage = get_stage() if learned else None
    pending: list[tuple[Analysis, Decision, tuple[str, str, str]]] = []

    def flush() -> Iterator[Verdict]:
        asked = [i for i, (a, d, _) in enumerate(pending) if stage and in_population(a, d)]
        probs = stage.probabilities(profile_text(pending[i][2]) for i in asked) if stage else []
        second = dict(zip(asked, probs, strict=True))
        for i, (a, d, _) in enumerate(pending):
            if i in second and second[i] >= THRESHOLD:
                d = second_opinion(a, second[i])
            yield _verdict(d)
        pending.clear()

    for item in analyse_many(profiles, batch_size):
        pending.append(item)
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()


def _verdict(d: Decision) -> Verdict:
    return Verdict(
        d.self_identified,
        d.force,
        d.role,
        d.confidence,
        d.evidence,
        d.reason,
        d.role_evidence,
        d.force_candidates,
    )


def _run_batch(  # type: ignore[no-untyped-def]
    nlp, batch: list[ProfileText]
) -> Iterator[tuple[Analysis, Decision, tuple[str, str, str]]]:
    norms = [_normalised(p) for p in batch]
    texts = [n.text for group in norms for n in group]
    docs = list(nlp.pipe(texts))
    for i, profile in enumerate(batch):
        analysis = Analysis()
        clause = 0
        for j, name in enumerate(_FIELDS):
            clause = analyse_field(docs[3 * i + j], norms[i][j], name, clause, analysis)
        d = decide(analysis, profile.handle or "")
        yield analysis, d, (norms[i][0].text, norms[i][1].text, norms[i][2].text)


def identify(profile: ProfileText) -> Verdict:
    """Decide whether ``profile`` self-identifies as serving in one of the 44 forces."""
    return next(identify_many([profile]))
