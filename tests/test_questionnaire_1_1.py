"""Questionnaire 1.1: named statistics, argued weights, and 1.0 answers still scoring."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.core.answers import applicable_ids
from kuntaprofiili.core.compare import compare
from kuntaprofiili.core.model import Dimension, Questionnaire
from kuntaprofiili.files.drafts import read_answers
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire

ROOT = Path(__file__).parent.parent
OLD = ROOT / "questionnaires" / "archive" / "kestava-kunta-1.0.yaml"
EXAMPLE = ROOT / "examples" / "forssa-2026.yaml"


@pytest.fixture(scope="module")
def new() -> Questionnaire:
    return load_questionnaire(default_questionnaire())


@pytest.fixture(scope="module")
def old() -> Questionnaire:
    return load_questionnaire(OLD)


def test_versions(new: Questionnaire, old: Questionnaire) -> None:
    assert (old.version, new.version) == ("1.0", "1.1")


def test_every_numeric_item_names_its_statistic_table_and_year(new: Questionnaire) -> None:
    for item in new.scored_items():
        if item.indicator is None:
            continue
        ind = item.indicator
        assert ind.statistic and ind.table and ind.year, item.id
        assert 2015 <= ind.year <= 2026, item.id


def test_sources_are_named_in_every_language(new: Questionnaire) -> None:
    for item in new.scored_items():
        ind = item.indicator
        if ind is None:
            continue
        for field in (ind.source, ind.statistic, ind.table):
            assert field is not None and field.sv and field.en, item.id


def test_a_plain_source_string_is_the_finnish_text(old: Questionnaire) -> None:
    ind = old.item("ghg_per_capita").indicator
    assert ind is not None and ind.source is not None
    assert ind.source.sv is None
    assert ind.source.get("sv") == ind.source.get("fi") == ind.source.fi


def test_every_weight_has_a_rationale(new: Questionnaire) -> None:
    assert new.weight_rationale is not None
    for item in new.scored_items():
        if item.weight != 1.0:
            assert item.weight_rationale is not None, item.id


def test_programme_themes_are_covered(new: Questionnaire) -> None:
    ids = {i.id for i in new.scored_items(Dimension.SOCIAL)}
    assert {"ecec_participation", "child_poverty_rate", "education_equity"} <= ids


@pytest.mark.parametrize(
    ("status", "asked"),
    [
        ("unilingual_finnish", False),
        ("unilingual_swedish", False),
        ("bilingual_finnish_majority", True),
        ("bilingual_swedish_majority", True),
    ],
)
def test_bilingual_services_asked_only_of_bilingual(
    new: Questionnaire, status: str, asked: bool
) -> None:
    assert ("bilingual_services" in applicable_ids(new, {"language_status": status})) is asked


def test_old_answers_score_under_the_new_version(new: Questionnaire, old: Questionnaire) -> None:
    answer_set = read_answers(EXAMPLE, new)
    assert answer_set.questionnaire_version == "1.0"
    result = compare(old, answer_set.answers, new, answer_set.answers)
    assert result.method_changed
    for change in result.dimensions:
        assert change.score.municipality == pytest.approx(0.0, abs=1e-9)
    assert any(abs(c.score.method or 0.0) > 0.05 for c in result.dimensions)


def test_compare_cli_splits_method_from_municipality() -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["compare", str(EXAMPLE), str(EXAMPLE), "--old-questionnaire", str(OLD), "--lang", "en"],
    )
    assert result.exit_code == 0, result.output
    assert "1.0" in result.stdout and "1.1" in result.stdout
