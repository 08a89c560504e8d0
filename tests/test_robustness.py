"""The robustness analysis: baseline equals the published method, intervals, sensitivity."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from markupsafe import escape
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.core.numbers import format_number
from kuntaprofiili.core.robustness import (
    FACTORS,
    Robustness,
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
from kuntaprofiili.i18n import message
from kuntaprofiili.views.charts import (
    RANK_PAD,
    RANK_WIDTH,
    rank_interval_svg,
    rank_ticks,
    rank_x,
)
from kuntaprofiili.views.robustness_html import render_robustness_html
from kuntaprofiili.views.robustness_view import noise_texts, not_varied
from test_html_report import check_html


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

    sheet = SHEET
    out = tmp_path / "herkkyys.xlsx"
    result = CliRunner().invoke(
        app, ["robustness", str(sheet), "--runs", "60", "--lang", "en", "--xlsx", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Which choice moves the ranks most" in result.stdout
    assert "is therefore noise" in result.stdout
    assert "Not varied:" in result.stdout
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Ranks", "Choices"]
    assert [c.value for c in book["Ranks"][2]][:3] == ["municipality", "rank", "median_rank"]


# -- the HTML page, the workbook and batch --robustness ------------------------------------

SHEET = Path(__file__).parent.parent / "examples" / "kunnat-2026.csv"


@pytest.fixture(scope="module")
def result(default: Questionnaire, table: ScoreTable) -> Robustness:
    return analyse(default, table, runs=60, seed=4)


def names_of(result: Robustness) -> list[str]:
    return [f"Kunta {k:02d}" for k in range(len(result.rows))]


@pytest.mark.parametrize(
    ("count", "ticks"),
    [
        (1, [1]),
        (2, [1, 2]),
        (8, [1, 2, 4, 6, 8]),
        (60, [1, 10, 20, 30, 40, 50, 60]),
        (308, [1, 100, 200, 308]),
        (283, [1, 50, 100, 150, 200, 283]),
    ],  # fmt: skip
)
def test_rank_axis_ticks_start_at_one_and_end_at_the_last_rank(
    count: int, ticks: list[int]
) -> None:
    assert rank_ticks(count) == ticks


def test_rank_scale_puts_the_best_rank_left_and_the_last_right() -> None:
    assert rank_x(1, 50) == RANK_PAD
    assert rank_x(50, 50) == RANK_WIDTH - RANK_PAD
    assert rank_x(25.5, 50) == pytest.approx(RANK_WIDTH / 2)


def test_shares_are_between_zero_and_the_total(result: Robustness) -> None:
    shares = result.shares()
    assert [f for f, _, _ in shares] == sorted(FACTORS, key=lambda f: -max(result.total[f], 0))
    assert all(0 <= first <= total for _, first, total in shares)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_html_page_is_valid_and_shows_every_part(
    default: Questionnaire, result: Robustness, lang: str
) -> None:
    html = render_robustness_html(result, names_of(result), default, lang, 4, "2026-01-31")
    assert check_html(html) == []
    assert f'<html lang="{lang}">' in html
    n = len(result.rows)
    assert html.count('<svg class="rank-bar"') == n
    for key in (
        "robustness.html.heading_ranks",
        "robustness.sensitivity",
        "robustness.html.heading_conclusion",
        "robustness.html.heading_method",
    ):
        assert f"<h2>{escape(message(key, lang))}</h2>" in html
    assert escape(noise_texts(result, lang)[0]) in html
    for fixed in not_varied(lang):
        assert f"<li>{escape(fixed)}</li>" in html
    for factor in FACTORS:
        assert escape(message(f"robustness.factor.{factor}", lang)) in html
    assert "2026-01-31" in html  # the footer's date


def test_html_rows_are_in_order_of_median_rank(default: Questionnaire, result: Robustness) -> None:
    html = render_robustness_html(result, names_of(result), default, "fi", 4)
    shown = re.findall(r'<tr><th scope="row">(Kunta \d+)</th>', html)
    medians = [result.median_rank[int(name.split()[1])] for name in shown]
    assert len(shown) == len(result.rows)
    assert medians == sorted(medians)
    first = int(shown[0].split()[1])
    low = format_number(result.rank_low[first], "fi", 0)
    high = format_number(result.rank_high[first], "fi", 0)
    assert f'<td class="num">{low}–{high}</td>' in html
    assert not re.search(r'<td class="num">\d+\.\d', html)  # decimal commas in Finnish


def test_html_interval_bar_spans_the_5_to_95_ranks() -> None:
    svg = rank_interval_svg(3.0, 5.0, 9.0, 11)
    x, width = (
        float(v)
        for v in re.findall(r'class="rank-interval" x="([\d.]+)" y="2" width="([\d.]+)"', svg)[0]
    )
    assert x == pytest.approx(rank_x(3, 11), abs=0.1)
    assert x + width == pytest.approx(rank_x(9, 11), abs=0.1)
    assert f'x1="{rank_x(5, 11):.1f}"' in svg


def test_html_escapes_a_municipality_name(default: Questionnaire, result: Robustness) -> None:
    names = ["<script>alert(1)</script>", *names_of(result)[1:]]
    html = render_robustness_html(result, names, default, "fi", 4)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert check_html(html) == []


def test_robustness_command_writes_html_and_refuses_to_overwrite(tmp_path: Path) -> None:
    page = tmp_path / "herkkyys.html"
    args = ["robustness", str(SHEET), "--runs", "60", "--lang", "fi", "--html", str(page)]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    html = page.read_text(encoding="utf-8")
    assert check_html(html) == []
    assert html.count('<svg class="rank-bar"') == 8
    assert "Maarianhamina" in html and "Menetelmän herkkyys: 60 ajoa, 8 kuntaa" in html
    assert f"Kirjoitettu: {page}" in first.stderr
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 1
    assert "--force" in again.stderr and "Traceback" not in again.output
    assert page.read_text(encoding="utf-8") == html
    forced = CliRunner().invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output


def test_workbook_reads_in_finnish_above_the_stable_ids(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "herkkyys.xlsx"
    done = CliRunner().invoke(
        app, ["robustness", str(SHEET), "--runs", "60", "--lang", "fi", "--xlsx", str(out)]
    )
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Sijat", "Valinnat"]
    ranks, choices = book["Sijat"], book["Valinnat"]
    assert [c.value for c in ranks[1]][:3] == ["Kunta", "Sija", "Mediaanisija"]
    assert [c.value for c in ranks[2]][:3] == ["municipality", "rank", "median_rank"]
    assert ranks["F3"].number_format == "0.0%"  # band changes as a share
    assert [c.value for c in choices[1]] == [
        "Tunnus", "Valinta", "Ensimmäisen kertaluvun osuus", "Kokonaisosuus",
    ]  # fmt: skip
    assert {choices.cell(row, 1).value for row in range(3, 7)} == set(FACTORS)
    totals = [choices.cell(row, 4).value for row in range(3, 7)]
    assert all(isinstance(v, int | float) and 0 <= v <= 1 for v in totals), totals
    assert choices["D3"].number_format == "0.0%"


def test_batch_robustness_prints_the_same_report_after_the_batch(tmp_path: Path) -> None:
    out = tmp_path / "tulokset.xlsx"
    batch = CliRunner().invoke(
        app,
        [
            "batch",
            str(SHEET),
            "-o",
            str(out),
            "--robustness",
            "--runs",
            "80",
            "--seed",
            "5",
            "--lang",
            "en",
        ],  # fmt: skip
        env={"COLUMNS": "120"},
    )
    assert batch.exit_code == 0, batch.output
    assert out.exists()
    alone = CliRunner().invoke(
        app,
        ["robustness", str(SHEET), "--runs", "80", "--seed", "5", "--lang", "en"],
        env={"COLUMNS": "120"},
    )
    assert alone.exit_code == 0, alone.output
    report = alone.stdout.strip()
    assert report.startswith("Sensitivity to the method: 80 runs, 8 municipalities")
    summary, _, after = batch.stdout.partition("Sensitivity to the method")
    assert "Summary" in summary or "Municipalities" in summary
    assert ("Sensitivity to the method" + after).strip() == report


def test_batch_without_robustness_prints_no_report(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["batch", str(SHEET), "-o", str(tmp_path / "t.csv")])
    assert done.exit_code == 0, done.output
    assert message("robustness.sensitivity", "fi") not in done.stdout


def test_batch_robustness_with_one_scored_row_says_so(tmp_path: Path) -> None:
    one = tmp_path / "yksi.csv"
    one.write_text("".join(SHEET.read_text(encoding="utf-8-sig").splitlines(True)[:2]), "utf-8")
    out = tmp_path / "t.csv"
    done = CliRunner().invoke(app, ["batch", str(one), "-o", str(out), "--robustness"])
    assert done.exit_code == 1
    assert out.exists()  # the batch's own output is written before the analysis
    assert message("robustness.too_few", "fi", path=str(one), n=1) in " ".join(done.stderr.split())
    assert "Traceback" not in done.output


def test_batch_robustness_leaves_rejected_rows_out_and_still_exits_3(tmp_path: Path) -> None:
    lines = SHEET.read_text(encoding="utf-8-sig").splitlines(True)
    bad = lines[1].replace("Helsinki;2026;ei;", "Helsinki;2026;ehkä;", 1)
    assert bad != lines[1]
    sheet = tmp_path / "kunnat.csv"
    sheet.write_text("".join([lines[0], bad, *lines[2:]]), encoding="utf-8")
    out = tmp_path / "t.csv"
    done = CliRunner().invoke(
        app, ["batch", str(sheet), "-o", str(out), "--robustness", "--runs", "50", "--lang", "en"]
    )
    assert done.exit_code == 3, done.output
    assert "Sensitivity to the method: 50 runs, 7 municipalities" in done.stdout
    assert "Helsinki" not in done.stdout.partition("Sensitivity to the method")[2]
