"""The default model: keep the active version, or train the default config, register and
activate it. This lives in training (which may import the classifier, never the reverse), so
the classifier's registry does not know how models are trained or where configs are."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.orm import Session

from classifier.registry import activate, active_version, register
from probity.models import ModelVersion
from training.config import REPO_ROOT
from training.train import train_from_config

log = logging.getLogger(__name__)

DEFAULT_CONFIG = REPO_ROOT / "training" / "configs" / "tfidf_minilm.toml"


def ensure_default(session: Session, config: Path | None = None) -> ModelVersion:
    """Make sure a model is active: keep the active one, else train the default and activate it.

    This is what the README's main command relies on: a fresh clone has no model, and training
    the default takes about two minutes on two cores.
    """
    row = active_version(session)
    if row is not None and (Path(row.path) / "model.json").exists():
        return row
    config = config or DEFAULT_CONFIG
    log.info("no active model: training the default from %s", config)
    result = train_from_config(config, publish_card=False)
    return activate(session, register(session, result.path).version)
