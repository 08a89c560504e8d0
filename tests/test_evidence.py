"""Evidence beside answers: the answers file, the interview key and the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from helpers import MINI_ANSWERS
from kuntaprofiili.cli import app
from kuntaprofiili.core.answers import parse_answers
from kuntaprofiili.core.evidence import Evidence
from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.errors import AnswerError, ExitCode

MINI = str(Path(__file__).parent / "fixtures" / "mini.yaml")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _file(evidence: object) -> dict[str, Any]:
    return {
        "municipality": "Testilä",
        "questionnaire": {"id": "mini", "version": "1"},
        "answers": dict(MINI_ANSWERS),
        "evidence": evidence,
    }


def test_evidence_loads_and_round_trips(mini: Questionnaire) -> None:
    raw = _file(
        {
            "co2_per_capita": {"source": "SYKE, kuntien päästöt", "year": 2023},
            "climate_plan": {"note": "Valtuusto 12.6.2024 § 45"},
        }
    )
    answer_set = parse_answers(raw, mini, "a.yaml")
    assert answer_set.evidence["co2_per_capita"] == Evidence(None, "SYKE, kuntien päästöt", 2023)
    again = parse_answers(answer_set.to_mapping(), mini, "b.yaml")
    assert again.evidence == answer_set.evidence


def test_old_files_without_evidence_still_load(mini: Questionnaire) -> None:
    raw = _file(None)
    del raw["evidence"]
    answer_set = parse_answers(raw, mini, "a.yaml")
    assert answer_set.evidence == {}
    assert "evidence" not in answer_set.to_mapping()


@pytest.mark.parametrize(
    ("evidence", "words"),
    [
        ({"co2_per_capita": {"source": "SYKE"}}, "give the statistic's year"),
        ({"co2_per_capita": {"source": "SYKE", "year": 23}}, 'the year "23" is not valid'),
        ({"climate_plan": {"url": "x"}}, "the allowed fields are note, source and year"),
        ({"nonsense": {"note": "x"}}, "nonsense: the questionnaire has no such question"),
    ],
)
def test_bad_evidence_is_named(mini: Questionnaire, evidence: object, words: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answers(_file(evidence), mini, "a.yaml")
    assert words in str(caught.value)


def test_report_lists_sources(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    raw = _file({"co2_per_capita": {"source": "SYKE, kuntien päästöt", "year": 2023}})
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["assess", "-q", MINI, "-a", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Sources and notes" in result.stdout
    assert "source: SYKE, kuntien päästöt; year 2023" in result.stdout


def test_interview_key_records_source_and_year(runner: CliRunner, _isolated_home: Path) -> None:
    keys = "12000\n1\n!\nPöytäkirja 5/2024\n\n4\n!\n\nSYKE\n2023\n7\n"
    result = runner.invoke(app, ["assess", "-q", MINI, "-m", "Testilä", "--lang", "en"], input=keys)
    assert result.exit_code == ExitCode.INTERRUPTED
    draft = next((_isolated_home / "drafts").glob("*.draft.yaml"))
    kept = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert kept["evidence"] == {
        "plan_monitored": {"note": "Pöytäkirja 5/2024"},
        "co2_per_capita": {"source": "SYKE", "year": 2023},
    }
    assert kept["answers"]["co2_per_capita"] == 7
