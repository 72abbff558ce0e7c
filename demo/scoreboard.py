"""How well the run did against the simulated world's truth.

- accounts: serving officers and staff found (self-identified in the database) against the
  world's serving accounts: precision, recall, and force accuracy on the correctly found ones
  (a null force is right only where the truth is null);
- flags: flagged labels against the true instances per label, over the posts collected (the
  model's flags only; audit and unscored flags are counted apart), and the recall that analysts
  would estimate from the audit sample (the truth standing in for their decisions);
- requests: requests the post crawl used against the minimum (ceil(posts / page size) + 1 per
  account on a first crawl; on a re-crawl of an unchanged account the pages down to the end of
  the re-walk window, usually 1), and discovery's requests per platform against its minimum:
  search (per query, the pages its hits fill at the platform's largest page, at least one) and
  the graph walk (one per seed asked, plus the pages needed to list every list it walked at the
  platform's largest page).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifier.recall_estimate import recall_from_counts
from crawler.evidence import account_hash
from crawler.fake.apps import graph_index
from crawler.fake.graph import served_list
from crawler.fake.mastodon import DOMAIN as MASTODON_DOMAIN
from crawler.fake.server import matches
from crawler.fake.world import FakeAccount
from demo.simulation import SimWorld
from probity import db
from probity.labels import LABELS
from probity.models import CrawlCheckpoint, ExcludedAccount, Flag, PlatformAccount, Post


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _handle_key(platform: str, handle: str) -> tuple[str, str]:
    handle = handle.lower().lstrip("@")
    return platform, handle.split("@", 1)[0] if platform == "mastodon" else handle


@dataclass
class Scoreboard:
    accounts: dict[str, Any] = field(default_factory=dict)
    flags: dict[str, Any] = field(default_factory=dict)
    requests: dict[str, Any] = field(default_factory=dict)
    world: dict[str, Any] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "world": self.world,
            "accounts": self.accounts,
            "flags": self.flags,
            "requests": self.requests,
            "stage_seconds": self.stage_seconds,
        }

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), indent=2), encoding="utf-8")


def score_accounts(session: Session, sim: SimWorld) -> dict[str, Any]:
    truth = {_handle_key(p, h): person for (p, h), person in sim.people.items()}
    found = session.execute(
        select(
            PlatformAccount.platform,
            PlatformAccount.handle,
            PlatformAccount.force_id,
            PlatformAccount.role,
            PlatformAccount.discovered_via,
        ).where(
            PlatformAccount.self_identified.is_(True), ~PlatformAccount.platform_id.like("sample-%")
        )
    ).all()
    correct = force_right = 0
    role_right: dict[str | None, int] = {}
    via: dict[
        str, int
    ] = {}  # correct finds by how they were first found (search runs before the graph)
    for platform, handle, force_id, found_role, discovered_via in found:
        person = truth.get(_handle_key(getattr(platform, "value", platform), handle))
        if person is not None and person.serving:
            correct += 1
            force_right += person.force_id == force_id
            same = person.role == getattr(found_role, "value", found_role)
            role_right[person.role] = role_right.get(person.role, 0) + same
            via[discovered_via or "unknown"] = via.get(discovered_via or "unknown", 0) + 1
    serving = len(sim.serving)
    found_keys = {_handle_key(getattr(p, "value", p), h) for p, h, *_ in found}
    by_platform = {}
    for name in sim.world.accounts:
        mine = [k for k, person in truth.items() if person.serving and k[0] == name]
        by_platform[name] = {
            "true_serving": len(mine),
            "recall": _ratio(sum(k in found_keys for k in mine), len(mine)),
        }
    by_role = {}  # issue #17: is staff found as well as officers?
    for role in sorted({p.role for p in truth.values() if p.serving and p.role is not None}):
        mine = [k for k, person in truth.items() if person.serving and person.role == role]
        hits = sum(k in found_keys for k in mine)
        by_role[role] = {
            "true_serving": len(mine),
            "found": hits,
            "recall": _ratio(hits, len(mine)),
            "role_accuracy": _ratio(role_right.get(role, 0), hits),
        }
    return {
        "found": len(found),
        "true_serving": serving,
        "correct": correct,
        "precision": _ratio(correct, len(found)),
        "recall": _ratio(correct, serving),
        "force_accuracy": _ratio(force_right, correct),
        "by_platform": by_platform,
        "by_role": by_role,
        "correct_by_provenance": via,
        "found_only_by_graph": via.get("graph", 0),
        "candidates": candidate_recall(session, sim, found_keys),
    }


def candidate_recall(
    session: Session, sim: SimWorld, found_keys: set[tuple[str, str]]
) -> dict[str, Any]:
    """Discovery apart from identification: serving accounts that became candidates at all (kept
    in scope, or excluded and kept as a keyed hash), per platform and in all."""
    excluded = {
        (getattr(p, "value", p), h)
        for p, h in session.execute(select(ExcludedAccount.platform, ExcludedAccount.account_hash))
    }
    out: dict[str, Any] = {}
    reached_all = serving_all = 0
    for platform, accounts in sim.world.accounts.items():
        reached = serving = 0
        for account in accounts:
            if not sim.people[(platform, account.handle)].serving:
                continue
            serving += 1
            platform_id = (
                f"https://{MASTODON_DOMAIN}/users/{account.handle}"
                if platform == "mastodon"
                else account.id
            )
            reached += (
                _handle_key(platform, account.handle) in found_keys
                or (platform, account_hash(platform, platform_id)) in excluded
            )
        out[platform] = {"reached": reached, "recall": _ratio(reached, serving)}
        reached_all, serving_all = reached_all + reached, serving_all + serving
    out["all"] = {
        "reached": reached_all,
        "recall": _ratio(reached_all, serving_all),
        "rejected_by_identifier": reached_all
        - len(
            found_keys
            & {_handle_key(p, h) for (p, h), person in sim.people.items() if person.serving}
        ),
    }
    return out


def score_flags(session: Session, sim: SimWorld) -> dict[str, Any]:
    """Per label: flags proposing it against posts truly carrying it, among the posts collected."""
    rows = session.execute(
        select(Post.id, Post.platform, Post.platform_id).where(
            Post.is_repost.is_(False), ~Post.platform_id.like("sample-%")
        )
    ).all()
    truth_by_post = {
        pid: sim.post_labels.get((getattr(pl, "value", pl), ext.rsplit("/", 1)[-1]), ())
        for pid, pl, ext in rows
    }
    rows_flags = (
        session.execute(
            select(Flag.post_id, Flag.labels, Flag.reason).where(
                Flag.post_id.in_(list(truth_by_post))
            )
        ).all()
        if truth_by_post
        else []
    )
    flagged = {post_id: labels for post_id, labels, reason in rows_flags if reason == "model"}
    audit = [post_id for post_id, _, reason in rows_flags if reason == "audit"]
    per_label: dict[str, Any] = {}
    for label in LABELS:
        tp = sum(label in flagged.get(p, ()) and label in t for p, t in truth_by_post.items())
        predicted = sum(label in labels for labels in flagged.values())
        actual = sum(label in t for t in truth_by_post.values())
        per_label[label] = {
            "flagged": predicted,
            "true_instances": actual,
            "correct": tp,
            "precision": _ratio(tp, predicted),
            "recall": _ratio(tp, actual),
        }
    instance_posts = sum(bool(t) for t in truth_by_post.values())
    caught = sum(bool(t) and p in flagged for p, t in truth_by_post.items())
    # Recall in production as analysts would estimate it: the simulated truth stands in for their
    # decisions on the audit flags and on the model's flags.
    audit_true = sum(bool(truth_by_post[p]) for p in audit)
    estimate = recall_from_counts(
        audit_decided=len(audit),
        audit_confirmed=audit_true,
        model_flags=len(flagged),
        model_decided=len(flagged),
        model_confirmed=sum(bool(truth_by_post[p]) for p in flagged),
        unflagged=len(truth_by_post)
        - len(flagged)
        - sum(r == "unscored" for _, _, r in rows_flags),
    )
    return {
        "posts_collected": len(truth_by_post),
        "posts_flagged": len(flagged),
        "instance_posts_collected": instance_posts,
        "instance_posts_flagged": caught,
        "post_recall": _ratio(caught, instance_posts),
        "per_label": per_label,
        "audit_flags": len(audit),
        "unscored_flags": sum(r == "unscored" for _, _, r in rows_flags),
        "audit_recall_estimate": estimate,
    }


PLATFORM_MAX_PAGE = {"bluesky": 100, "mastodon": 40, "x": 100}  # each API's own cap on a page


def minimum_post_requests(
    sim: SimWorld,
    crawled: set[tuple[str, str]],
    page_size: int,
    first_crawl: bool,
    rewalk_days: float = 0.0,
    now: datetime | None = None,
) -> int:
    """The post step's floor: on a first crawl ceil(posts / page size) per collected account (the
    "+1" of the per-account minimum is the profile request, which discovery makes); on a re-crawl
    of an unchanged world, the pages down to the re-walk window's end (the newest post held, or
    ``rewalk_days`` ago if that is older): 1 per account unless an account posted more than a
    page in the window."""
    total = 0
    for platform, accounts in sim.world.accounts.items():
        size = min(page_size, PLATFORM_MAX_PAGE[platform])
        for account in accounts:
            if _handle_key(platform, account.handle) not in crawled:
                continue
            if first_crawl:
                total += max(1, math.ceil(len(account.posts) / size))
            else:
                total += _window_pages(account, size, rewalk_days, now or datetime.now(UTC))
    return total


def _window_pages(account: FakeAccount, size: int, rewalk_days: float, now: datetime) -> int:
    feed = account.newest_first()
    if rewalk_days <= 0 or not feed:
        return 1
    end = min(feed[0].created_at, now - timedelta(days=rewalk_days))
    reach = next((i for i, p in enumerate(feed) if p.created_at <= end and not p.malformed), None)
    return reach // size + 1 if reach is not None else max(1, math.ceil(len(feed) / size))


SEARCH_MAX_PAGE = {"bluesky": 100, "mastodon": 40}  # searchActors limit, v2 search limit


def minimum_search_requests(
    sim: SimWorld, platform: str, queries: list[str], paged: bool = True
) -> int:
    """Account search's floor: per query, the pages needed to list its hits at the platform's
    largest page (at least one); without paging (Mastodon without a user token), one."""
    if platform not in SEARCH_MAX_PAGE:
        return 0
    live = [a for a in sim.world.accounts[platform] if not (a.deleted or a.suspended)]
    total = 0
    for query in queries:
        hits = sum(matches(query, a.handle, a.display_name, a.bio) for a in live)
        total += max(1, math.ceil(hits / SEARCH_MAX_PAGE[platform])) if paged else 1
    return total


def completed_graph_lists(platform: str) -> set[str]:
    """Keys (``base_url direction node``) of the follower / follows lists walked to the end."""
    with db.session_scope() as session:
        return set(
            session.scalars(
                select(CrawlCheckpoint.key).where(
                    CrawlCheckpoint.platform == platform,
                    CrawlCheckpoint.scope == "graph",
                    CrawlCheckpoint.complete.is_(True),
                )
            )
        )


def minimum_graph_requests(sim: SimWorld, platform: str, lists: set[str], seeds_asked: int) -> int:
    """The graph step's floor: one lookup per seed asked, plus, for every list the walk completed,
    the pages needed to list all its entries at the platform's largest page (at least one, since
    an empty list costs a request too). It does not say which lists were worth walking."""
    index = graph_index(sim.world, platform).refresh()
    total = seeds_asked
    for key in lists:
        _, direction, node = key.rsplit(" ", 2)
        account = index.by_id.get(node)
        served = len(served_list(index, account, direction)) if account else 0
        total += max(1, math.ceil(served / index.graph.max_page))
    return total


def crawled_accounts(session: Session) -> set[tuple[str, str]]:
    rows = session.execute(
        select(PlatformAccount.platform, PlatformAccount.handle).where(
            PlatformAccount.self_identified.is_(True), ~PlatformAccount.platform_id.like("sample-%")
        )
    ).all()
    return {_handle_key(getattr(p, "value", p), h) for p, h in rows}


def render(board: Scoreboard) -> list[str]:
    """Plain lines for the log and the README."""
    a, f, r = board.accounts, board.flags, board.requests
    lines = [
        (
            f"accounts: {a['correct']}/{a['true_serving']} serving found, precision {a['precision']}, "
            f"recall {a['recall']}, force accuracy {a['force_accuracy']}"
        )
    ]
    lines += [
        f"  {role:<10} {x['found']:>4}/{x['true_serving']:<4} recall {x['recall']}  "
        f"role accuracy {x['role_accuracy']}"
        for role, x in a.get("by_role", {}).items()
    ]
    lines.append(
        f"flags: {f['instance_posts_flagged']}/{f['instance_posts_collected']} instance posts flagged "
        f"(post recall {f['post_recall']}); {f['posts_flagged']} posts flagged of {f['posts_collected']}"
    )
    for label, s in f["per_label"].items():
        lines.append(
            f"  {label:<11} flagged {s['flagged']:>4}  true {s['true_instances']:>4}  "
            f"precision {s['precision']}  recall {s['recall']}"
        )
    est = f.get("audit_recall_estimate") or {}
    if est.get("recall") is not None:
        lo, hi = est["interval_95"]
        lines.append(
            f"audit sample: {f['audit_flags']} unflagged posts in the queue, {est['audit_confirmed']} true; "
            f"estimated recall {est['recall']:.2f} (95% interval {lo:.2f}-{hi:.2f}; true post recall "
            f"{f['post_recall']})"
        )
    lines.append(
        f"found by: {a.get('correct_by_provenance')} (only by graph: {a.get('found_only_by_graph')})"
    )
    reach = (a.get("candidates") or {}).get("all")
    if reach:
        lines.append(
            f"discovery reached {reach['reached']}/{a['true_serving']} serving accounts as candidates "
            f"(recall {reach['recall']}); {reach['rejected_by_identifier']} of them not taken by identification"
        )
    for platform, d in (r.get("discovery") or {}).items():
        lines.append(
            f"requests (discovery, {platform}): {d['used']} used, minimum {d['minimum']} "
            f"(search {d['search_used']} / {d['search_minimum']}, "
            f"graph {d['graph_used']} / {d['graph_minimum']})"
        )
    for platform, g in (r.get("graph") or {}).items():
        lines.append(
            f"requests (graph, {platform}): {g['used']} used, minimum {g['minimum']} "
            f"({g['lists']} lists, {g['seeds_found']} seeds found, {g['seeds_missing']} missing)"
        )
    lines.append(
        f"requests (posts step): {r.get('posts_used')} used, minimum {r.get('posts_minimum')}; "
        f"all steps {r.get('total_used')}"
    )
    return lines
