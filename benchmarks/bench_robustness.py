"""Benchmark of the robustness analysis: 1,000 runs over 308 municipalities.

Run:  python benchmarks/bench_robustness.py [--runs 1000] [--rows 308] [--repeats 5]

Prints the median wall time of ``core.robustness.analyse`` (the Monte Carlo runs plus
the 6 x runs evaluations of the sensitivity estimators) next to a baseline measured in
the same process: ``scoring.score_columns`` called once per run, i.e. what the same
number of plain scoring passes costs. The target is a few seconds on one core.
This is a figure-printing script, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))


def main() -> None:
    """Time both and print the medians and their ratio."""
    from kuntaprofiili.core.robustness import analyse
    from kuntaprofiili.core.scoring import score_columns
    from kuntaprofiili.files.questionnaire_file import load_questionnaire
    from kuntaprofiili.files.resources import default_questionnaire
    from test_robustness import random_columns

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=308)
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    questionnaire = load_questionnaire(default_questionnaire())
    columns = random_columns(questionnaire, options.rows, seed=1)
    table = score_columns(questionnaire, columns)

    def plain() -> None:
        for _ in range(options.runs):
            score_columns(questionnaire, columns)

    def robust() -> None:
        analyse(questionnaire, table, runs=options.runs, seed=0)

    times = {}
    for name, job in (("baseline", plain), ("robustness", robust)):
        spent = []
        for _ in range(options.repeats):
            start = time.perf_counter()
            job()
            spent.append(time.perf_counter() - start)
        times[name] = statistics.median(spent)
    print(f"{options.runs} runs x {options.rows} municipalities, median of {options.repeats}")
    print(f"baseline: score_columns x {options.runs}: {times['baseline']:.2f} s")
    print(f"robustness.analyse (incl. sensitivity): {times['robustness']:.2f} s")
    print(f"ratio: {times['robustness'] / times['baseline']:.2f}")


if __name__ == "__main__":
    main()
