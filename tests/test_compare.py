"""Compare two assessments: what changed, split into the method's and the municipality's part."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.core.answers import AnswerValue
from kuntaprofiili.core.compare import Comparison, Split, compare
from kuntaprofiili.core.model import Dimension, Questionnaire
from kuntaprofiili.core.numbers import format_signed as signed
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.safeio import read_yaml
from kuntaprofiili.i18n import message
from kuntaprofiili.views.compare_view import build_comparison

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini.yaml"


def _indicator(raw: dict[str, Any], item_id: str) -> dict[str, Any]:
    for section in raw["sections"]:
        for item in section["items"]:
            if item["id"] == item_id:
                indicator: dict[str, Any] = item["indicator"]
                return indicator
    raise KeyError(item_id)


@pytest.fixture
def mini_v2_path(tmp_path: Path) -> Path:
    """mini.yaml as version 2: other CO2 and fibre bounds, and no participation item."""
    raw = read_yaml(MINI, 1_000_000, "questionnaire")
    raw["version"] = "2"
    _indicator(raw, "co2_per_capita")["lower_bound"] = 10  # 7 t scored 50, now 37.5
    _indicator(raw, "broadband_share")["optimum"] = 100  # 55 % scored 50, now 43.75
    social = next(s for s in raw["sections"] if s["id"] == "soc")
    social["items"] = [i for i in social["items"] if i["id"] != "participation"]
    social["items"].append({**social["items"][0], "id": "equality_plan"})
    path = tmp_path / "mini-v2.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def mini_v2(mini_v2_path: Path) -> Questionnaire:
    return load_questionnaire(mini_v2_path)


@pytest.fixture
def newer(mini_answers: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
    """A year later: emissions down to 5 t, a digital roadmap in part."""
    return {**mini_answers, "co2_per_capita": 5.0, "digital_roadmap": "partly"}


def _splits(comparison: Comparison) -> list[Split]:
    return (
        [d.score for d in comparison.dimensions]
        + [comparison.overall]
        + [i.score for i in comparison.items]
    )


def test_same_questionnaire_every_change_is_the_municipalitys(
    mini: Questionnaire, mini_answers: dict[str, AnswerValue], newer: dict[str, AnswerValue]
) -> None:
    result = compare(mini, mini_answers, mini, newer)
    assert not result.method_changed
    tech = result.dimension(Dimension.TECHNOLOGICAL).score
    assert (tech.old, tech.new, tech.total) == (
        25.0,
        50.0,
        25.0,
    )  # (roadmap 0 -> 50 + fibre 50) / 2
    for split in _splits(result):
        assert split.method in (0.0, None)
        assert split.total == split.municipality
    assert result.item("digital_roadmap").score.total == pytest.approx(50.0)
    assert not result.item("welfare_report").changed


def test_new_method_splits_the_change_exactly(
    mini: Questionnaire,
    mini_v2: Questionnaire,
    mini_answers: dict[str, AnswerValue],
    newer: dict[str, AnswerValue],
) -> None:
    result = compare(mini, mini_answers, mini_v2, newer)
    assert result.method_changed
    for split in _splits(result):
        if split.total is not None:
            assert split.method is not None and split.municipality is not None
            assert split.method + split.municipality == pytest.approx(split.total)
    co2 = result.item("co2_per_capita").score
    assert co2.old == pytest.approx(50.0)  # old bounds 12 -> 2
    assert co2.method == pytest.approx(-12.5)  # same 7 t under the bounds 10 -> 2
    assert co2.municipality == pytest.approx(25.0)  # 7 t -> 5 t under the new bounds
    fibre = result.item("broadband_share")
    assert fibre.old_answer == fibre.new_answer
    assert fibre.score.municipality == pytest.approx(0.0)
    assert fibre.score.method == pytest.approx(43.75 - 50.0)


def test_items_that_come_and_go_are_listed(
    mini: Questionnaire, mini_v2: Questionnaire, mini_answers: dict[str, AnswerValue]
) -> None:
    result = compare(mini, mini_answers, mini_v2, mini_answers)
    gone = result.item("participation")
    assert not gone.in_new and gone.changed
    assert gone.score.old == pytest.approx(60.0) and gone.score.rescored is None
    added = result.item("equality_plan")
    assert not added.in_old and added.changed


def test_missing_scores_give_no_difference() -> None:
    split = Split(old=None, rescored=40.0, new=50.0)
    assert (split.total, split.method, split.municipality) == (None, None, 10.0)
    assert split.changed


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [(5.0, "fi", "+5,0"), (-3.25, "en", "−3.2"), (0.01, "sv", "±0,0"), (None, "fi", "–")],
)
def test_signed(value: float | None, lang: str, expected: str) -> None:
    assert signed(value, lang) == expected


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_terminal_view_fits_80_columns(
    mini: Questionnaire,
    mini_v2: Questionnaire,
    mini_answers: dict[str, AnswerValue],
    newer: dict[str, AnswerValue],
    lang: str,
) -> None:
    result = compare(mini, mini_answers, mini_v2, newer)
    console = Console(width=80, record=True, color_system=None)
    console.print(build_comparison(result, mini, mini_v2, ("2024", "2025"), lang))
    text = console.export_text()
    assert message("compare.col_method", lang) in text
    assert message("compare.col_municipality", lang) in text
    assert mini.item("co2_per_capita").text.get(lang) in text
    assert max(len(line) for line in text.splitlines()) <= 80


# -- the command --------------------------------------------------------------------------


def _answers_file(path: Path, answers: dict[str, AnswerValue], version: str, stamp: str) -> Path:
    data = {
        "municipality": "Testilä",
        "questionnaire": {"id": "mini", "version": version},
        "timestamp": stamp,
        "answers": answers,
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_compare_command_with_two_versions(
    tmp_path: Path,
    mini_v2_path: Path,
    mini_answers: dict[str, AnswerValue],
    newer: dict[str, AnswerValue],
) -> None:
    old = _answers_file(tmp_path / "old.yaml", mini_answers, "1", "2024-03-01T10:00:00+02:00")
    del newer["participation"]  # version 2 no longer asks it
    new = _answers_file(tmp_path / "new.yaml", newer, "2", "2025-03-01T10:00:00+02:00")
    args = [
        "compare",
        str(old),
        str(new),
        "-q",
        str(mini_v2_path),
        "--old-questionnaire",
        str(MINI),
    ]
    result = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Change: 2024-03-01 → 2025-03-01" in result.stdout
    assert "Municipality" in result.stdout
    assert "Emissions?" in result.stdout


def test_compare_warns_when_the_old_version_is_not_given(
    tmp_path: Path, mini_answers: dict[str, AnswerValue], newer: dict[str, AnswerValue]
) -> None:
    old = _answers_file(tmp_path / "old.yaml", mini_answers, "0.9", "2024-03-01T10:00:00+02:00")
    new = _answers_file(tmp_path / "new.yaml", newer, "1", "2025-03-01T10:00:00+02:00")
    result = CliRunner().invoke(
        app, ["compare", str(old), str(new), "-q", str(MINI), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "--old-questionnaire" in result.stderr
    assert "every change is the municipality's own" in result.stdout


EXAMPLES = Path(__file__).parent.parent / "examples"
ARCHIVE_1_0 = Path(__file__).parent.parent / "questionnaires" / "archive" / "kestava-kunta-1.0.yaml"
BILINGUAL_SERVICES = "main services and e-services"  # the question's English text


def _compare_examples(old: Path, new: Path, *more: str) -> str:
    args = ["compare", str(old), str(new), "--old-questionnaire", str(ARCHIVE_1_0), *more]
    wide = {"COLUMNS": "400"}  # no question text wrapped
    result = CliRunner().invoke(app, [*args, "--lang", "en"], env=wide)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("every", [(), ("--all",)])
def test_a_question_the_municipality_is_not_asked_is_not_new(every: tuple[str, ...]) -> None:
    """Forssa is unilingual: 1.1's bilingual-services question is not new for it."""
    shown = _compare_examples(EXAMPLES / "forssa-2026.yaml", EXAMPLES / "forssa-2027.yaml", *every)
    assert "(new question)" in shown  # 1.1's other new questions are listed
    assert BILINGUAL_SERVICES not in shown


def test_a_question_a_bilingual_municipality_is_asked_is_new() -> None:
    raasepori = EXAMPLES / "raasepori-2026.yaml"
    shown = _compare_examples(raasepori, raasepori, "--all")
    line = next(line for line in shown.splitlines() if BILINGUAL_SERVICES in line)
    assert "Swedish? (new question)" in line


def test_not_asked_in_either_is_left_out() -> None:
    forssa = read_yaml(EXAMPLES / "forssa-2027.yaml", 1_000_000, "answers")["answers"]
    new_q = load_questionnaire(
        Path(__file__).parent.parent / "questionnaires" / "kestava-kunta.yaml"
    )
    old_q = load_questionnaire(ARCHIVE_1_0)
    result = compare(old_q, forssa, new_q, forssa)
    with pytest.raises(KeyError):
        result.item("bilingual_services")
    bilingual = {**forssa, "language_status": "bilingual_finnish_majority"}
    assert not compare(old_q, forssa, new_q, bilingual).item("bilingual_services").in_old
