"""Model versions in the database: register a trained folder, activate one, find the active one.

Training registers a new version but never activates it; only ``activate`` (the CLI's
``probity model activate VERSION``) changes which version classifies, and rolling back is the
same command with the older version.
"""

from __future__ import annotations

import json
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from classifier.base import PostClassifier, read_envelope
from classifier.kinds import load_model
from classifier.scoring import Calibration
from probity.errors import NotFoundError, ProbityError
from probity.models import ModelVersion, utcnow

log = logging.getLogger(__name__)


class NoActiveModel(ProbityError):
    """No model version is active, and none was named."""


def register(session: Session, folder: Path) -> ModelVersion:
    """Add a trained model folder as a (not active) version; registering twice is a no-op."""
    folder = Path(folder).resolve()
    envelope = read_envelope(folder)
    version = envelope.get("version") or folder.name
    existing = session.scalar(select(ModelVersion).where(ModelVersion.version == version))
    if existing is not None:
        return existing
    metrics_path, config_path = folder / "metrics.json", folder / "config.toml"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.exists() else {}
    config = tomllib.loads(config_path.read_text(encoding="utf-8")) if config_path.exists() else {}
    headline = {
        k: metrics[k]
        for k in (
            "dev",
            "test",
            "olid",
            "throughput_posts_per_second",
            "real_text",
            "operating_point",
        )
        if k in metrics
    }
    for split in ("dev", "test"):  # the database keeps the headline figures; the folder has all
        if split in headline:
            headline[split] = {
                "macro_f1": headline[split]["macro_f1"],
                "micro_f1": headline[split]["micro_f1"],
                "f1": {k: v["f1"] for k, v in headline[split]["labels"].items()},
            }
    row = ModelVersion(
        version=version,
        kind=envelope["kind"],
        path=str(folder),
        config=config,
        metrics=headline,
        thresholds=envelope.get("thresholds", {}),
        active=False,
    )
    session.add(row)
    session.flush()
    log.info("registered model version %s (%s), not active", version, envelope["kind"])
    return row


def list_versions(session: Session) -> list[ModelVersion]:
    return list(
        session.scalars(select(ModelVersion).order_by(ModelVersion.created_at, ModelVersion.id))
    )


def get_version(session: Session, version: str) -> ModelVersion:
    row = session.scalar(select(ModelVersion).where(ModelVersion.version == version))
    if row is None:
        known = ", ".join(v.version for v in list_versions(session)) or "none registered"
        raise NotFoundError(f"model version {version!r} is not registered (known: {known})")
    return row


def activate(session: Session, version: str) -> ModelVersion:
    """Make ``version`` the one that classifies; every other version becomes inactive."""
    row = get_version(session, version)
    read_envelope(Path(row.path))  # refuse a version whose folder has gone
    session.execute(update(ModelVersion).where(ModelVersion.id != row.id).values(active=False))
    row.active = True
    row.activated_at = utcnow()
    session.flush()
    log.info("model version %s is now active", version)
    return row


def active_version(session: Session) -> ModelVersion | None:
    return session.scalar(select(ModelVersion).where(ModelVersion.active.is_(True)))


@dataclass
class LoadedModel:
    model: PostClassifier
    version: str
    thresholds: dict[str, float]
    folder: Path
    row: ModelVersion | None = None
    calibration: Calibration | None = None  # None for models trained before calibration existed


def load_folder(folder: Path) -> LoadedModel:
    envelope = read_envelope(Path(folder))
    if "thresholds" not in envelope:
        raise ProbityError(
            f"{folder}: model has no saved thresholds (was it trained with `probity train`?)"
        )
    return LoadedModel(
        load_model(Path(folder)),
        envelope.get("version") or Path(folder).name,
        envelope["thresholds"],
        Path(folder),
        calibration=Calibration.from_dict(envelope.get("calibration")),
    )


def resolve(session: Session | None, model: str | Path | None) -> LoadedModel:
    """A model folder, a registered version name, or (None) the active version."""
    row: ModelVersion | None
    if model is not None:
        path = Path(model)
        if (path / "model.json").exists():
            return load_folder(path)
        if session is None:
            raise NotFoundError(f"{model}: not a model folder")
        row = get_version(session, str(model))
    else:
        row = active_version(session) if session is not None else None
        if row is None:
            raise NoActiveModel(
                "no active model version: run `probity model ensure-default`, or "
                "`probity model activate VERSION` (see `probity model list`)"
            )
    loaded = load_folder(Path(row.path))
    loaded.row = row
    return loaded
