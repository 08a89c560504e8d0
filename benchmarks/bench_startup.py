"""Start-up time of ``kuntaprofiili --help`` against a minimal Typer app, in one run.

The machine is shared and noisy, so the commands run interleaved, many times, and the
medians and both ratios of the same run are printed: ``--help`` against a bare Typer app,
and the time until the first question of ``assess`` is on screen against ``--help``. The
target of each is at most 1.3. The floor printed last is what Typer alone costs a bare
app for running a command with assess's kinds of options instead of printing --help.

The first question is timed with the cache of the validated questionnaire in place (every
run after the first), and once more without it (the first run after an install, an
upgrade or a change of the questionnaire), for information. Both of those time the whole
process, which gets end of input at the first prompt and exits: its exit is part of the
figure. So, also for information, the time until the prompt of the first question has
reached the pipe (the moment a user could start typing) is printed beside --help's. The
package's bytecode is compiled first, as pip does on install, so that no run pays for
compiling modules.

    python benchmarks/bench_startup.py [--runs 30]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINIMAL_APP = '''
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(name)


@app.command()
def bye() -> None:
    """Say bye."""


class Colour(str, Enum):
    RED = "red"
    BLUE = "blue"


@app.command()
def options(
    a: Optional[str] = None, b: Optional[str] = None, c: Optional[Colour] = None,
    d: Optional[Path] = None, e: Optional[Path] = None, f: Optional[Path] = None,
    g: Optional[Path] = None, h: Optional[Path] = None, i: Optional[Path] = None,
    j: bool = False, k: Optional[Colour] = None, force: bool = False, debug: bool = False,
) -> None:
    """A command with the option types of assess: typer's own cost of parsing them."""


app()
'''

# The console script's own entry point, as a user starts it; the heavy modules loaded by
# then are reported from an exit hook, after the command has run.
FIRST_QUESTION = """
import atexit, sys
from kuntaprofiili.launch import main
def report():
    heavy = [m for m in ("pandas", "numpy", "openpyxl") if m in sys.modules]
    print("MODULES", " ".join(heavy), file=sys.stderr)
atexit.register(report)
sys.argv = ["kuntaprofiili", "assess", "--municipality", "Espoo"]
main()
"""


def _time(cmd: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done.stderr


def _time_to_prompt(cmd: list[str], env: dict[str, str]) -> float | None:
    """Seconds until the output stops at a prompt (ending in "> "), stdin kept open till then."""
    start = time.perf_counter()
    child = subprocess.Popen(
        cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert child.stdin is not None and child.stdout is not None
    seen, shown = None, b""
    while chunk := os.read(child.stdout.fileno(), 65536):
        shown += chunk
        if seen is None and shown.endswith(b"> "):
            seen = time.perf_counter() - start
            child.stdin.close()  # EOF at the prompt, as in the other runs
    child.wait()
    return seen


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80"}
    import kuntaprofiili

    compileall.compile_dir(Path(kuntaprofiili.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL_APP, encoding="utf-8")
        env["KUNTAPROFIILI_HOME"] = tmp
        ours_cmd = [sys.executable, "-m", "kuntaprofiili", "--help"]
        base_cmd = [sys.executable, str(minimal), "--help"]
        first_cmd = [sys.executable, "-c", FIRST_QUESTION]
        floor_cmd = [sys.executable, str(minimal), "options", "--a", "Espoo"]
        ours, base, first, floor, cold, prompt = [], [], [], [], [], []
        modules = ""
        for run in range(args.runs):
            base.append(_time(base_cmd, env)[0])
            floor.append(_time(floor_cmd, env)[0])
            ours.append(_time(ours_cmd, env)[0])
            elapsed, err = _time(first_cmd, env, stdin="")  # EOF at the first prompt
            first.append(elapsed)
            modules = next((line for line in err.splitlines() if line.startswith("MODULES")), "")
            seen = _time_to_prompt(first_cmd, env)
            if seen is not None:
                prompt.append(seen)
            fresh = {**env, "KUNTAPROFIILI_HOME": str(Path(tmp) / f"fresh-{run}")}
            cold.append(_time(first_cmd, fresh, stdin="")[0])  # no cache yet
    m_ours, m_base, m_first = (
        statistics.median(ours),
        statistics.median(base),
        statistics.median(first),
    )
    print(f"runs: {args.runs} (interleaved)")
    print(f"{'command':44} {'median ms':>10} {'min ms':>8}")
    print(
        f"{'minimal typer app --help (baseline)':44} {m_base * 1000:10.1f} {min(base) * 1000:8.1f}"
    )
    m_floor = statistics.median(floor)
    label = "minimal typer app, 13 options like assess"
    print(f"{label:44} {m_floor * 1000:10.1f} {min(floor) * 1000:8.1f}")
    print(f"{'kuntaprofiili --help':44} {m_ours * 1000:10.1f} {min(ours) * 1000:8.1f}")
    label = "assess: up to the first question (EOF)"
    print(f"{label:44} {m_first * 1000:10.1f} {min(first) * 1000:8.1f}")
    label = "  the same without the questionnaire cache"
    print(f"{label:44} {statistics.median(cold) * 1000:10.1f} {min(cold) * 1000:8.1f}")
    m_prompt = statistics.median(prompt) if prompt else float("nan")
    label = "  its prompt on screen (the exit not counted)"
    print(f"{label:44} {m_prompt * 1000:10.1f} {min(prompt or [m_prompt]) * 1000:8.1f}")
    print(f"ratio --help / bare Typer app:        {m_ours / m_base:.2f} (target <= 1.30)")
    print(f"ratio first question / --help:        {m_first / m_ours:.2f} (target <= 1.30)")
    print(f"  its prompt on screen / --help:      {m_prompt / m_ours:.2f} (for information)")
    # Typer 0.2x coerces every option through a pydantic TypeAdapter, so a bare app pays
    # this much for running a command at all rather than printing its help.
    print(f"floor: bare app's command / its --help: {m_floor / m_base:.2f}")
    heavy = modules.removeprefix("MODULES").strip()
    print(f"heavy modules loaded before the first question: {heavy or 'none'}")


if __name__ == "__main__":
    main()
