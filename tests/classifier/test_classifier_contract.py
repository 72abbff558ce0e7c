"""The estimator contract, for every model kind: parameters in __init__, fitted state in
attributes ending in _, fit/predict_proba/save/load, and identical scores after save → load."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from classifier.base import ModelLoadError, NotFittedError
from classifier.kinds import load_model, make_model, model_class
from classifier.tfidf import TfidfLogReg
from classifier.transformer import TransformerClassifier
from probity.models.review import LABELS

KINDS = ["tfidf-logreg", "tfidf-minilm", "transformer", "ensemble"]
PARAMS: dict[str, dict[str, Any]] = {
    "tfidf-logreg": {"C": 2.5, "max_features": 1234, "nb_labels": ["negativity"]},
    "tfidf-minilm": {"C": 4.0, "embedding_scale": 0.25, "gate": 0.1, "max_length": 32},
    "transformer": {"max_length": 40, "epochs": 2, "quantize": False},
    "ensemble": {"members": ["a", "b"], "C": 0.5},
}


@pytest.mark.parametrize("kind", KINDS)
def test_init_only_stores_parameters(kind):
    model = make_model(kind, PARAMS[kind])
    params = model.get_params()
    for key, value in PARAMS[kind].items():
        assert params[key] == value
    assert set(params) == set(model_class(kind)._param_names())
    assert model.fitted_attributes() == []  # nothing fitted before fit()
    assert type(model)(**params).get_params() == params  # a clone from get_params is equal


@pytest.mark.parametrize("kind", KINDS)
def test_unfitted_model_refuses_to_predict_or_save(kind, tmp_path):
    model = make_model(kind, PARAMS[kind])
    with pytest.raises(NotFittedError):
        model.predict_proba(["some text"])
    with pytest.raises(NotFittedError):
        model.save(tmp_path / "m")


def test_unknown_parameter_and_kind_are_rejected():
    with pytest.raises(ModelLoadError, match="no parameter"):
        make_model("tfidf-logreg", {"n_estimators": 3})
    with pytest.raises(ModelLoadError, match="unknown model kind"):
        make_model("random-forest")


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_fitted_model_scores_and_fitted_attributes(kind, fitted_models, small_corpus):
    model, _ = fitted_models[kind]
    _, _, Xd, _ = small_corpus
    fitted = model.fitted_attributes()
    assert fitted and all(name.endswith("_") for name in fitted)
    scores = model.predict_proba(Xd)
    assert scores.shape == (len(Xd), len(LABELS))
    assert np.all((scores >= 0) & (scores <= 1))
    assert scores.std() > 0  # not a constant output


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_save_then_load_gives_identical_scores(kind, fitted_models, small_corpus):
    model, folder = fitted_models[kind]
    _, _, Xd, _ = small_corpus
    loaded = load_model(folder)
    assert type(loaded) is type(model)
    assert loaded.get_params() == {
        k: list(v) if isinstance(v, tuple) else v for k, v in model.get_params().items()
    }
    np.testing.assert_array_equal(loaded.predict_proba(Xd), model.predict_proba(Xd))
    before, after = model.predict_aux_proba(Xd[:5]), loaded.predict_aux_proba(Xd[:5])
    np.testing.assert_array_equal(before, after)


@pytest.mark.slow
def test_loading_a_folder_as_the_wrong_kind_fails(fitted_models):
    with pytest.raises(ModelLoadError, match="holds a 'tfidf-logreg' model"):
        TransformerClassifier.load(fitted_models["tfidf-logreg"][1])


def test_loading_a_folder_without_model_json_fails(tmp_path):
    with pytest.raises(ModelLoadError, match="not a model folder"):
        load_model(tmp_path)


def test_auxiliary_output_exists_only_when_trained_with_auxiliary_data(small_corpus):
    X, Y, Xd, _ = small_corpus
    plain = TfidfLogReg(max_features=2000).fit(X, Y)
    assert plain.predict_aux_proba(Xd) is None
    aux_texts = ["you absolute idiot"] * 10 + ["lovely weather today"] * 10
    with_aux = TfidfLogReg(max_features=2000).fit(
        X, Y, aux=(aux_texts, np.array([1] * 10 + [0] * 10))
    )
    aux = with_aux.predict_aux_proba(["what an idiot", "lovely weather"])
    assert aux is not None and aux[0] > aux[1]


def test_nb_scaled_labels_score_as_a_regression_on_the_scaled_features(small_corpus):
    """NB-LR: the log-count ratio is folded into the stored coefficients, so the model's score
    equals that of the same regression fitted on features explicitly scaled by the ratio."""
    from sklearn.linear_model import LogisticRegression

    from classifier.tfidf import nb_log_count_ratio

    X, Y, Xd, _ = small_corpus
    model = TfidfLogReg(max_features=2000, nb_labels=["offensive"]).fit(X, Y)
    j = LABELS.index("offensive")
    features = model.transform(X)
    ratio = nb_log_count_ratio(features, Y[:, j], model.nb_smoothing)
    reference = LogisticRegression(
        C=model.C, class_weight="balanced", solver="liblinear", max_iter=1000
    ).fit(features.multiply(ratio).tocsr(), Y[:, j])
    dev_features = model.transform(Xd)
    expected = reference.predict_proba(dev_features.multiply(ratio).tocsr())[:, 1]
    np.testing.assert_allclose(model.predict_proba(Xd)[:, j], expected, rtol=1e-4, atol=1e-5)
    # the other labels are plain regressions, so they differ from an NB-scaled fit's
    plain = TfidfLogReg(max_features=2000).fit(X, Y)
    other = LABELS.index("government")
    np.testing.assert_array_equal(model.coef_[other], plain.coef_[other])
    assert not np.allclose(model.coef_[j], plain.coef_[j])


def test_nb_labels_must_be_codebook_labels(small_corpus):
    X, Y, _, _ = small_corpus
    with pytest.raises(ValueError, match="unknown labels"):
        TfidfLogReg(nb_labels=["rude"]).fit(X, Y)
