"""The default model on the shortcuts issue #10 found: minimal pairs, odd posts, padding, and
explanations that carry the weight. These use the model the default config trains."""

from __future__ import annotations

import re

import pytest

from classifier.explain import NOT_SHOWN, explain
from classifier.scoring import classify_texts, score_texts
from probity.models.review import LABELS

HARMLESS = [
    "Lovely walk with the dog along the canal this morning",
    "She is a lovely woman and a great neighbour",
    "Congratulations to my team on a brilliant week",
    "The new Chief Constable came to our briefing today and bought the teas",
    "Home Secretary announced a 4% pay award for officers today",
    "My daughter passed her driving test first time",
    "Off to the match with my brother, come on you Blues",
]
VARIANTS = {
    "url": lambda t: t + " https://t.co/AbC123xyz",
    "emoji": lambda t: t + " 😂",
    "content warning": lambda t: "CW: " + t,
    "mention": lambda t: "@sam_jones " + t,
    "hashtag": lambda t: t + " #FridayFeeling",
    "exclamation": lambda t: t + "!!!",
    "pronoun swap": lambda t: re.sub(r"\b(my|her)\b", "his", t),
}


def _labels(loaded, texts):
    return [
        o.labels for o in classify_texts(loaded.model, loaded.calibration, loaded.thresholds, texts)
    ]


def test_minimal_pairs_do_not_change_the_labels(default_model):
    pairs = [(t, name, make(t)) for t in HARMLESS for name, make in VARIANTS.items()]
    base = dict(zip(HARMLESS, _labels(default_model, HARMLESS), strict=True))
    changed = [
        (name, t, base[t], got)
        for (t, name, _), got in zip(
            pairs, _labels(default_model, [v for _, _, v in pairs]), strict=True
        )
        if got != base[t]
    ]
    assert changed == []


def test_the_harmless_posts_are_not_flagged(default_model):
    # Praise of the new Chief Constable used to be flagged `negativity`: senior officers' titles
    # appeared almost only in posts running the force down. Corpus negatives that praise or
    # mention leadership neutrally (DATASHEET, second shortcut batch) fixed it, not a rule.
    flagged = {
        t: labels
        for t, labels in zip(HARMLESS, _labels(default_model, HARMLESS), strict=True)
        if labels
    }
    assert flagged == {}


# Written after the second shortcut batch and never trained on: praise or neutral news of
# leadership. The default model still flags some of them `negativity` (4 of 9 when written; 3 of
# 9 after the independent writers' 880 posts, with 290 on-topic hard negatives, and C = 16; 5 of 9
# with NB-LR for negativity).
LEADERSHIP = [
    "Our Chief Superintendent visited the station tonight and thanked the whole night shift",
    "The inspector covered my court warning so I could go to my son's graduation",
    "Great to see the Assistant Chief Constable at the community iftar this evening",
    "New superintendent introduced herself at parade, seems very approachable",
    "Chief Constable handed out the bravery awards at headquarters this afternoon",
    "Our sergeant made everyone a brew before the early shift briefing",
    "The Chief Constable visited our station today",
    "Senior management thanked the control room for their work during the storm",
    "Met the new Police and Crime Commissioner at the community meeting tonight",
]


@pytest.mark.xfail(
    strict=True,
    reason="known limit (issue #10): praise of leadership is still often flagged `negativity` "
    "(titles of senior officers carry weight from the corpus's negativity positives); see "
    "docs/classifier.md",
)
def test_praise_of_leadership_is_not_flagged(default_model):
    flagged = {
        t: labels
        for t, labels in zip(LEADERSHIP, _labels(default_model, LEADERSHIP), strict=True)
        if labels
    }
    assert flagged == {}


@pytest.mark.parametrize(
    "text",
    [
        "😂",
        "😂😂😂",
        "https://t.co/ZpX4mQ1aBv",
        "http://example.com/a?b=c",
        "@someone",
        "\u0000",
        "\ud800",
    ],
    ids=["emoji", "emojis", "t.co", "url", "handle", "nul", "surrogate"],
)
def test_emoji_alone_or_a_url_alone_is_not_a_flag(default_model, text):
    assert _labels(default_model, [text]) == [[]]


def test_padding_does_not_hide_a_positive(default_model):
    positive = "Another junkie scrote in the cells tonight, stinking the place out. Waste of oxygen the lot of them."
    padding = (
        " Anyway, lovely weather for the weekend and the kids are off to their nan's. We might take the dog "
        "to the beach if the rain holds off, then fish and chips on the front and an early night."
    ) * 2
    assert len(padding) > 300
    [alone, padded] = _labels(default_model, [positive, positive + padding])
    assert "offensive" in alone and "offensive" in padded


def test_deleting_the_top_explanation_words_lowers_the_labels_score(default_model):
    model, cal = default_model.model, default_model.calibration
    texts = [
        "Another junkie scrote in the cells tonight, stinking the place out",
        "The Home Secretary is a lying traitor and should be hanged for what she has done to policing",
        "Cordon still up on Elm Road, body found in the back bedroom, the ex is already in the cells",
        "This force is a joke, senior management couldn't organise a brew round",
    ]
    outcomes = classify_texts(model, cal, default_model.thresholds, texts)
    explanations = explain(model, texts, [o.labels or [] for o in outcomes])
    checked = 0
    for text, o, expl in zip(texts, outcomes, explanations, strict=True):
        assert o.labels is not None and o.scores is not None
        for label in o.labels:
            words = expl[label][:3]
            assert words, (text, label)
            assert all(
                w["text"].lower() not in NOT_SHOWN and "http" not in w["text"] for w in words
            )
            assert all(text[w["start"] : w["end"]] == w["text"] for w in words)
            reduced = text
            for w in sorted(words, key=lambda w: -w["start"]):
                reduced = reduced[: w["start"]] + reduced[w["end"] :]
            j = LABELS.index(label)
            assert score_texts(model, [reduced], cal)[0, j] < o.scores[j], (text, label, words)
            checked += 1
    assert checked >= 3
