"""Benchmark of ``kuntaprofiili batch`` against its floors, measured in the same run.

Run:  python benchmarks/bench_batch.py            (CSV N = 1,000 / 10,000 / 100,000; XLSX 50,000)
      python benchmarks/bench_batch.py --full     (adds CSV N = 1,000,000, for peak memory)

Floors, each timed in fresh processes interleaved with the batch runs (medians):
CSV: pandas reading the file as text and writing it back, and pyarrow's CSV reader and
writer doing the same; XLSX: python-calamine reading the workbook's sheet alone. The last
table prints every ratio against its target.

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
import importlib.util
import math
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
REPEATS = {1_000: 5, 10_000: 5, 100_000: 5, 1_000_000: 1}
XLSX_ROWS, XLSX_REPEATS = 50_000, 3
FLOOR = (
    "import sys, pandas as pd;"
    "f = pd.read_csv(sys.argv[1], sep=';', dtype=str, keep_default_na=False, encoding='utf-8-sig');"
    "f.to_csv(sys.argv[2], sep=';', index=False, encoding='utf-8-sig')"
)
ARROW = (
    "import sys, pyarrow as pa, pyarrow.csv as c;"
    "names = open(sys.argv[1], encoding='utf-8-sig').readline().rstrip('\\n').split(';');"
    "t = c.read_csv(sys.argv[1], parse_options=c.ParseOptions(delimiter=';'),"
    " convert_options=c.ConvertOptions(column_types={n: pa.string() for n in names}));"
    "c.write_csv(t, sys.argv[2], c.WriteOptions(delimiter=';'))"
)
CALAMINE = (
    "import sys; from python_calamine import CalamineWorkbook;"
    "CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()"
)
TARGETS = {  # (case, floor) -> the most batch may take, as a multiple of the floor
    ("CSV 100,000", "pandas read+write"): 1.0,
    ("XLSX 50,000", "calamine read"): 3.0,
}
MAX_MB_1M = 1_500


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
            # a fact the data lacks (frame_city_km without a central city) stays blank
            data[item.id] = (
                values.map(lambda v: "" if pd.isna(v) else str(int(v)))
                if item.numeric
                else values.fillna("").astype(str)
            )
        else:
            data[item.id] = _answers(item, rows, rng)
    return pd.DataFrame(data, columns=headers)


def write_sheet(rows: int, path: Path) -> None:
    """Write the synthetic sheet (Finnish Excel CSV, or an XLSX by openpyxl's write-only
    mode) and print the library versions."""
    import numpy as np
    import pandas as pd

    frame = synthetic_sheet(rows)
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Kunnat")
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append(list(row))
        book.save(path)
    else:
        frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
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


def generate(rows: int, source: Path) -> str:
    """Write the synthetic sheet in a child process; the library versions it used."""
    command = [sys.executable, __file__, "--generate", str(rows), str(source)]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def batch_command(source: Path, out: Path) -> list[str]:
    """``kuntaprofiili batch SOURCE -o OUT --force`` in a fresh interpreter."""
    return [sys.executable, "-m", "kuntaprofiili", "batch", str(source), "-o", str(out), "--force"]


def interleaved(commands: dict[str, list[str]], repeats: int) -> dict[str, tuple[float, float]]:
    """Each command run ``repeats`` times, taking turns; median seconds and peak MB."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for turn in range(repeats):
        names = list(commands) if turn % 2 == 0 else list(reversed(commands))
        for name in names:
            runs[name].append(run(commands[name]))
    return {
        name: (statistics.median(s for s, _ in got), max(m for _, m in got))
        for name, got in runs.items()
    }


def measure(rows: int, folder: Path) -> tuple[dict[str, float], str]:
    """Median floor and batch times for one N of CSV rows, with peak memory."""
    source = folder / f"in_{rows}.csv"
    versions = generate(rows, source)
    commands = {
        "floor": [sys.executable, "-c", FLOOR, str(source), str(folder / "floor.csv")],
        "arrow": [sys.executable, "-c", ARROW, str(source), str(folder / "arrow.csv")],
        "batch": batch_command(source, folder / "out.csv"),
    }
    if importlib.util.find_spec("pyarrow") is None:  # a dependency; missing only in odd set-ups
        del commands["arrow"]
    got = interleaved(commands, REPEATS[rows])
    got.setdefault("arrow", (math.nan, math.nan))
    figures = {
        "rows": rows,
        "floor": got["floor"][0],
        "arrow": got["arrow"][0],
        "batch": got["batch"][0],
        "ratio": got["batch"][0] / got["floor"][0],
        "arrow_ratio": got["batch"][0] / got["arrow"][0],
        "us_row": got["batch"][0] / rows * 1e6,
        "floor_mb": got["floor"][1],
        "batch_mb": got["batch"][1],
        "mb_in": source.stat().st_size / 1e6,
    }
    return figures, versions


