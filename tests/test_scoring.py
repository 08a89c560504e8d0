"""Scoring worked examples: normalisation, direction, don't know, coverage, bands."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuntaprofiili.core.answers import AnswerValue
from kuntaprofiili.core.model import DONT_KNOW, Dimension, Questionnaire
from kuntaprofiili.core.scoring import (
    Band,
    band_of,
    encode_answers,
    normalise,
    row_scores,
    score,
    score_columns,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, 0.0), (20, 0.0), (7, 50.0), (2, 100.0), (0, 100.0), (9.5, 25.0)],
)
def test_lower_is_better_indicator_is_clamped_and_rescaled(
    mini: Questionnaire, value: float, expected: float
) -> None:
    item = mini.item("co2_per_capita")  # lower_bound 12 scores 0, optimum 2 scores 100
    assert normalise(item, np.array([float(value)]))[0] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"), [(20, 0.0), (10, 0.0), (55, 50.0), (90, 100.0), (100, 100.0)]
)
def test_higher_is_better_indicator(mini: Questionnaire, value: float, expected: float) -> None:
    item = mini.item("broadband_share")  # 20 -> 0, 90 -> 100
    assert normalise(item, np.array([float(value)]))[0] == pytest.approx(expected)


def test_worked_example(mini: Questionnaire, mini_answers: dict[str, AnswerValue]) -> None:
    result = score(mini, mini_answers)
    # ecological: climate plan yes 100 (w1), monitored "4" 75 (w2), CO2 7 t -> 50 (w1)
    assert result.dimension(Dimension.ECOLOGICAL).score == pytest.approx((100 + 2 * 75 + 50) / 4)
    # social: partly 50, "some" 60 from the choice table
    assert result.dimension(Dimension.SOCIAL).score == pytest.approx(55.0)
    # economic: loans 4500 -> (8000-4500)/7000 = 50, balanced yes 100
    assert result.dimension(Dimension.ECONOMIC).score == pytest.approx(75.0)
    # technological: roadmap no 0, fibre 55 % -> 50
    assert result.dimension(Dimension.TECHNOLOGICAL).score == pytest.approx(25.0)
    assert result.overall == pytest.approx((75 + 55 + 75 + 25) / 4)
    assert result.weakest(1)[0].item_id == "digital_roadmap"
    assert result.strongest(1)[0].item_id == "climate_plan"


def test_dont_know_lowers_coverage_not_the_score(
    mini: Questionnaire, mini_answers: dict[str, AnswerValue]
) -> None:
    answers = {**mini_answers, "budget_balanced": DONT_KNOW}
    result = score(mini, answers)
    economic = result.dimension(Dimension.ECONOMIC)
    assert economic.coverage == pytest.approx(0.5)
    assert economic.score is None  # under 2/3: no misleading number
    assert economic.band is None
    assert result.overall is None  # overall needs all four dimensions


def test_coverage_at_two_thirds_still_scores(
    mini: Questionnaire, mini_answers: dict[str, AnswerValue]
) -> None:
    # ecological weights 1 + 2 + 1: leaving CO2 (weight 1) unanswered keeps 3/4 coverage
    answers = {k: v for k, v in mini_answers.items() if k != "co2_per_capita"}
    eco = score(mini, answers).dimension(Dimension.ECOLOGICAL)
    assert eco.coverage == pytest.approx(0.75)
    assert eco.score == pytest.approx((100 + 2 * 75) / 3)


def test_skipped_follow_up_is_not_applicable(
    mini: Questionnaire, mini_answers: dict[str, AnswerValue]
) -> None:
    # With no climate plan the follow-up is never asked: it neither counts as 0 nor lowers coverage.
    answers = {**mini_answers, "climate_plan": "no", "plan_monitored": "5"}
    eco = score(mini, answers).dimension(Dimension.ECOLOGICAL)
    assert eco.coverage == pytest.approx(1.0)
    assert eco.score == pytest.approx((0 + 50) / 2)


def test_dont_know_switches_follow_up_off(
    mini: Questionnaire, mini_answers: dict[str, AnswerValue]
) -> None:
    answers = {**mini_answers, "climate_plan": DONT_KNOW}
    eco = score(mini, answers).dimension(Dimension.ECOLOGICAL)
    # climate plan unknown (weight 1 of 2 applicable): coverage 1/2, no score
    assert eco.coverage == pytest.approx(0.5)
    assert eco.score is None


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, Band.RED),
        (24.9, Band.RED),
        (25, Band.YELLOW),
        (74.9, Band.YELLOW),
        (75, Band.GREEN),
        (100, Band.GREEN),
        (None, None),
    ],
)
def test_bands_follow_teaviisari_limits(value: float | None, band: Band | None) -> None:
    assert band_of(value) == band


def _answer_strategy(mini: Questionnaire) -> st.SearchStrategy[dict[str, AnswerValue]]:
    fields: dict[str, st.SearchStrategy[AnswerValue]] = {}
    for item in mini.items:
        if item.indicator is not None:
            value: st.SearchStrategy[AnswerValue] = st.floats(
                item.indicator.min, item.indicator.max
            )
        else:
            value = st.sampled_from([c.code for c in item.choices])
        fields[item.id] = st.one_of(st.just(DONT_KNOW), value)
    return st.fixed_dictionaries({}, optional=fields)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_scores_stay_in_range_and_batch_equals_single(
    mini: Questionnaire, data: st.DataObject
) -> None:
    rows = data.draw(st.lists(_answer_strategy(mini), min_size=1, max_size=6))
    table = score_columns(mini, encode_answers(mini, rows))
    for index, answers in enumerate(rows):
        together = row_scores(mini, table, index)
        alone = score(mini, answers)
        assert together == alone
        for dim in alone.dimensions:
            assert dim.score is None or 0.0 <= dim.score <= 100.0
            assert 0.0 <= dim.coverage <= 1.0
        assert alone.overall is None or not math.isnan(alone.overall)


def test_strongest_and_weakest_never_overlap(mini: Questionnaire) -> None:
    few = score(mini, {"climate_plan": "no", "welfare_report": "partly", "budget_balanced": "yes"})
    assert [i.item_id for i in few.strongest()] == ["budget_balanced"]
    assert [i.item_id for i in few.weakest()] == ["climate_plan", "welfare_report"]
    assert score(mini, {}).strongest() == () and score(mini, {}).weakest() == ()
