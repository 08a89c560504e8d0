"""Benchmark of ``core.ranking.rank_measures`` on the inputs ``batch`` gives it.

Run:  python benchmarks/bench_batch.py --generate 100000 /tmp/r/in100k.csv
      python benchmarks/bench_ranking.py /tmp/r/in100k.csv [--repeats 7] [--baseline REF]

It reads the CSV in blocks as ``batch`` does (``read.read_sheet_blocks``, BLOCK_ROWS rows
each), scores them with ``run.score_sheets``, and records every call that run makes to
``rank_measures`` (one per block: the block's rows grouped by their set of types). It
then times, interleaved in the same process, the ranking of REF (default ``main``:
``git show REF:src/kuntaprofiili/core/ranking.py`` loaded as a module) and the ranking
of the working tree on those same calls, and prints the CPU-time medians per run over
all blocks and their ratio. Both must give the same picks and triggers: the script
stops if they differ. This is a figure-printing script, not a test.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from kuntaprofiili.core import ranking as current
from kuntaprofiili.sheets import run
from kuntaprofiili.sheets.read import read_sheet_blocks

ROOT = Path(__file__).resolve().parent.parent


def load_baseline(ref: str) -> Any:
    """``core/ranking.py`` as it is at ``ref``, as a module of its own."""
    text = subprocess.run(
        ["git", "show", f"{ref}:src/kuntaprofiili/core/ranking.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(text)
    spec = importlib.util.spec_from_file_location("ranking_baseline", f.name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ranking_baseline"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def recorded_calls(path: Path) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """The arguments of every ``rank_measures`` call that scoring ``path`` makes."""
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    real = getattr(run, "rank_measures")  # noqa: B009 - run imports it; we wrap it there

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    setattr(run, "rank_measures", recording)  # noqa: B010
    try:
        context = run.load_batch_context()
        run.score_sheets(read_sheet_blocks(path), context, "fi", keep_scores=False)
    finally:
        setattr(run, "rank_measures", real)  # noqa: B010
    return calls


def timed(module: Any, calls: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> float:
    """CPU seconds for ranking every recorded call once."""
    start = time.process_time()
    for args, kwargs in calls:
        module.rank_measures(*args, **kwargs)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--baseline", default="main", help="git ref of the old ranking")
    options = parser.parse_args()
    old = load_baseline(options.baseline)
    calls = recorded_calls(options.csv)
    rows = sum(args[2].rows for args, _ in calls)
    print(f"{len(calls)} calls to rank_measures, {rows:,} rows")
    for args, kwargs in calls:
        a, b = old.rank_measures(*args, **kwargs), current.rank_measures(*args, **kwargs)
        if not (np.array_equal(a.measures, b.measures) and np.array_equal(a.triggers, b.triggers)):
            sys.exit("the two rankings differ")
    times: dict[str, list[float]] = {"baseline": [], "current": []}
    for _ in range(options.repeats):
        times["baseline"].append(timed(old, calls))
        times["current"].append(timed(current, calls))
    base, new = (statistics.median(times[k]) for k in ("baseline", "current"))
    print(f"baseline ({options.baseline}): median {base:.3f} s CPU  runs {times['baseline']}")
    print(f"current (working tree):  median {new:.3f} s CPU  runs {times['current']}")
    print(f"ratio baseline / current: {base / new:.2f}x")


if __name__ == "__main__":
    main()