def measure_xlsx(rows: int, folder: Path) -> dict[str, float]:
    """Median calamine read and batch XLSX -> XLSX times for ``rows`` rows."""
    source = folder / f"in_{rows}.xlsx"
    generate(rows, source)
    commands = {
        "calamine": [sys.executable, "-c", CALAMINE, str(source)],
        "batch": batch_command(source, folder / "out.xlsx"),
    }
    got = interleaved(commands, XLSX_REPEATS)
    return {
        "rows": rows,
        "floor": got["calamine"][0],
        "batch": got["batch"][0],
        "batch_mb": got["batch"][1],
        "mb_in": source.stat().st_size / 1e6,
    }


def print_table(results: list[dict[str, float]]) -> None:
    """The CSV figures as a Markdown table (pasted into the README)."""
    print(
        "| rows | input MB | pandas r+w s | pyarrow r+w s | batch s | ÷ pandas | ÷ pyarrow "
        "| batch µs/row | marginal µs/row | peak MB pandas | peak MB batch |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    previous: dict[str, float] | None = None
    for r in results:
        # the cost of the extra rows since the previous size: flat when cost is linear in N
        marginal = (
            f"{(r['batch'] - previous['batch']) / (r['rows'] - previous['rows']) * 1e6:.1f}"
            if previous
            else "–"
        )
        print(
            f"| {r['rows']:,} | {r['mb_in']:.1f} | {r['floor']:.2f} | {r['arrow']:.2f} "
            f"| {r['batch']:.2f} | {r['ratio']:.2f} | {r['arrow_ratio']:.1f} "
            f"| {r['us_row']:.1f} | {marginal} | {r['floor_mb']:.0f} | {r['batch_mb']:.0f} |"
        )
        previous = r


def print_targets(results: list[dict[str, float]], xlsx: dict[str, float] | None) -> None:
    """Every ratio against its floor and target, as a Markdown table."""
    lines = []
    for r in results:
        case = f"CSV {r['rows']:,}"
        lines.append((case, "pandas read+write", r["floor"], r["batch"]))
        lines.append((case, "pyarrow read+write", r["arrow"], r["batch"]))
    if xlsx is not None:
        lines.append((f"XLSX {xlsx['rows']:,}", "calamine read", xlsx["floor"], xlsx["batch"]))
    print("| case | floor | floor s | batch s | ratio | target | met |")
    print("|---|---|---:|---:|---:|---:|---|")
    for case, floor, floor_s, batch_s in lines:
        target = TARGETS.get((case, floor))
        ratio = batch_s / floor_s
        met = "–" if target is None else ("yes" if ratio <= target else "no")
        limit = "–" if target is None else f"≤ {target:.1f}×"
        figures = f"{floor_s:.2f} | {batch_s:.2f} | {ratio:.2f}×"
        print(f"| {case} | {floor} | {figures} | {limit} | {met} |")
    for r in results:
        if r["rows"] == 1_000_000:
            met = "yes" if r["batch_mb"] <= MAX_MB_1M else "no"
            print(
                f"| CSV 1,000,000 | peak memory | – | {r['batch_mb']:.0f} MB | – "
                f"| ≤ {MAX_MB_1M:,} MB | {met} |"
            )


def main() -> None:
    """Parse options, run every size, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also run N = 1,000,000")
    parser.add_argument("--sizes", type=int, nargs="*", help="run these N instead")
    parser.add_argument("--xlsx-rows", type=int, default=XLSX_ROWS, help="rows of the XLSX case")
    parser.add_argument("--no-xlsx", action="store_true", help="skip the XLSX case")
    parser.add_argument("--generate", nargs=2, metavar=("N", "PATH"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.generate:
        write_sheet(int(options.generate[0]), Path(options.generate[1]))
        return
    sizes = options.sizes or (FULL if options.full else SIZES)
    results, versions, xlsx = [], "", None
    with tempfile.TemporaryDirectory(prefix="kp-bench-") as folder:
        for size in sizes:
            REPEATS.setdefault(size, 3)
            figures, versions = measure(size, Path(folder))
            results.append(figures)
            print(f"CSV N={size:,} done", file=sys.stderr)
        if not options.no_xlsx:
            xlsx = measure_xlsx(options.xlsx_rows, Path(folder))
            print(f"XLSX N={options.xlsx_rows:,} done", file=sys.stderr)
    print(f"Python {sys.version.split()[0]}, {versions}, {os.cpu_count()} CPUs")
    print_table(results)
    print()
    print_targets(results, xlsx)


if __name__ == "__main__":
    main()
