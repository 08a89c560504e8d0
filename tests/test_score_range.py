"""The honest range of a score: unknown items at their worst and at their best."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuntaprofiili.core.answers import AnswerValue
from kuntaprofiili.core.model import DONT_KNOW, Dimension, Item, Questionnaire
from kuntaprofiili.core.scoring import Band, score, score_range
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire


@pytest.fixture(scope="module")
def default() -> Questionnaire:
    return load_questionnaire(default_questionnaire())


def _worst_answer(item: Item) -> AnswerValue:
    if item.indicator is not None:
        low = item.indicator.lower_bound
        return low if low is not None else item.indicator.min
    if item.choices[0].score is None:  # a profile fact
        return item.choices[0].code
    worst, _ = score_range(item)
    return next(c.code for c in item.choices if c.score == worst)


def _answers(questionnaire: Questionnaire) -> st.SearchStrategy[dict[str, AnswerValue]]:
    fields: dict[str, st.SearchStrategy[AnswerValue]] = {}
    for item in questionnaire.items:
        if item.indicator is not None:
            value: st.SearchStrategy[AnswerValue] = st.floats(
                item.indicator.min, item.indicator.max
            )
        else:
            value = st.sampled_from([c.code for c in item.choices])
        fields[item.id] = st.one_of(st.just(_worst_answer(item)), value)
    return st.fixed_dictionaries(fields)


def _profile(questionnaire: Questionnaire) -> set[str]:
    return {i.id for i in questionnaire.profile_items()}


def test_known_answers_have_no_range(
    mini: Questionnaire, mini_answers: dict[str, AnswerValue]
) -> None:
    scores = score(mini, mini_answers)
    for dim in scores.dimensions:
        assert dim.low == pytest.approx(dim.score)
        assert dim.high == pytest.approx(dim.score)


def test_unknown_item_opens_the_range(
    mini: Questionnaire, mini_answers: dict[str, AnswerValue]
) -> None:
    answers = {**mini_answers, "co2_per_capita": DONT_KNOW}
    dim = score(mini, answers).dimension(Dimension.ECOLOGICAL)
    assert dim.low is not None and dim.high is not None and dim.score is not None
    assert dim.low < dim.score < dim.high


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_dont_know_never_lifts_the_lower_end(default: Questionnaire, data: st.DataObject) -> None:
    answers = data.draw(_answers(default))
    worst = [
        i.id for i in default.scored_items() if answers[i.id] == _worst_answer(i) and i.dont_know
    ]
    hidden = data.draw(st.lists(st.sampled_from(worst), unique=True) if worst else st.just([]))
    before = score(default, answers)
    after = score(default, {**answers, **dict.fromkeys(hidden, DONT_KNOW)})
    for old, new in zip(before.dimensions, after.dimensions, strict=True):
        assert new.low is not None and old.low is not None
        assert new.low <= old.low + 1e-9
        assert new.high is not None and new.low <= (new.score or new.low) <= new.high + 1e-9
    assert after.low is not None and before.low is not None
    assert after.low <= before.low + 1e-9


def test_hidden_red_shows_as_red_possible(default: Questionnaire) -> None:
    answers = {i.id: _worst_answer(i) for i in default.items}
    answers.update({"population": 2300, "language_status": "unilingual_finnish"})
    answers.update({"centre_role": "none", "frame_region": "no"})
    ecological = [i for i in default.scored_items(Dimension.ECOLOGICAL) if i.dont_know]
    hidden: dict[str, AnswerValue] = {}
    for item in ecological:  # hide "no" answers until green would be possible
        hidden[item.id] = DONT_KNOW
        dim = score(default, {**answers, **hidden}).dimension(Dimension.ECOLOGICAL)
        if dim.high is not None and dim.high >= 25:
            break
    assert dim.low == pytest.approx(0.0)
    assert Band.RED in dim.bands_possible and len(dim.bands_possible) > 1


def test_open_items_name_the_heaviest_first(default: Questionnaire) -> None:
    answers = {i.id: _worst_answer(i) for i in default.items}
    answers.update({"ghg_per_capita": DONT_KNOW, "open_data": DONT_KNOW})
    opened = score(default, answers).open
    assert [o.item_id for o in opened] == ["ghg_per_capita", "open_data"]
    assert opened[0].span > opened[1].span > 0
    assert not math.isnan(opened[0].span)


def test_html_bar_draws_the_range() -> None:
    from kuntaprofiili.views.charts import bar_svg

    assert 'class="bar-range"' in bar_svg(50.0, None, (20.0, 80.0))
    assert 'class="bar-range"' not in bar_svg(50.0)


def test_batch_results_carry_the_range(default: Questionnaire) -> None:
    import numpy as np

    from kuntaprofiili.core.scoring import encode_answers, score_columns

    answers = {i.id: _worst_answer(i) for i in default.items}
    table = score_columns(
        default, encode_answers(default, [answers, {**answers, "open_data": DONT_KNOW}])
    )
    assert np.allclose(table.overall_low, [table.overall[0], table.overall[0]])
    assert table.overall_high[1] > table.overall_high[0]
