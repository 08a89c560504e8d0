"""The error path against the happy path: a sheet of unknown municipality names.

Run:  python benchmarks/bench_unknown_names.py [--rows 100000] [--repeats 3]

Two sheets of the same size and columns (the test questionnaire ``tests/fixtures/mini.yaml``):
one whose rows all name a real municipality, and one whose rows each name a different
place that does not exist, so every row is rejected with the closest spellings. Both are
run through ``kuntaprofiili batch`` in fresh processes, taking turns; the medians and their
ratio are printed. The issue's floor: the error path as fast as the happy path, and
100,000 rows of unknown names in seconds (difflib per name took 26 ms a row, about 45
minutes). This is a figure-printing script, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINI = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "mini.yaml"
PLACES = ("Helsinki", "Kajaani", "Raasepori", "Jomala", "Forssa", "Hyrynsalmi")


def write(path: Path, rows: int, unknown: bool) -> None:
    """``rows`` rows: real names in turn, or a distinct misspelt name per row."""
    names = (
        (f"Kunta {i} Helsinky" for i in range(rows))
        if unknown
        else (PLACES[i % len(PLACES)] for i in range(rows))
    )
    body = "\n".join(f"{name};kyllä" for name in names)
    path.write_text("kunta;climate_plan\n" + body + "\n", encoding="utf-8")


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()}")
    return time.perf_counter() - start


def main() -> None:
    """Print the medians of both runs and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        runs: dict[str, list[float]] = {"known names": [], "unknown names": []}
        commands = {}
        for name in runs:
            source = Path(folder) / f"{name.split()[0]}.csv"
            write(source, args.rows, unknown=name == "unknown names")
            out = Path(folder) / f"{name.split()[0]}.out.csv"
            commands[name] = [sys.executable, "-m", "kuntaprofiili", "batch", str(source)]
            commands[name] += ["-q", str(MINI), "-o", str(out), "--force", "--lang", "en"]
        for turn in range(args.repeats):
            for name in list(runs) if turn % 2 == 0 else list(reversed(runs)):
                runs[name].append(timed(commands[name]))
    known, unknown = (statistics.median(runs[n]) for n in runs)
    print(f"rows: {args.rows:,}, medians of {args.repeats} runs, taking turns")
    print(f"known names:   {known:6.2f} s")
    print(f"unknown names: {unknown:6.2f} s   ({unknown / known:.2f}x the known names)")


if __name__ == "__main__":
    main()
