"""Benchmark of ``kuntaprofiili batch``, CSV to CSV, next to pandas' own read and write.

Run:  python benchmarks/bench_batch.py            (N = 1,000 / 10,000 / 100,000)
      python benchmarks/bench_batch.py --full     (adds N = 1,000,000)

For each N it writes N synthetic rows with the template's columns (Finnish Excel CSV:
``;``, decimal comma, BOM), then times, in fresh processes, (a) pandas reading that file
as text and writing it back (the floor: no tool can read and write the same file
faster) and (b) ``kuntaprofiili batch IN -o OUT``. It prints the medians, their ratio,
the cost per row (overall, and marginal: the extra time per extra row since the
previous N, which stays flat when the cost is linear), and each process's peak memory
(ru_maxrss from wait4). Timings include Python's start-up and imports in both columns.

The synthetic rows: a unique made-up municipality name (so no row is a duplicate), a
year, profile facts copied from a random real municipality (the type comes from these),
and random answers: codes or Finnish labels, 5 % "en tiedä", 10 % empty, numbers with a
decimal comma. This is a figure-printing script, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# The measuring process imports nothing heavy and holds no data: on Linux a child's
# ru_maxrss starts from its parent's, so a big parent would inflate every figure.
# The sheet is generated, and its libraries imported, in a child process of its own.

SIZES = (1_000, 10_000, 100_000)
FULL = (*SIZES, 1_000_000)
REPEATS = {1_000: 5, 10_000: 5, 100_000: 3, 1_000_000: 1}
FLOOR = (
    "import sys, pandas as pd;"
    "f = pd.read_csv(sys.argv[1], sep=';', dtype=str, keep_default_na=False, encoding='utf-8-sig');"
    "f.to_csv(sys.argv[2], sep=';', index=False, encoding='utf-8-sig')"
)


def synthetic_sheet(rows: int, seed: int = 1) -> Any:
    """``rows`` rows of text cells with the template's columns, as a DataFrame."""
    import numpy as np
    import pandas as pd

    from kuntaprofiili.core.municipality import profile_answers
    from kuntaprofiili.files.municipality_file import load_municipalities
    from kuntaprofiili.files.questionnaire_file import load_questionnaire
    from kuntaprofiili.files.resources import default_questionnaire
    from kuntaprofiili.sheets.template import build_template

    questionnaire = load_questionnaire(default_questionnaire())
    rng = np.random.default_rng(seed)
    headers = [c.header for c in build_template(questionnaire, "fi").columns]
    places = load_municipalities()
    facts = pd.DataFrame([profile_answers(m) for m in places])
    picked = facts.iloc[rng.integers(0, len(places), rows)].reset_index(drop=True)
    data: dict[str, object] = {
        "municipality": np.char.add("Testikunta ", np.arange(1, rows + 1).astype(str)),
        "year": rng.integers(2015, 2026, rows).astype(str),
    }
    for item in questionnaire.items:
        if item.id in picked.columns:
            values = picked[item.id]
            data[item.id] = values.astype(int).astype(str) if item.numeric else values.astype(str)
        else:
            data[item.id] = _answers(item, rows, rng)
    return pd.DataFrame(data, columns=headers)


def write_sheet(rows: int, path: Path) -> None:
    """Write the synthetic sheet as Finnish Excel CSV and print the library versions."""
    import numpy as np
    import pandas as pd

    synthetic_sheet(rows).to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    print(f"pandas {pd.__version__}, numpy {np.__version__}")


def _answers(item: Any, rows: int, rng: Any) -> Any:
    import numpy as np

    if item.indicator is not None:
        ind = item.indicator
        low, high = sorted((ind.lower_bound or ind.min, ind.optimum or ind.max))
        span = (high - low) * 0.2
        numbers = rng.uniform(max(ind.min, low - span), min(ind.max, high + span), rows)
        cells = np.char.replace(np.char.mod("%.1f", numbers), ".", ",")
    else:
        options = [c.code for c in item.choices] + [c.label.fi for c in item.choices]
        cells = np.array(options, dtype=object)[rng.integers(0, len(options), rows)]
    roll = rng.random(rows)
    cells = np.where(roll < 0.05, "en tiedä", cells)
    return np.where(roll > 0.90, "", cells)


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode() if child.stderr else ""
    if child.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{errors}")
    return seconds, usage.ru_maxrss / 1024


def measure(rows: int, folder: Path) -> tuple[dict[str, float], str]:
    """Median floor and batch times for one N, with peak memory; and the versions used."""
    source = folder / f"in_{rows}.csv"
    generate = [sys.executable, __file__, "--generate", str(rows), str(source)]
    versions = subprocess.run(generate, check=True, capture_output=True, text=True).stdout.strip()
    floor, batch = [], []
    for _ in range(REPEATS[rows]):
        floor.append(run([sys.executable, "-c", FLOOR, str(source), str(folder / "floor.csv")]))
        out = folder / "out.csv"
        batch.append(
            run(
                [
                    sys.executable,
                    "-m",
                    "kuntaprofiili",
                    "batch",
                    str(source),
                    "-o",
                    str(out),
                    "--force",
                ]
            )
        )
    floor_s = statistics.median(s for s, _ in floor)
    batch_s = statistics.median(s for s, _ in batch)
    figures = {
        "rows": rows,
        "floor": floor_s,
        "batch": batch_s,
        "ratio": batch_s / floor_s,
        "us_row": batch_s / rows * 1e6,
        "floor_mb": max(m for _, m in floor),
        "batch_mb": max(m for _, m in batch),
        "mb_in": source.stat().st_size / 1e6,
    }
    return figures, versions


def print_table(results: list[dict[str, float]]) -> None:
    """The figures as a Markdown table (pasted into the README)."""
    print(
        "| rows | input MB | pandas read+write s | batch s | ratio | batch µs/row "
        "| marginal µs/row | peak MB pandas | peak MB batch |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    previous: dict[str, float] | None = None
    for r in results:
        # the cost of the extra rows since the previous size: flat when cost is linear in N
        marginal = (
            f"{(r['batch'] - previous['batch']) / (r['rows'] - previous['rows']) * 1e6:.1f}"
            if previous
            else "–"
        )
        print(
            f"| {r['rows']:,} | {r['mb_in']:.1f} | {r['floor']:.2f} | {r['batch']:.2f} "
            f"| {r['ratio']:.2f} | {r['us_row']:.1f} | {marginal} | {r['floor_mb']:.0f} "
            f"| {r['batch_mb']:.0f} |"
        )
        previous = r


def main() -> None:
    """Parse options, run every size, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also run N = 1,000,000")
    parser.add_argument("--sizes", type=int, nargs="*", help="run these N instead")
    parser.add_argument("--generate", nargs=2, metavar=("N", "PATH"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.generate:
        write_sheet(int(options.generate[0]), Path(options.generate[1]))
        return
    sizes = options.sizes or (FULL if options.full else SIZES)
    results, versions = [], ""
    with tempfile.TemporaryDirectory(prefix="kp-bench-") as folder:
        for size in sizes:
            REPEATS.setdefault(size, 3)
            figures, versions = measure(size, Path(folder))
            results.append(figures)
            print(f"N={size:,} done", file=sys.stderr)
    print(f"Python {sys.version.split()[0]}, {versions}, {os.cpu_count()} CPUs")
    print_table(results)


if __name__ == "__main__":
    main()
