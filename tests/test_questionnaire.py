"""Questionnaire loading: one bad file per defect, each reported with its location."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kuntaprofiili.core.model import Kind, Questionnaire
from kuntaprofiili.errors import InputFileError, QuestionnaireError
from kuntaprofiili.files.questionnaire_file import load_questionnaire

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("duplicate_id", "item loan_per_capita: duplicate id"),
        ("missing_translation", "items[digital_roadmap].text.sv: missing translation 'sv'"),
        ("unknown_key", "items[budget_balanced].wieght: unknown key"),
        ("bounds_equal", "items[broadband_share].indicator: 'lower_bound' equals 'optimum'"),
        ("direction", "direction 'lower_is_better' contradicts lower_bound 20 and optimum 90"),
        ("when_later", "item plan_monitored.when: refers to a later item 'co2_per_capita'"),
        ("when_unknown", "item plan_monitored.when: refers to an unknown item 'climate_programme'"),
        (
            "unreachable",
            "item participation: choices score only 0-90, so dimension social cannot reach",
        ),
        (
            "range_excludes_bounds",
            "item loan_per_capita: input range 0-5000 does not include 1000-8000",
        ),
        ("wrong_kind", "items[broadband_share].kind: Input should be"),
        ("missing_source", "item broadband_share: a scored number needs lower_bound, optimum"),
    ],
)
def test_each_defect_is_named_with_its_location(fixture: str, expected: str) -> None:
    path = FIXTURES / f"invalid_{fixture}.yaml"
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    text = str(caught.value)
    assert expected in text
    assert str(path) in text
    assert len(caught.value.problems) == 1  # exactly the one defect planted in the file


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(InputFileError) as caught:
        load_questionnaire(FIXTURES / "invalid_yaml_syntax.yaml")
    assert "invalid_yaml_syntax.yaml" in str(caught.value)
    assert "line" in str(caught.value)


def test_every_problem_is_reported_at_once(write_yaml: Callable[..., Path]) -> None:
    text = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("      - id: budget_balanced", "      - id: loan_per_capita")
    text = text.replace("when: {item: climate_plan,", "when: {item: nothing_here,")
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(write_yaml(text))
    assert len(caught.value.problems) == 2


def test_standard_scales_are_expanded(mini: Questionnaire) -> None:
    likert = mini.item("plan_monitored")
    assert likert.kind is Kind.LIKERT
    assert [c.code for c in likert.choices] == ["1", "2", "3", "4", "5"]
    assert [c.score for c in likert.choices] == [0, 25, 50, 75, 100]
    yes_no = mini.item("climate_plan")
    assert [(c.code, c.score) for c in yes_no.choices] == [("yes", 100), ("partly", 50), ("no", 0)]
    assert yes_no.choices[0].label.sv == "ja"


def test_models_are_frozen(mini: Questionnaire) -> None:
    with pytest.raises(Exception, match="frozen"):
        mini.item("climate_plan").weight = 5  # type: ignore[misc]


def test_python_objects_in_yaml_are_refused(write_yaml: Callable[..., Path]) -> None:
    path = write_yaml("id: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(InputFileError):
        load_questionnaire(path)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# padding\n" * 300_000)
    with pytest.raises(InputFileError, match="too large"):
        load_questionnaire(path)
