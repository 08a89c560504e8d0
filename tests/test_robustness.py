"""The robustness analysis: baseline equals the published method, intervals, sensitivity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.core.robustness import (
    FACTORS,
    Spreads,
    analyse,
    baseline,
    build_model,
    overall_scores,
    ranks,
)
from kuntaprofiili.core.scoring import FloatArray, ScoreTable, score_columns
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire


def random_columns(questionnaire: Questionnaire, rows: int, seed: int) -> dict[str, FloatArray]:
    """Encoded answers for ``rows`` made-up municipalities (about 10 % don't know)."""
    rng = np.random.default_rng(seed)
    columns: dict[str, FloatArray] = {}
    for item in questionnaire.items:
        if item.indicator is not None:
            low, high = item.indicator.min, item.indicator.max
            lb, opt = item.indicator.lower_bound, item.indicator.optimum
            if lb is not None and opt is not None:
                low, high = min(lb, opt) - abs(opt - lb) * 0.2, max(lb, opt) + abs(opt - lb) * 0.2
            values = rng.uniform(max(low, item.indicator.min), min(high, item.indicator.max), rows)
        else:
            values = rng.integers(0, len(item.choices), rows).astype(float)
        if item.dont_know:
            values[rng.random(rows) < 0.1] = np.nan
        columns[item.id] = values
    return columns


@pytest.fixture(scope="module")
def default() -> Questionnaire:
    return load_questionnaire(default_questionnaire())


@pytest.fixture(scope="module")
def table(default: Questionnaire) -> ScoreTable:
    return score_columns(default, random_columns(default, 60, seed=1))


def test_baseline_run_is_the_published_method(default: Questionnaire, table: ScoreTable) -> None:
    model, rows = build_model(default, table)
    assert len(rows) > 30
    base = overall_scores(model, baseline(model))[0]
    assert base == pytest.approx(table.overall[rows])


def test_ranks_are_one_based_and_best_first() -> None:
    assert ranks(np.array([[10.0, 30.0, np.nan, 20.0]])).tolist() == [[3.0, 1.0, 4.0, 2.0]]


def test_nothing_varied_means_no_uncertainty(default: Questionnaire, table: ScoreTable) -> None:
    still = Spreads(weight=0.0, goalpost=0.0, leave_out=0.0)
    result = analyse(default, table, runs=40, seed=3, spreads=still)
    geometric_only = result.rank_high - result.rank_low
    assert result.first_order["weights"] == pytest.approx(0.0, abs=1e-9)
    assert result.total["left_out"] == pytest.approx(0.0, abs=1e-9)
    assert geometric_only.max() >= 0  # only the aggregation moves ranks


def test_intervals_hold_the_median_and_shares_are_sane(
    default: Questionnaire, table: ScoreTable
) -> None:
    result = analyse(default, table, runs=200, seed=2)
    assert np.all(result.rank_low <= result.median_rank)
    assert np.all(result.median_rank <= result.rank_high)
    assert np.all((0 <= result.band_change) & (result.band_change <= 1))
    assert set(result.first_order) == set(FACTORS)
    assert all(-0.3 < v < 1.3 for v in result.total.values())
    assert result.noise_places > 0


def test_same_seed_same_result(default: Questionnaire, table: ScoreTable) -> None:
    one = analyse(default, table, runs=50, seed=9)
    two = analyse(default, table, runs=50, seed=9)
    assert np.array_equal(one.median_rank, two.median_rank)


def test_robustness_command_prints_and_writes_xlsx(tmp_path: Path) -> None:
    import openpyxl
    from typer.testing import CliRunner

    from kuntaprofiili.cli import app

    sheet = Path(__file__).parent.parent / "examples" / "kunnat-2026.csv"
    out = tmp_path / "herkkyys.xlsx"
    result = CliRunner().invoke(
        app, ["robustness", str(sheet), "--runs", "60", "--lang", "en", "--xlsx", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Which choice moves the ranks most" in result.stdout
    assert "is therefore noise" in result.stdout
    assert "Not varied:" in result.stdout
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["ranks", "choices"]
    assert [c.value for c in book["ranks"][1]][:3] == ["municipality", "rank", "median_rank"]
