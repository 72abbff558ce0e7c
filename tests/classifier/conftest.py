"""Shared fixtures for classifier tests: small real data from the corpus, fitted tiny models."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from classifier.base import PostClassifier
from classifier.tfidf import TfidfLogReg
from classifier.transformer import TransformerClassifier
from training.corpus import load_corpus, texts_and_matrix

TINY_TRANSFORMER: dict[str, Any] = {
    "max_length": 32,
    "epochs": 1,
    "batch_size": 8,
    "max_steps": 2,
    "aux_per_epoch": 8,
}


@pytest.fixture(scope="session")
def small_corpus() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    rows = load_corpus()
    train = [r for r in rows if r["split"] == "train"][:160]
    dev = [r for r in rows if r["split"] == "dev"][:60]
    return (*texts_and_matrix(train), *texts_and_matrix(dev))


@pytest.fixture(scope="session")
def fitted_models(small_corpus, tmp_path_factory) -> dict[str, tuple[PostClassifier, Path]]:
    """Each kind fitted once on small data and saved; the ensemble stacks the other two."""
    from classifier.ensemble import CalibratedEnsemble
    from classifier.tfidf_minilm import TfidfMiniLM

    X, Y, Xd, Yd = small_corpus
    aux = (X[:40], np.array([i % 2 for i in range(40)]))
    base = tmp_path_factory.mktemp("models")
    out: dict[str, tuple[PostClassifier, Path]] = {}
    for name, model in (
        ("tfidf-logreg", TfidfLogReg(max_features=3000, nb_labels=["offensive"])),
        ("tfidf-minilm", TfidfMiniLM(max_features=3000, nb_labels=["offensive"], gate=0.2)),
        ("transformer", TransformerClassifier(**TINY_TRANSFORMER)),
    ):
        model.fit(X, Y, dev=(Xd, Yd), aux=aux)
        model.save(base / name)
        out[name] = (model, base / name)
    ensemble = CalibratedEnsemble(members=[str(out["tfidf-logreg"][1]), str(out["transformer"][1])])
    ensemble.fit(X, Y, dev=(Xd, Yd))
    ensemble.save(base / "ensemble")
    out["ensemble"] = (ensemble, base / "ensemble")
    return out


@pytest.fixture(scope="session")
def tiny_minilm_model_dir(tmp_path_factory) -> Path:
    """The tiny config trained as the default's kind (TF-IDF ⊕ MiniLM, under a minute)."""
    from training.config import REPO_ROOT
    from training.train import train_from_config

    tiny = (REPO_ROOT / "training/configs/tiny.toml").read_text(encoding="utf-8")
    assert 'kind = "tfidf-logreg"' in tiny and 'corpus = "../data/corpus.jsonl"' in tiny
    config = tmp_path_factory.mktemp("tiny-minilm-config") / "tiny_minilm.toml"
    config.write_text(
        tiny.replace('kind = "tfidf-logreg"', 'kind = "tfidf-minilm"').replace(
            'corpus = "../data/corpus.jsonl"',
            f'corpus = "{REPO_ROOT / "training/data/corpus.jsonl"}"',
        ),
        encoding="utf-8",
    )
    result = train_from_config(
        config, models_dir=tmp_path_factory.mktemp("tiny-minilm-models"), publish_card=False
    )
    return result.path


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A baseline trained end to end from training/configs/tiny.toml (a few seconds)."""
    from training.config import REPO_ROOT
    from training.train import train_from_config

    result = train_from_config(
        REPO_ROOT / "training/configs/tiny.toml",
        models_dir=tmp_path_factory.mktemp("tiny-models"),
        publish_card=False,
    )
    return result.path


def make_posts(
    session,
    texts: list[str],
    force_id: str | None = "metropolitan",
    *,
    handle: str = "pc_example",
    repost_at: AbstractSet[int] = frozenset(),
) -> list[int]:
    """An account (attributed to ``force_id``) with one post per text; returns post ids."""
    import hashlib

    from probity.models import Platform, PlatformAccount, Post

    account = PlatformAccount(
        platform=Platform.bluesky,
        platform_id=f"did:plc:{handle}",
        handle=handle,
        force_id=force_id,
        self_identified=True,
    )
    session.add(account)
    session.flush()
    posts = [
        Post(
            platform=Platform.bluesky,
            platform_id=f"at://{handle}/{i}",
            account_id=account.id,
            text=t,
            text_sha256=hashlib.sha256(t.encode()).hexdigest(),
            is_repost=i in repost_at,
        )
        for i, t in enumerate(texts)
    ]
    session.add_all(posts)
    session.flush()
    return [p.id for p in posts]


@pytest.fixture(scope="session")
def default_model(tmp_path_factory):
    """The default config trained once (about a minute): behaviour tests need the real model."""
    from classifier.registry import load_folder
    from training.default import DEFAULT_CONFIG
    from training.train import train_from_config

    result = train_from_config(
        DEFAULT_CONFIG, models_dir=tmp_path_factory.mktemp("default"), publish_card=False
    )
    return load_folder(result.path)
