"""Identifier throughput on the shared machine (a benchmark, not a test).

    python benchmarks/identify_throughput.py [--copies 18]

Runs ``crawler.identify.identify_many`` over the labelled profile set repeated ``--copies`` times
(10,332 profiles by default) after building the pipeline once; the figure is the best of three
runs. Results go to benchmarks/results/identify.json with the load average, because the machine is
shared and contention lowers the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "identify.json"


def main() -> None:
    from crawler.identify import IDENTIFIER_VERSION, identify_many
    from crawler.identify.io import read_profiles
    from crawler.identify.pipeline import get_nlp
    from crawler.identify.scoring import DEFAULT_LABELLED

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=18)
    copies = parser.parse_args().copies
    profiles = [row.profile for row in read_profiles(DEFAULT_LABELLED)] * copies
    started = time.perf_counter()
    get_nlp()
    build = time.perf_counter() - started
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        count = sum(1 for _ in identify_many(profiles))
        best = min(best, time.perf_counter() - started)
    result = {
        "identifier": IDENTIFIER_VERSION,
        "profiles": count,
        "seconds": round(best, 2),
        "profiles_per_second": round(count / best),
        "pipeline_build_seconds": round(build, 2),
        "load_average": os.getloadavg()[0],
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
