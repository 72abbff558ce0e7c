"""OLID (OffensEval 2019) as packaged by TweetEval, read from the shared data folder when present.

Rule (from the data's README): train and tune on train and val only; the test split gives the
number reported in the model card, computed once per model, never used for any choice.
OLID's "offensive" includes mild swearing, so it is auxiliary supervision, not a codebook label.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from probity.settings import get_settings

OLID_DIR = "tweeteval-offensive"


def olid_dir(shared_data_dir: Path | None = None) -> Path:
    return Path(shared_data_dir or get_settings().shared_data_dir) / OLID_DIR


def olid_available(shared_data_dir: Path | None = None) -> bool:
    d = olid_dir(shared_data_dir)
    return all(
        (d / f"{s}_{k}.txt").exists() for s in ("train", "val", "test") for k in ("text", "labels")
    )


def load_olid_split(
    split: str, shared_data_dir: Path | None = None
) -> tuple[list[str], np.ndarray]:
    d = olid_dir(shared_data_dir)
    texts = (d / f"{split}_text.txt").read_text(encoding="utf-8").split("\n")
    labels = (d / f"{split}_labels.txt").read_text(encoding="utf-8").split()
    texts = [t.strip() for t in texts[: len(labels)]]
    if len(texts) != len(labels):
        raise ValueError(f"{d}: {split} has {len(texts)} texts but {len(labels)} labels")
    return texts, np.array([int(v) for v in labels], dtype=np.int8)
