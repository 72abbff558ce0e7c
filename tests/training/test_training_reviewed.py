"""Retraining from analysts: only final human decisions, no reposts or near-duplicates,
split by account."""

from __future__ import annotations

from probity.models import DecisionAction, Flag, FlagStatus, ReviewDecision
from tests.classifier.conftest import make_posts
from training.corpus import split_of
from training.reviewed import reviewed_examples

TEXTS = [
    "Gave that gobby little scrote a few digs in the back of the van, he had it coming",  # confirm
    "Our useless inspector made us let the Elm Road burglar walk, absolute joke of a job",  # change
    "Long set of nights done, bed now and a bacon roll when I wake up",  # dismiss
    "Waiting on a second opinion about this one from the sergeant tomorrow morning",  # pending
    "Reposted: the force's appeal for witnesses after the collision on the bypass",  # repost
    "Gave that gobby little scrote a few digs in the back of the van, he had it coming!!",  # near-dup
]


def _flag(session, post_id, status, labels, action=None, decided=None):
    flag = Flag(post_id=post_id, labels=labels, status=status, max_score=0.9)
    session.add(flag)
    session.flush()
    if action is not None:
        session.add(
            ReviewDecision(
                flag_id=flag.id,
                reviewer="pb_test",
                action=action,
                labels=decided if decided is not None else labels,
            )
        )
    session.flush()
    return flag


def test_only_final_human_decisions_are_used(db_session):
    ids = make_posts(db_session, TEXTS, handle="pc_reviewed", repost_at={4})
    _flag(db_session, ids[0], FlagStatus.confirmed, ["offensive"], DecisionAction.confirm)
    _flag(
        db_session,
        ids[1],
        FlagStatus.confirmed,
        ["negativity"],
        DecisionAction.change,
        ["negativity", "protocol"],
    )
    _flag(db_session, ids[2], FlagStatus.dismissed, ["negativity"], DecisionAction.dismiss, [])
    _flag(db_session, ids[3], FlagStatus.pending, ["protocol"])
    _flag(db_session, ids[4], FlagStatus.confirmed, ["protocol"], DecisionAction.confirm)
    _flag(db_session, ids[5], FlagStatus.confirmed, ["offensive"], DecisionAction.confirm)
    rows = reviewed_examples(db_session, corpus=[])
    got = {r["text"]: r["labels"] for r in rows}
    assert got == {TEXTS[0]: ["offensive"], TEXTS[1]: ["protocol", "negativity"], TEXTS[2]: []}
    splits = {r["split"] for r in rows}
    assert len(splits) == 1  # one account → one split
    assert splits == {split_of("account:bluesky:did:plc:pc_reviewed")}


def test_reviewed_posts_that_duplicate_the_corpus_are_dropped(db_session):
    ids = make_posts(db_session, TEXTS[:2], handle="pc_dupe")
    _flag(db_session, ids[0], FlagStatus.confirmed, ["offensive"], DecisionAction.confirm)
    _flag(db_session, ids[1], FlagStatus.confirmed, ["negativity"], DecisionAction.confirm)
    corpus = [{"text": TEXTS[0].upper(), "labels": ["offensive"]}]
    assert [r["text"] for r in reviewed_examples(db_session, corpus=corpus)] == [TEXTS[1]]
