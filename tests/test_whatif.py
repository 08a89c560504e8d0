"""What would lift the score: the cheapest changes really cross the band, with a measure each."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from rich.console import Console

from kuntaprofiili.core.answers import AnswerValue
from kuntaprofiili.core.content import Measure
from kuntaprofiili.core.model import Dimension, Questionnaire
from kuntaprofiili.core.scoring import Band, band_of, score
from kuntaprofiili.core.whatif import Change, Outcome, change_map, find_lift, next_limit, readable
from kuntaprofiili.i18n import message
from kuntaprofiili.views.whatif_view import lift_block

BEST: dict[str, AnswerValue] = {
    "population": 12000,
    "climate_plan": "yes",
    "plan_monitored": "5",
    "co2_per_capita": 2,
    "welfare_report": "yes",
    "participation": "many",
    "loan_per_capita": 1000,
    "budget_balanced": "yes",
    "digital_roadmap": "yes",
    "broadband_share": 90,
}


def measure(
    measure_id: str,
    items: Sequence[str],
    effort: str = "small",
    dimensions: Sequence[str] = ("technological",),
) -> Measure:
    text = {"fi": measure_id, "sv": measure_id, "en": measure_id}
    return Measure.model_validate(
        {
            "id": measure_id,
            "title": text,
            "why": text,
            "dimensions": list(dimensions),
            "items": list(items),
            "types": "all",
            "effort": effort,
            "source": {"programme": "all"},
        }
    )


MEASURES = (
    measure("roadmap", ["digital_roadmap"], "medium"),
    measure("fibre", ["broadband_share"], "large"),
    measure(
        "climate", ["climate_plan", "plan_monitored", "co2_per_capita"], "small", ["ecological"]
    ),
)


def rescored(
    mini: Questionnaire, answers: dict[str, AnswerValue], lift_changes: Sequence[Change]
) -> float:
    after = score(mini, change_map(answers, lift_changes))
    value = after.dimension(Dimension.TECHNOLOGICAL).score
    assert value is not None
    return value


def test_lift_really_crosses_the_band(
    mini: Questionnaire, mini_answers: dict[str, AnswerValue]
) -> None:
    scores = score(mini, mini_answers)  # technological 25.0: yellow, the weakest
    lift = find_lift(mini, mini_answers, scores, MEASURES)
    assert lift.outcome is Outcome.LIFTED
    assert lift.dimension is Dimension.TECHNOLOGICAL
    assert lift.target is Band.GREEN
    assert 1 <= len(lift.changes) <= 3
    after = rescored(mini, mini_answers, lift.changes)
    assert band_of(after) is Band.GREEN
    assert lift.after == pytest.approx(after)


def test_each_change_points_to_a_measure_for_its_item(
    mini: Questionnaire, mini_answers: dict[str, AnswerValue]
) -> None:
    lift = find_lift(mini, mini_answers, score(mini, mini_answers), MEASURES)
    assert lift.changes
    for change in lift.changes:
        assert change.item_id in change.measure.items


@pytest.mark.parametrize(
    ("roadmap_effort", "expected"),
    [
        # roadmap no -> yes is two steps: 2 x small = 2 beats any pair
        ("small", {"digital_roadmap": "yes"}),
        # large: yes costs 6; partly (3) + fibre 55 -> 90 % (2 steps x small = 2) costs 5
        ("large", {"digital_roadmap": "partly", "broadband_share": 90.0}),
    ],
)
def test_the_cheapest_set_wins(
    mini: Questionnaire,
    mini_answers: dict[str, AnswerValue],
    roadmap_effort: str,
    expected: dict[str, object],
) -> None:
    measures = (
        measure("roadmap", ["digital_roadmap"], roadmap_effort),
        measure("fibre", ["broadband_share"]),
    )
    lift = find_lift(mini, mini_answers, score(mini, mini_answers), measures)
    assert {c.item_id: c.after for c in lift.changes} == expected


def test_numeric_change_asks_for_no_more_than_needed(mini: Questionnaire) -> None:
    answers = {**BEST, "broadband_share": 20}  # technological (100 + 0) / 2 = 50, yellow
    lift = find_lift(mini, answers, score(mini, answers), (measure("fibre", ["broadband_share"]),))
    (change,) = lift.changes
    assert change.after == pytest.approx(55.0)  # scores 50: (100 + 50) / 2 = 75, green
    assert change.steps == 2
    assert lift.after == pytest.approx(75.0)


def test_a_follow_up_must_be_answered_too(mini: Questionnaire) -> None:
    # No climate plan (a stale "5" to the follow-up is ignored): adopting one asks the
    # follow-up, whose missing answer would drop coverage, so both change together.
    answers = {**BEST, "climate_plan": "no", "plan_monitored": "5", "co2_per_capita": 9}
    scores = score(mini, answers)
    assert scores.dimension(Dimension.ECOLOGICAL).band is Band.RED
    plan = measure("plan", ["climate_plan", "plan_monitored"], "small", ["ecological"])
    lift = find_lift(mini, answers, scores, (plan,))
    assert [c.item_id for c in lift.changes] == ["climate_plan", "plan_monitored"]
    eco = score(mini, change_map({**answers, "plan_monitored": "dont_know"}, lift.changes))
    assert band_of(eco.dimension(Dimension.ECOLOGICAL).score) is Band.YELLOW


def test_nothing_when_the_weakest_dimension_is_green(mini: Questionnaire) -> None:
    lift = find_lift(mini, BEST, score(mini, BEST), MEASURES)
    assert lift.outcome is Outcome.ALL_GREEN
    assert lift.changes == ()


def test_no_measure_no_proposal(mini: Questionnaire, mini_answers: dict[str, AnswerValue]) -> None:
    lift = find_lift(mini, mini_answers, score(mini, mini_answers), MEASURES[2:])
    assert lift.outcome is Outcome.NOTHING
    assert lift.changes == ()


def test_no_scores_no_lift(mini: Questionnaire) -> None:
    lift = find_lift(mini, {}, score(mini, {}), MEASURES)
    assert lift.outcome is Outcome.NO_SCORE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10.0, (25.0, Band.YELLOW)),
        (25.0, (75.0, Band.GREEN)),
        (74.9, (75.0, Band.GREEN)),
        (75.0, None),
    ],
)
def test_next_limit(value: float, expected: tuple[float, Band] | None) -> None:
    assert next_limit(value) == expected


@pytest.mark.parametrize(
    ("item_id", "value", "expected"),
    [
        ("broadband_share", 54.981, 55.0),
        ("co2_per_capita", 5.1234, 5.1),
        ("loan_per_capita", 4321, 4320),
    ],
)
def test_readable_rounds_towards_the_better_end(
    mini: Questionnaire, item_id: str, value: float, expected: float
) -> None:
    assert readable(mini.item(item_id), value) == pytest.approx(expected)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_terminal_block(
    mini: Questionnaire, mini_answers: dict[str, AnswerValue], lang: str
) -> None:
    lift = find_lift(mini, mini_answers, score(mini, mini_answers), MEASURES)
    console = Console(width=80, record=True, color_system=None)
    console.print(lift_block(lift, mini, lang))
    text = console.export_text()
    assert message("whatif.heading", lang) in text
    assert mini.item("digital_roadmap").text.get(lang) in text
    assert "roadmap" in text  # the measure's title
    assert max(len(line) for line in text.splitlines()) <= 80
