"""The fitted recall stage, cached on disk so each process does not refit it (13-19 s).

The cache key is a hash of the training files' bytes, the stage's code (``learned.py``), the
identifier version and scikit-learn's version: any change to one of them is a new file, so a stale
stage is never read. Writers write a temporary file in the same directory and rename it into
place (atomic on POSIX), so concurrent processes at worst both fit and one rename wins; a reader
never sees half a file. A cache file that cannot be read is refitted and overwritten.

The cache is written only by this process's own code under the deployment's models dir (the same
trust as the trained classifier models kept there), which is why unpickling it is acceptable.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger("probity.identify")

CACHE_PREFIX = "recall_stage-"


def cache_key(files: Sequence[Path], code_version: str) -> str:
    """sha256 over the code version and each training file's name and bytes (missing files count
    as absent, as ``training_rows`` skips them)."""
    import sklearn

    digest = hashlib.sha256()
    digest.update(f"{code_version}|sklearn={sklearn.__version__}".encode())
    for path in files:
        digest.update(b"\0" + path.name.encode() + b"\0")
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def load_or_build(cache_dir: Path | None, key: str, build: Callable[[], Any]) -> tuple[Any, str]:
    """(stage, "cache" | "fitted"): read ``cache_dir/recall_stage-KEY.pkl`` or build and store
    it. ``cache_dir`` None: no caching (always built)."""
    if cache_dir is None:
        return build(), "fitted"
    path = cache_dir / f"{CACHE_PREFIX}{key}.pkl"
    if path.exists():
        try:
            with path.open("rb") as fh:
                stage = pickle.load(fh)  # our own file, see module docstring
            log.info("recall stage read from cache %s", path)
            return stage, "cache"
        except Exception:  # a truncated or incompatible file: refit and overwrite it
            log.warning("recall stage cache %s unreadable; refitting", path, exc_info=True)
    stage = build()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{CACHE_PREFIX}", suffix=".tmp", dir=cache_dir)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(stage, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        log.info("recall stage cached at %s", path)
    except OSError:  # a read-only data dir must not stop identification
        log.warning("recall stage not cached in %s", cache_dir, exc_info=True)
    return stage, "fitted"
