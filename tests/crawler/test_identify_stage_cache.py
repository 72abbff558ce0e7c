"""The fitted recall stage is cached on disk: a second load reads the cache instead of
refitting, and any change to a training file makes a new key (so a stale stage is never read)."""

from __future__ import annotations

import threading
from pathlib import Path

from crawler.identify.learned import DATA, load_stage, profile_text

NAMES = ("small_a", "small_b")


def _small_data(tmp: Path) -> Path:
    """Two small training files cut from the labelled ones (both classes in each), fast to fit."""
    data = tmp / "data"
    data.mkdir()
    for name, source in zip(NAMES, ("labelled", "heldout_a"), strict=True):
        lines = (DATA / f"profiles_{source}.jsonl").read_text(encoding="utf-8").splitlines()
        (data / f"profiles_{name}.jsonl").write_text("\n".join(lines[:120]) + "\n", "utf-8")
    return data


def _probs(stage) -> list[float]:
    texts = [profile_text(["PC at Kent Police", "", ""]), profile_text(["Gardener", "", ""])]
    return stage.probabilities(texts)


def test_second_load_reads_the_cache_and_gives_the_same_stage(tmp_path: Path) -> None:
    data, cache = _small_data(tmp_path), tmp_path / "cache"
    first, source1 = load_stage(cache, NAMES, data)
    assert source1 == "fitted" and first is not None
    files = list(cache.glob("recall_stage-*.pkl"))
    assert len(files) == 1 and not list(cache.glob("*.tmp"))
    second, source2 = load_stage(cache, NAMES, data)
    assert source2 == "cache"
    assert _probs(second) == _probs(first)


def test_a_changed_training_file_invalidates_the_cache(tmp_path: Path) -> None:
    data, cache = _small_data(tmp_path), tmp_path / "cache"
    load_stage(cache, NAMES, data)
    path = data / f"profiles_{NAMES[1]}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", "utf-8")
    _, source = load_stage(cache, NAMES, data)
    assert source == "fitted"
    assert len(list(cache.glob("recall_stage-*.pkl"))) == 2
    assert load_stage(cache, NAMES, data)[1] == "cache"


def test_an_unreadable_cache_file_is_refitted(tmp_path: Path) -> None:
    data, cache = _small_data(tmp_path), tmp_path / "cache"
    load_stage(cache, NAMES, data)
    (only,) = cache.glob("recall_stage-*.pkl")
    only.write_bytes(b"truncated")
    stage, source = load_stage(cache, NAMES, data)
    assert source == "fitted" and stage is not None
    assert load_stage(cache, NAMES, data)[1] == "cache"


def test_concurrent_first_loads_leave_one_complete_file(tmp_path: Path) -> None:
    data, cache = _small_data(tmp_path), tmp_path / "cache"
    results: list[str] = []
    errors: list[BaseException] = []

    def load() -> None:
        try:
            results.append(load_stage(cache, NAMES, data)[1])
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 3
    assert len(list(cache.glob("recall_stage-*.pkl"))) == 1 and not list(cache.glob("*.tmp"))
    assert load_stage(cache, NAMES, data)[1] == "cache"


def test_no_cache_dir_always_fits(tmp_path: Path) -> None:
    data = _small_data(tmp_path)
    assert load_stage(None, NAMES, data)[1] == "fitted"
    assert load_stage(None, NAMES, data)[1] == "fitted"
