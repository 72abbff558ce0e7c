import numpy as np

from classifier.explain import explain, word_spans
from classifier.tfidf import TfidfLogReg


def _model() -> TfidfLogReg:
    texts = [f"{w} shift today on the estate" for w in ("bastards", "lovely", "quiet", "busy")] * 10
    Y = np.zeros((len(texts), 4), dtype=int)
    Y[[i for i, t in enumerate(texts) if t.startswith("bastards")], 0] = 1
    return TfidfLogReg(char_ngram_range=(3, 4)).fit(texts, Y)


def test_the_word_that_drives_a_label_comes_first_with_its_span():
    model = _model()
    text = "Those bastards on the estate again today"
    [result] = explain(model, [text], [["offensive"]])
    top = result["offensive"][0]
    assert top["text"] == "bastards"
    assert text[top["start"] : top["end"]] == "bastards"
    assert top["weight"] > 0
    assert set(result) == {"offensive"}  # only the labels the post got


def test_posts_without_labels_get_no_explanation_and_cost_nothing():
    model = _model()
    assert explain(model, ["quiet shift", "lovely day"], [[], []]) == [{}, {}]


def test_word_spans_cover_words_and_keep_disguised_swearing_whole():
    text = "f*ck this, @someone #ResponseLife"
    assert [text[s:e] for s, e in word_spans(text)] == ["f*ck", "this", "@someone", "#ResponseLife"]
