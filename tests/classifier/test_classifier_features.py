"""The fast TF-IDF featurizer: same word features as the plain implementation, character
n-grams that never cross posts, rows l2-normalised per block."""

from __future__ import annotations

import numpy as np
import pytest

from classifier.features import FastTfidf, hashed_char_ngrams

TEXTS = [
    "Cordon still up on Barnfield Road",
    "custody rammed, 22 DPs in",
    "f*ck this shift",
    "Lovely morning at the fete",
    "Cordon still up",
    "",
    "Ünïcödé café 🔥 fire",
]


@pytest.mark.parametrize("words", [(1, 2), (1, 3)])
def test_vectorised_word_block_equals_the_plain_lookup(words):
    f = FastTfidf(word_ngram_range=words, max_features=500).fit(TEXTS * 3)
    assert f._vectorised_words()
    unseen = [
        "Cordon up on the fete road",
        "rammed custody lovely morning",
        "nothing known here",
        "still up on Barnfield Road still up on",  # a known trigram, twice, and across a break
    ]
    a, b = f._word_block(TEXTS + unseen), f._word_block_generic(TEXTS + unseen)
    assert abs(a - b).max() == 0 and a.nnz == b.nnz
    if words == (1, 3):
        assert "still up on" in f.vocabulary_
        assert a[len(TEXTS) + 3, f.vocabulary_["still up on"]] > 0


def test_character_ngrams_never_cross_posts():
    rows, _ = hashed_char_ngrams(["ab", "cd"], (2, 5))
    joined_rows, _ = hashed_char_ngrams(["ab cd"], (2, 5))
    # " ab " has 3+2+1 n-grams of length 2..4 and none of 5; two posts give exactly twice that
    assert len(rows) == 2 * 6 and set(rows.tolist()) == {0, 1}
    assert len(joined_rows) > len(rows)


def test_rows_are_unit_length_per_block_and_empty_posts_have_no_words():
    f = FastTfidf(max_features=1000).fit(TEXTS)
    X = f.transform(TEXTS)
    split = len(f.vocabulary_)
    for block in (X[:, :split], X[:, split:]):
        norms = np.sqrt(np.asarray(block.multiply(block).sum(axis=1)).ravel())
        assert np.allclose(norms[[0, 1, 2, 3, 4, 6]], 1.0, atol=1e-5)
    assert X[5, :split].nnz == 0  # the empty post has no words (only the padding bigram)
