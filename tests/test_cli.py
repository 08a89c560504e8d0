"""The CLI through typer's runner: assess --answers, exports, questionnaire commands, exit codes."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.core.answers import AnswerValue
from kuntaprofiili.errors import ExitCode

FIXTURES = Path(__file__).parent / "fixtures"
MINI = str(FIXTURES / "mini.yaml")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def answers_file(tmp_path: Path, mini_answers: dict[str, AnswerValue]) -> Path:
    path = tmp_path / "answers.yaml"
    data = {
        "municipality": "Testilä",
        "questionnaire": {"id": "mini", "version": "1"},
        "timestamp": "2026-11-27T10:00:00+02:00",
        "answers": mini_answers,
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_assess_from_answers_prints_the_report(runner: CliRunner, answers_file: Path) -> None:
    result = runner.invoke(
        app, ["assess", "-q", MINI, "--answers", str(answers_file), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Sustainability profile: Testilä" in out
    assert "Ecological" in out and "75.0" in out and "green" in out
    assert "Overall: 57.5 (yellow)" in out
    assert "Suggested measures" in out


def test_assess_in_finnish_and_swedish(runner: CliRunner, answers_file: Path) -> None:
    fi = runner.invoke(app, ["assess", "-q", MINI, "--answers", str(answers_file)])
    sv = runner.invoke(app, ["assess", "-q", MINI, "--answers", str(answers_file), "--lang", "sv"])
    assert "Kokonaispisteet: 57,5 (keltainen)" in fi.stdout
    assert "Totalpoäng: 57,5 (gul)" in sv.stdout
    assert "Föreslagna åtgärder" in sv.stdout


def test_json_export(runner: CliRunner, answers_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    result = runner.invoke(app, ["assess", "-q", MINI, "-a", str(answers_file), "--json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["municipality"]["name"] == "Testilä"
    assert data["questionnaire"] == {"id": "mini", "version": "1"}
    assert data["scores"]["ecological"] == {
        "score": 75.0,
        "coverage": 1.0,
        "band": "green",
        "low": 75.0,
        "high": 75.0,
        "bands_possible": ["green"],
    }
    assert data["overall_range"] == {"low": 57.5, "high": 57.5, "bands_possible": ["yellow"]}
    assert data["scores"]["technological"]["band"] == "yellow"
    assert data["overall"] == 57.5
    assert data["types"]["primary"] in {
        "large_city",
        "regional_town",
        "frame_municipality",
        "small_municipality",
        "swedish_bilingual",
    }
    assert data["answers"]["participation"] == "some"
    assert len(data["measures"]) == 5


def test_csv_export_plain_and_finnish_excel(
    runner: CliRunner, answers_file: Path, tmp_path: Path
) -> None:
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    runner.invoke(app, ["assess", "-q", MINI, "-a", str(answers_file), "--csv", str(plain)])
    runner.invoke(
        app, ["assess", "-q", MINI, "-a", str(answers_file), "--csv", str(excel), "--excel-fi"]
    )
    rows = list(csv.DictReader(plain.open(encoding="utf-8")))
    assert len(rows) == 1
    row = rows[0]
    assert row["municipality"] == "Testilä"
    assert row["questionnaire_id"] == "mini" and row["questionnaire_version"] == "1"
    assert row["ecological_score"] == "75" and row["ecological_coverage"] == "1"
    assert row["overall"] == "57.5"
    assert row["answer_loan_per_capita"] == "4500"
    assert len(row["measures"].split()) == 5
    assert row["measure_titles"].count(" | ") == 4
    assert row["vision"] and row["state_measures"]
    raw = excel.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM so Excel reads ä and ö right
    with excel.open(encoding="utf-8-sig") as handle:
        assert handle.readline().startswith("Kunta;Kuntanumero;")  # headers for people
        excel_row = next(csv.DictReader(handle, delimiter=";"))  # then the ids
    assert excel_row["overall"] == "57,5"  # decimal comma
    assert excel_row["municipality"] == "Testilä"


def test_bad_answers_file_lists_every_problem(
    runner: CliRunner, write_yaml: Callable[..., Path]
) -> None:
    path = write_yaml(
        """
        answers:
          climate_plan: perhaps
          co2_per_capita: 1000
          no_such_question: 3
        """
    )
    result = runner.invoke(app, ["assess", "-q", MINI, "-a", str(path), "--lang", "en"])
    assert result.exit_code == ExitCode.ERROR
    swedish = runner.invoke(app, ["assess", "-q", MINI, "-a", str(path), "--lang", "sv"])
    said = " ".join(swedish.stderr.split())  # the console wraps long lines
    assert "no_such_question: enkäten har ingen sådan fråga" in said
    # choices by number and label, never by code
    expected = "ett nummer 1–3 eller alternativets namn: 1) ja, 2) delvis, 3) nej eller ”vet ej”"
    assert expected in said
    assert "yes, partly" not in said
    assert "climate_plan" in result.stderr and "perhaps" in result.stderr
    assert "co2_per_capita" in result.stderr and "outside the allowed range" in result.stderr
    assert "no_such_question" in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_is_a_clean_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["assess", "-q", MINI, "-a", str(tmp_path / "nope.yaml"), "--lang", "en"]
    )
    assert result.exit_code == ExitCode.ERROR
    assert "does not exist" in " ".join(result.stderr.split())  # messages wrap at words


def test_usage_error_exit_code(runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess", "--lang", "de"])
    assert result.exit_code == ExitCode.USAGE


def test_end_of_input_keeps_the_draft(runner: CliRunner, _isolated_home: Path) -> None:
    result = runner.invoke(
        app, ["assess", "-q", MINI, "-m", "Testilä", "--lang", "en"], input="12000\n1\n"
    )
    assert result.exit_code == ExitCode.INTERRUPTED
    drafts = list((_isolated_home / "drafts").glob("*.draft.yaml"))
    assert len(drafts) == 1
    assert str(drafts[0]) in result.stderr.replace("\n", "")
    kept = yaml.safe_load(drafts[0].read_text(encoding="utf-8"))["answers"]
    assert kept == {"population": 12000, "climate_plan": "yes"}


def test_validate_good_and_bad(runner: CliRunner) -> None:
    good = runner.invoke(app, ["questionnaire", "validate", MINI, "--lang", "en"])
    assert good.exit_code == 0
    assert "is valid: 9 scored questions" in good.stdout
    bad_file = str(FIXTURES / "invalid_duplicate_id.yaml")
    bad = runner.invoke(app, ["questionnaire", "validate", bad_file, "--lang", "en"])
    assert bad.exit_code == ExitCode.ERROR
    assert "item loan_per_capita: duplicate id" in bad.stderr
    finnish = runner.invoke(app, ["questionnaire", "validate", bad_file])
    assert "kysymys loan_per_capita: sama tunnus on jo käytössä" in finnish.stderr


def test_show_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["questionnaire", "show", MINI, "--json", "--lang", "en"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    by_id = {q["id"]: q for q in data["questions"]}
    assert by_id["climate_plan"]["choices"] == ["yes", "partly", "no"]
    assert by_id["co2_per_capita"]["input_range"] == [0, 100]
    assert by_id["co2_per_capita"]["dimension"] == "ecological"
    assert by_id["plan_monitored"]["when"] == {"item": "climate_plan", "in": ["yes", "partly"]}


def test_help_does_not_import_heavy_modules() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from kuntaprofiili.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('pandas', 'numpy', 'pydantic', 'openpyxl', 'yaml', 'jinja2')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_errors_are_translated_when_typer_loads_its_rich_utils_late() -> None:
    """typer's rich_utils is patched when typer imports it, not when the app is built."""
    import subprocess
    import sys

    code = (
        "import sys; from kuntaprofiili.cli import app\n"
        "assert 'typer.rich_utils' not in sys.modules\n"
        "app(['assess', '--bogus', '--lang', 'sv'])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "Okänd flagga: --bogus" in done.stderr
    assert "Traceback" not in done.stderr


def test_first_question_does_not_import_pandas_or_numpy(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = (
        "import sys; from kuntaprofiili.cli import app\n"
        "try:\n    app(['assess', '-m', 'Espoo', '--lang', 'en'])\n"
        "except SystemExit:\n    pass\n"
        "print()\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'openpyxl') if m in sys.modules))"
    )
    env = {**os.environ, "KUNTAPROFIILI_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], input="", capture_output=True, text=True, env=env, check=False
    )
    assert "Population" in done.stdout or "Väkiluku" in done.stdout or "question 1" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_swedish_majority_municipality_is_served_in_swedish(
    runner: CliRunner, write_yaml: Callable[..., Path]
) -> None:
    path = write_yaml("answers:\n  climate_plan: yes\n")
    swedish = runner.invoke(app, ["assess", "-a", str(path), "-m", "Närpes"])
    assert swedish.exit_code == 0, swedish.output
    assert "Hållbarhetsprofil: Närpes" in swedish.stdout
    finnish = runner.invoke(app, ["assess", "-a", str(path), "-m", "Närpes", "--lang", "fi"])
    assert "Kestävyysprofiili: Närpiö" in finnish.stdout  # the place's name in the language
    majority_finnish = runner.invoke(app, ["assess", "-a", str(path), "-m", "Espoo"])
    assert "Kestävyysprofiili: Espoo" in majority_finnish.stdout
