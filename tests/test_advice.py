"""Which measures are suggested, and why: the rules of issue 10 on the real library.

The order of the picks is pinned by the oracle (tests/oracle_ranking.py,
test_ranking_oracle.py); these tests check the promises the rules make.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuntaprofiili.core.advice import Suggestion, suggest_measures
from kuntaprofiili.core.answers import AnswerValue
from kuntaprofiili.core.content import Content
from kuntaprofiili.core.model import DONT_KNOW, Dimension, Item, MunicipalityType
from kuntaprofiili.core.scoring import score
from kuntaprofiili.files.content_file import load_content
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire
from kuntaprofiili.i18n import LANGS

Q = load_questionnaire(default_questionnaire())
CONTENT: Content = load_content()
CASES = Path(__file__).parent / "fixtures" / "cases"
TYPES = list(MunicipalityType)
SMALL = MunicipalityType.SMALL_MUNICIPALITY
KEY_ITEMS = [i for i in Q.scored_items() if i.weight >= 2]


def _case(name: str) -> dict[str, Any]:
    raw = yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))
    return dict(raw["answers"])


def _item_scores(answers: dict[str, AnswerValue]) -> dict[str, float]:
    return {s.item_id: s.score for s in score(Q, answers).items}


def _best(item: Item) -> AnswerValue:
    if item.indicator is not None:
        assert item.indicator.optimum is not None
        return item.indicator.optimum
    return max((c for c in item.choices if c.score is not None), key=lambda c: c.score or 0).code


def _worst(item: Item) -> AnswerValue:
    if item.indicator is not None:
        assert item.indicator.lower_bound is not None
        return item.indicator.lower_bound
    return min((c for c in item.choices if c.score is not None), key=lambda c: c.score or 0).code


def _answer(item: Item) -> st.SearchStrategy[AnswerValue | None]:
    if item.indicator is not None:
        ind = item.indicator
        return st.none() | st.just(DONT_KNOW) | st.floats(ind.min, ind.max, allow_nan=False)
    return st.none() | st.sampled_from([c.code for c in item.choices])


ANSWERS = st.fixed_dictionaries({i.id: _answer(i) for i in Q.scored_items()}).map(
    lambda d: {k: v for k, v in d.items() if v is not None}
)
TYPE_SETS = st.lists(st.sampled_from(TYPES), min_size=1, max_size=2, unique=True).map(tuple)


def _check_promises(
    answers: dict[str, AnswerValue], types: tuple[MunicipalityType, ...], aland: bool
) -> tuple[Suggestion, ...]:
    """Every promise of README "How measures are chosen" that one result can show."""
    picked = suggest_measures(CONTENT, Q, answers, types, 5, aland)
    scores = _item_scores(answers)
    asked = {i.id for i in Q.scored_items()}
    for s in picked:
        m = s.measure
        assert m.suits(types)
        assert not (aland and m.mainland_only), m.id
        assert not m.is_done(answers), m.id
        listed = [i for i in m.items if i in asked]
        assert any(scores.get(i, 0.0) < 75 for i in listed), (m.id, listed)  # not only green
        assert s.triggered_by and all((scores.get(i) or 0.0) < 75 for i, _ in s.triggered_by)
    # every red key item (below 25, or unanswered) has a measure that addresses it
    for item in KEY_ITEMS:
        if scores.get(item.id, 0.0) < 25:
            can = [
                m
                for m in CONTENT.measures
                if item.id in m.items
                and m.suits(types)
                and not (aland and m.mainland_only)
                and not m.is_done(answers)
            ]
            if can:
                assert any(item.id in s.measure.items for s in picked), item.id
    return picked


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWERS, TYPE_SETS, st.booleans())
def test_random_answers_keep_every_promise(
    answers: dict[str, AnswerValue], types: tuple[MunicipalityType, ...], aland: bool
) -> None:
    picked = _check_promises(answers, types, aland)
    eligible_specific = [
        s
        for s in suggest_measures(CONTENT, Q, answers, types, 60, aland)
        if s.measure.type_specific
    ]
    if eligible_specific and len(picked) >= 5:
        assert any(s.measure.type_specific for s in picked)
    weak_dims = {s.dimension for s in suggest_measures(CONTENT, Q, answers, types, 60, aland)}
    if len(weak_dims) >= 2 and len(picked) >= 2:
        assert len({s.dimension for s in picked}) >= 2


@pytest.mark.parametrize("item", KEY_ITEMS, ids=lambda i: i.id)
@pytest.mark.parametrize("types", [(t,) for t in TYPES], ids=lambda t: t[0].value)
@pytest.mark.parametrize("aland", [False, True], ids=["mainland", "aland"])
@pytest.mark.parametrize("missing", [False, True], ids=["worst", "unanswered"])
def test_every_red_key_item_gets_a_measure(
    item: Item, types: tuple[MunicipalityType, ...], aland: bool, missing: bool
) -> None:
    """The whole questionnaire walked: each key item at its worst (or unanswered), every
    other key item red too, and still each one has a measure that addresses it."""
    answers: dict[str, AnswerValue] = {i.id: _best(i) for i in Q.scored_items()}
    for key in KEY_ITEMS:
        answers[key.id] = _worst(key)
    if missing:
        del answers[item.id]
    picked = suggest_measures(CONTENT, Q, answers, types, 5, aland)
    for key in KEY_ITEMS:
        assert any(key.id in s.measure.items for s in picked), (
            key.id,
            [s.measure.id for s in picked],
        )


def test_all_green_gets_no_measure() -> None:
    answers = {i.id: _best(i) for i in Q.scored_items()}
    assert suggest_measures(CONTENT, Q, answers, TYPES, 5) == ()


# -- the realistic cases --------------------------------------------------------------------


def _ids(name: str, types: tuple[MunicipalityType, ...], aland: bool = False) -> list[str]:
    answers = _case(name)
    return [s.measure.id for s in _check_promises(answers, types, aland)]


def test_raasepori_with_a_vitality_programme_is_not_told_to_adopt_one() -> None:
    types = (MunicipalityType.REGIONAL_TOWN, MunicipalityType.SWEDISH_BILINGUAL)
    assert _case("raasepori")["vitality_programme"] == "yes"
    assert "vitality_programme" not in _ids("raasepori", types)
    assert "balancing_programme" in _ids("raasepori", types)  # its finances are not balanced


def test_espoo_with_balanced_finances_gets_no_balancing_programme() -> None:
    types = (MunicipalityType.LARGE_CITY, MunicipalityType.SWEDISH_BILINGUAL)
    assert "balancing_programme" not in _ids("espoo", types)


def test_hyrynsalmi_gets_small_municipality_measures_and_one_for_its_roadmap() -> None:
    answers = _case("hyrynsalmi")
    picked = _check_promises(answers, (SMALL,), False)
    assert any(SMALL in s.measure.types and s.measure.type_specific for s in picked)
    assert any("digital_roadmap" in s.measure.items for s in picked)
    assert len({s.dimension for s in picked}) >= 3


def test_helsinki_measures_spread_over_items_and_dimensions() -> None:
    types = (MunicipalityType.LARGE_CITY, MunicipalityType.SWEDISH_BILINGUAL)
    picked = _check_promises(_case("helsinki"), types, False)
    assert picked[0].measure.id != "oil_heating_phaseout"
    assert len({s.item_id for s in picked}) == len(picked)
    assert len({s.dimension for s in picked}) >= 3


def test_jomala_in_aland_gets_no_mainland_only_measure() -> None:
    ids = _ids("jomala", (MunicipalityType.SWEDISH_BILINGUAL,), aland=True)
    mainland = {m.id for m in CONTENT.measures if m.mainland_only}
    assert ids and not mainland & set(ids)


# -- provenance and reasons -----------------------------------------------------------------


def test_every_measure_names_its_source_in_every_language() -> None:
    programme = [m for m in CONTENT.measures if m.source.kind == "programme"]
    assert 25 <= len(programme) < len(CONTENT.measures)
    for m in CONTENT.measures:
        for lang in LANGS:
            text = m.source.text(lang)
            assert text and "{" not in text
            if m.source.kind == "practice":
                assert m.source.practice is not None
                assert m.source.practice.get(lang) in text


def test_done_when_names_real_answers() -> None:
    for m in CONTENT.measures:
        for condition in m.done_when:
            item = Q.item(condition.item)
            codes = {c.code for c in item.choices}
            assert set(condition.answers) <= codes, (m.id, condition)


def test_reason_names_every_answer_behind_it_in_every_language() -> None:
    answers = _case("hyrynsalmi")
    first = suggest_measures(CONTENT, Q, answers, (SMALL,), 5)[0]
    assert len(first.triggered_by) >= 2
    for lang in LANGS:

        def name_of(item_id: str, lang: str = lang) -> str | None:
            return Q.item(item_id).text.get(lang)

        text = first.reason(lang, name_of)
        for item_id, _ in first.triggered_by:
            assert Q.item(item_id).text.get(lang) in text


def test_unanswered_key_item_is_named_as_such() -> None:
    answers = {i.id: _best(i) for i in Q.scored_items()}
    del answers["digital_roadmap"]
    picked = suggest_measures(CONTENT, Q, answers, (SMALL,), 5)
    behind = [s for s in picked if s.item_id == "digital_roadmap"]
    assert behind and behind[0].item_score is None
    assert "avainkysymys" in behind[0].reason("fi")


@pytest.mark.parametrize(("types", "count"), [((), 5), ((SMALL,), -1)])
def test_bad_arguments_are_refused(types: tuple[MunicipalityType, ...], count: int) -> None:
    with pytest.raises(ValueError):
        suggest_measures(CONTENT, Q, {}, types, count)


def test_dimension_of_each_pick_is_its_trigger_items() -> None:
    answers = _case("helsinki")
    for s in suggest_measures(CONTENT, Q, answers, TYPES[:1], 5):
        assert s.item_id is not None
        assert Dimension(Q.section_of(s.item_id).dimension) == s.dimension
