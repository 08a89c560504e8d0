"""The terminal report: readable at 80 columns, without colour, in all three languages."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from kuntaprofiili.core.answers import AnswerSet, AnswerValue
from kuntaprofiili.core.assessment import build_assessment
from kuntaprofiili.core.model import DONT_KNOW, Questionnaire
from kuntaprofiili.core.municipality import find_municipality, profile_answers
from kuntaprofiili.files.content_file import load_content
from kuntaprofiili.files.municipality_file import load_municipalities
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire
from kuntaprofiili.views.report import bar, build_report


def _render(renderable: object, width: int = 80) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, no_color=True, color_system=None).print(renderable)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def default_q() -> Questionnaire:
    return load_questionnaire(default_questionnaire())


def _espoo_answers(q: Questionnaire) -> AnswerSet:
    espoo = find_municipality("Espoo", load_municipalities())
    assert espoo is not None
    answers: dict[str, AnswerValue] = dict(profile_answers(espoo))
    for item in q.scored_items():
        if item.indicator is not None:
            low, best = item.indicator.lower_bound or 0, item.indicator.optimum or 0
            answers[item.id] = (low + best) / 2
        else:
            answers[item.id] = item.choices[len(item.choices) // 2].code
    answers["digital_roadmap"] = "no"
    answers["open_data"] = DONT_KNOW
    return AnswerSet(q.id, q.version, answers, "Espoo")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "fi",
            ["Kestävyysprofiili: Espoo", "suuri kaupunki", "Ehdotetut toimenpiteet", "keltainen"],
        ),
        ("sv", ["Hållbarhetsprofil: Esbo", "stor stad", "Föreslagna åtgärder", "gul"]),
        ("en", ["Sustainability profile: Espoo", "large city", "Suggested measures", "yellow"]),
    ],
)
def test_report_fits_80_columns_without_colour(
    default_q: Questionnaire, lang: str, words: list[str]
) -> None:
    espoo = find_municipality("Espoo", load_municipalities())
    content = load_content()
    result = build_assessment(default_q, _espoo_answers(default_q), content, espoo)
    text = _render(build_report(result, content, lang))
    assert "\x1b[" not in text  # no escape codes at all
    assert max(len(line) for line in text.splitlines()) <= 80
    for word in words:
        assert word in text
    # Espoo is bilingual: the bilingual vision is shown besides the large-city one
    bilingual = content.type_content(result.classification.types[1]).vision.get(lang)
    assert bilingual.split()[0] in text


@pytest.mark.parametrize(
    ("score", "expected"),
    [(0, "░" * 24), (100, "█" * 24), (50, "█" * 12 + "░" * 12), (None, "·" * 24)],
)
def test_bar_length_carries_the_score(score: float | None, expected: str) -> None:
    assert bar(score) == expected


def test_bar_uses_eighths_for_fine_steps() -> None:
    assert bar(12.5 / 24 * 8 / 8) != bar(0)  # half a cell still shows
    assert len(bar(37.3)) == 24
